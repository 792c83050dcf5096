"""Hostile rule files and paths: slow user regexes, `!!python` tags and FIFOs end with `file:line: reason`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .cli_helpers import PYPROJECT, Project

# Catastrophic even for the `regex` engine: fib(40) ways to split the `a`s before the `!` fails.
SLOW = "^(a|aa)+$"
VICTIM = "a" * 40 + "!"
# Bounds the test, never asserted on: before the fix these runs never ended.
HANG_GUARD_SECONDS = 120


def _plan(pii: str, prop: str = VICTIM, pattern: str | None = None) -> str:
    declared = f"{{type: string, pattern: '{pattern}'}}" if pattern else "string"
    return textwrap.dedent(f"""\
        conventions:
          pii_patterns:
            - '{pii}'
        events:
          - name: Order Completed
            description: An order was paid.
            properties:
              {prop}: {declared}
        """)


def _cli(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """The real console script, in a subprocess with a tiny regex time bound."""
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}
    env.pop("PRODUCTOPS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "productops_lint", *args], cwd=project.root, env=env,
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )


def _project(tmp_path: Path, plan: str, code: str) -> Project:
    project = Project(tmp_path / "proj", plan=plan, pyproject=PYPROJECT)
    project.write("app/orders.py", code)
    return project


CALL = f'import analytics\n\nanalytics.track("u", "Order Completed", {{"{VICTIM}": "x"}})\n'


def test_the_issues_pii_pattern_no_longer_hangs_check_or_registry_check(tmp_path: Path) -> None:
    project = _project(tmp_path, _plan("^(a+)+$"), CALL)

    check = _cli(project, "check", "--no-cache", "--format", "json")
    registry = _cli(project, "registry", "check")

    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["diagnostics"] == []
    assert registry.returncode == 0, registry.stdout + registry.stderr
    assert "Traceback" not in check.stderr + registry.stderr


def test_a_pii_pattern_too_slow_is_reported_at_its_line_by_check(tmp_path: Path) -> None:
    project = _project(tmp_path, _plan(SLOW, prop="order_id"), CALL)

    run = _cli(project, "check", "--no-cache")

    assert run.returncode == 2, run.stdout + run.stderr
    assert "rules/plan.yaml:3:7: pattern too slow" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_pii_pattern_too_slow_is_one_problem_of_registry_check(tmp_path: Path) -> None:
    plan = _plan(SLOW).replace("              ", f"              {VICTIM}x: string\n              ", 1)
    project = _project(tmp_path, plan, CALL)

    run = _cli(project, "registry", "check")

    assert run.returncode == 1, run.stdout + run.stderr
    output = run.stdout + run.stderr
    assert output.count("pattern too slow") == 1, output
    assert "rules/plan.yaml:3:7: pattern too slow" in output


def test_a_property_value_pattern_too_slow_is_reported_at_the_property(tmp_path: Path) -> None:
    code = f'import analytics\n\nanalytics.track("u", "Order Completed", {{"code": "{VICTIM}"}})\n'
    project = _project(tmp_path, _plan("e[-_]?mail", prop="code", pattern=SLOW), code)

    run = _cli(project, "check", "--no-cache")

    assert run.returncode == 2, run.stdout + run.stderr
    assert "rules/plan.yaml:8:7: pattern too slow" in run.stderr


def _library(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )


def test_a_ticket_pattern_too_slow_stops_the_commit_msg_hook_with_exit_2(tmp_path: Path) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text(VICTIM + "\n")
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}

    run = subprocess.run(
        [sys.executable, "-c", "import sys; from productops_lint.hooks import ticket_main; sys.exit(ticket_main())",
         "--pattern", "(a|aa)+$", str(message)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )

    assert run.returncode == 2, run.stdout + run.stderr
    assert "pattern too slow" in run.stderr


def test_the_pr_checks_ticket_keys_and_checklist_patterns_are_bounded(tmp_path: Path) -> None:
    run = _library(tmp_path, f"""
        from productops_lint.pr.config import matcher
        from productops_lint.registry.model import TicketRules
        from productops_lint.registry.pr_rules import ChecklistItem
        from productops_lint.types import Location, UserError
        for attempt in (
            lambda: matcher(TicketRules(pattern="(a|aa)+$", location=Location("rules/t.yaml", 4, 3))).find({VICTIM!r}),
            lambda: ChecklistItem("flag", "Flag", auto="feature-flag", pattern={SLOW!r},
                                  location=Location("rules/c.yaml", 9, 5)).regex().search({VICTIM!r}),
        ):
            try:
                attempt()
            except UserError as exc:
                print(exc)
        """)

    assert run.returncode == 0, run.stderr
    assert "rules/t.yaml:4:3: pattern too slow" in run.stdout
    assert "rules/c.yaml:9:5: pattern too slow" in run.stdout


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!python/tuple [1, 2]", "!!python/tuple"),
        ("!!python/object/apply:os.system ['true']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
    ],
)
def test_a_python_tag_is_named_as_not_allowed(tmp_path: Path, value: str, tag: str) -> None:
    project = Project(tmp_path / "proj", plan=f"owner: {value}\nevents: []\n")

    run = project.run("registry", "check")

    assert run.exit_code == 1
    assert f"rules/plan.yaml:1:8: tag {tag} is not allowed" in run.output
    assert "must be" not in run.output, "the tag is named, not the type it left behind"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_on_the_command_line_is_not_a_regular_file(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj")
    os.mkfifo(project.root / "pipe.py")

    run = project.run("check", "pipe.py")

    assert run.exit_code == 2
    assert "pipe.py: not a regular file" in run.stderr
