"""`productops-lint check`: exit codes, code selection, and the text report's lines and summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .cli_helpers import CLEAN, MIXED, Project

WARNING_ONLY = 'import analytics\n\nanalytics.track("u", "Signed Up")\n'
LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>PO\d{3})(?P<fixable> \[\*\])? (?P<message>.+)$")


def reported(stdout: str) -> list[tuple[str, int, int, str]]:
    found = [LINE.match(line) for line in stdout.splitlines()]
    return [(m["path"], int(m["line"]), int(m["col"]), m["code"]) for m in found if m]


def test_clean_project_exits_0_and_says_so(project: Project) -> None:
    project.write("app.py", CLEAN)

    run = project.run("check")

    assert run.exit_code == 0
    assert run.stdout == "All checks passed (1 file checked)\n"


def test_errors_exit_1_with_one_line_per_finding_and_a_summary(project: Project) -> None:
    project.write("app/flow.py", MIXED)

    run = project.run("check")

    assert run.exit_code == 1
    assert reported(run.stdout) == [("app/flow.py", 5, 30, "PO101"), ("app/flow.py", 6, 30, "PO301")]
    assert "app/flow.py:6:30: PO301 [*] Event `Signed Up` is deprecated and replaced by `Account Created`\n" in run.stdout
    assert run.stdout.rstrip("\n").splitlines()[-1] == (
        "Found 2 problems (1 error, 1 warning) in 1 of 1 file; 1 fixable with `--fix`, 1 more with `--fix --unsafe-fixes`"
    )


def test_warnings_alone_exit_0(project: Project) -> None:
    project.write("app.py", WARNING_ONLY)

    run = project.run("check")

    assert run.exit_code == 0
    assert reported(run.stdout) == [("app.py", 3, 22, "PO301")]


def test_exit_zero_reports_errors_but_exits_0(project: Project) -> None:
    project.write("app/flow.py", MIXED)

    run = project.run("check", "--exit-zero")

    assert run.exit_code == 0
    assert [code for *_, code in reported(run.stdout)] == ["PO101", "PO301"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--frobnicate"], "No such option '--frobnicate'"),
        (["check", "--format", "xml"], "Invalid value for '--format'"),
        (["check", "missing.py"], "missing.py: no such file or folder"),
        (["check", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
    ],
)
def test_usage_errors_exit_2(project: Project, args: list[str], message: str) -> None:
    project.write("app.py", CLEAN)

    run = project.run(*args)

    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.output


def test_missing_plan_exits_2_and_says_where_it_looked(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    project.write("app.py", CLEAN)

    run = project.run("check")

    assert run.exit_code == 2
    assert "error: rules: rule file or folder does not exist" in run.stderr


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "PO3"], ["PO301"]),
        (["--select", "PO101"], ["PO101"]),
        (["--ignore", "PO101"], ["PO301"]),
        (["--ignore", "PO1,PO3"], []),
        (["--select", "PO1", "--ignore", "PO101"], []),
        (["--select", "po3"], ["PO301"]),
    ],
)
def test_select_and_ignore_choose_the_checks(project: Project, args: list[str], codes: list[str]) -> None:
    project.write("app/flow.py", MIXED)

    run = project.run("check", *args)

    assert [code for *_, code in reported(run.stdout)] == codes
    assert run.exit_code == (1 if "PO101" in codes else 0)


def test_select_on_the_command_line_replaces_the_configured_one(project: Project) -> None:
    project.write("pyproject.toml", '[tool.productops]\nregistry = ["rules"]\nselect = ["PO3"]\n')
    project.write("app/flow.py", MIXED)

    configured = project.run("check")
    overridden = project.run("check", "--select", "PO1")

    assert [code for *_, code in reported(configured.stdout)] == ["PO301"]
    assert [code for *_, code in reported(overridden.stdout)] == ["PO101"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "PO1O1"], "Invalid value for --select: `PO1O1` matches no check (did you mean `PO101`?)"),
        (["--ignore", "PO9"], "Invalid value for --ignore: `PO9` matches no check"),
        (["--select", ","], "Invalid value for --select: expected comma-separated check codes"),
    ],
)
def test_a_code_that_matches_no_check_is_a_usage_error(project: Project, args: list[str], message: str) -> None:
    # Otherwise a typo would silently turn every check off and the run would pass.
    project.write("app/flow.py", MIXED)

    run = project.run("check", *args)

    assert run.exit_code == 2
    assert message in run.stderr


def test_paths_limit_the_report_to_those_files(project: Project) -> None:
    project.write("app/flow.py", MIXED)
    project.write("app/other.py", WARNING_ONLY)

    run = project.run("check", "app/other.py")

    assert reported(run.stdout) == [("app/other.py", 3, 22, "PO301")]


def test_output_file_gets_the_report_and_stdout_stays_empty(project: Project) -> None:
    project.write("app/flow.py", MIXED)

    run = project.run("check", "-o", "report.txt")

    assert run.stdout == ""
    assert run.exit_code == 1
    assert [code for *_, code in reported(project.read("report.txt"))] == ["PO101", "PO301"]


def test_a_run_from_a_subfolder_finds_the_project(project: Project) -> None:
    project.write("app/flow.py", MIXED)

    run = project.run("check", cwd=project.root / "app")

    assert [code for *_, code in reported(run.stdout)] == ["PO101", "PO301"]
