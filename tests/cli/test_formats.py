"""Every `--format` runs through the CLI on real findings; SARIF validates; colour only on a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from .cli_helpers import MIXED, Project

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-2.1.0-rtm.5.json"
ANSI = "\x1b["


@pytest.fixture
def mixed(project: Project) -> Project:
    project.write("app/flow.py", MIXED)
    project.write("app/clean.py", "x = 1\n")
    return project


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "gitlab"])
def test_every_format_runs_and_keeps_the_exit_code(mixed: Project, fmt: str) -> None:
    run = mixed.run("check", "--format", fmt)

    assert run.exit_code == 1
    assert "PO101" in run.stdout and "PO301" in run.stdout
    assert "Traceback" not in run.output


def test_sarif_validates_against_the_official_schema(mixed: Project) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)

    log = json.loads(mixed.run("check", "--format", "sarif").stdout)
    clean = json.loads(mixed.run("check", "--format", "sarif", "app/clean.py").stdout)

    validator.validate(log)
    validator.validate(clean)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("PO101", "error"), ("PO301", "warning")]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 30)
    assert clean["runs"][0]["results"] == []


def test_json_lists_each_finding_with_its_position(mixed: Project) -> None:
    report = json.loads(mixed.run("check", "--format", "json").stdout)

    assert [(d["code"], d["path"], d["line"], d["column"], d["severity"]) for d in report["diagnostics"]] == [
        ("PO101", "app/flow.py", 5, 30, "error"),
        ("PO301", "app/flow.py", 6, 30, "warning"),
    ]


def test_github_writes_workflow_commands(mixed: Project) -> None:
    lines = mixed.run("check", "--format", "github").stdout.splitlines()

    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning"]
    assert lines[0].startswith("::error file=app/flow.py,line=5,col=30,")


def test_junit_is_xml_with_one_failure_per_finding(mixed: Project) -> None:
    root = ET.fromstring(mixed.run("check", "--format", "junit").stdout)

    assert [f.get("type") for f in root.iter("failure")] == ["PO101 (error)", "PO301 (warning)"]


def test_gitlab_is_a_code_quality_report(mixed: Project) -> None:
    issues = json.loads(mixed.run("check", "--format", "gitlab").stdout)

    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("PO101", "app/flow.py", 5),
        ("PO301", "app/flow.py", 6),
    ]


def _cli(project: Project, stdout: int, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "productops_lint", "check"],
        cwd=project.root,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
    )


def _terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PRODUCTOPS_DEBUG")}
    env["TERM"] = "xterm-256color"
    return env


def test_no_colour_when_piped(mixed: Project) -> None:
    done = _cli(mixed, subprocess.PIPE, _terminal_env())
    out = done.stdout.decode()

    assert done.returncode == 1
    assert "app/flow.py:5:30: PO101 " in out
    assert ANSI not in out


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(mixed: Project) -> None:
    def on_terminal(env: dict[str, str]) -> str:
        leader, follower = os.openpty()
        try:
            _cli(mixed, follower, env)
        finally:
            os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return b"".join(chunks).decode()

    coloured = on_terminal(_terminal_env())
    plain = on_terminal({**_terminal_env(), "NO_COLOR": "1"})

    assert ANSI in coloured and "PO101" in coloured
    assert ANSI not in plain and "app/flow.py:5:30: PO101 " in plain
