"""Warn-first adoption end to end: record a baseline, then only new findings count; severities set the exit code."""

from __future__ import annotations

import json

import pytest

from .cli_helpers import PYPROJECT, Project

# Two errors today: a misspelt event (PO101) and a removed one (PO302).
LEGACY = (
    "import analytics\n"
    "\n"
    "\n"
    "def checkout(user_id, cart):\n"
    '    analytics.track(user_id, "Checkout Stared", {"cart_value": cart.value})\n'
    '    analytics.track(user_id, "Coupon Applied")\n'
)
NEW_CALL = '    analytics.track(user_id, "Order Complete", {"order_id": "o-1"})\n'
CONFIGURED = PYPROJECT + 'baseline = ".productops-baseline.json"\n'


def reported(stdout: str) -> list[tuple[str, int, str]]:
    return [(d["path"], d["line"], d["code"]) for d in json.loads(stdout)["diagnostics"]]


@pytest.fixture
def adopted(project: Project) -> Project:
    """A project with legacy findings and a baseline recording them, configured in pyproject.toml."""
    project.write("pyproject.toml", CONFIGURED)
    project.write("app/checkout.py", LEGACY)
    run = project.run("baseline")
    assert run.exit_code == 0, run.output
    return project


def test_baseline_records_every_current_finding(project: Project) -> None:
    project.write("app/checkout.py", LEGACY)

    run = project.run("baseline")
    data = json.loads(project.read(".productops-baseline.json"))

    assert run.stdout == "Recorded 2 findings in .productops-baseline.json\n"
    assert 'Add `baseline = ".productops-baseline.json"` to [tool.productops] to use it.' in run.stderr
    assert [(f["path"], f["code"]) for f in data["findings"]] == [("app/checkout.py", "PO101"), ("app/checkout.py", "PO302")]


def test_check_after_baseline_passes_and_says_how_many_it_hid(adopted: Project) -> None:
    run = adopted.run("check")

    assert run.exit_code == 0
    assert run.stdout == "All checks passed (1 file checked)\n2 known problems hidden by the baseline\n"


def test_only_new_findings_are_reported_and_fail(adopted: Project) -> None:
    adopted.write("app/checkout.py", LEGACY + NEW_CALL)

    run = adopted.run("check", "--format", "json")

    assert reported(run.stdout) == [("app/checkout.py", 7, "PO101")]
    assert run.exit_code == 1


def test_baseline_survives_lines_inserted_above(adopted: Project) -> None:
    adopted.write("app/checkout.py", '"""Checkout."""\n\nimport logging\n\nlog = logging.getLogger(__name__)\n' + LEGACY)

    run = adopted.run("check")

    assert run.exit_code == 0
    assert "2 known problems hidden by the baseline" in run.stdout


def test_no_baseline_reports_everything(adopted: Project) -> None:
    run = adopted.run("check", "--no-baseline", "--format", "json")

    assert [code for *_, code in reported(run.stdout)] == ["PO101", "PO302"]
    assert run.exit_code == 1


def test_a_baseline_given_on_the_command_line_is_relative_to_the_current_folder(adopted: Project) -> None:
    adopted.write("pyproject.toml", PYPROJECT)
    adopted.write("app/checkout.py", LEGACY + NEW_CALL)

    run = adopted.run("check", "--format", "json", "--baseline", "../.productops-baseline.json", cwd=adopted.root / "app")

    assert reported(run.stdout) == [("app/checkout.py", 7, "PO101")]


def test_fixed_findings_drop_out_when_the_baseline_is_rewritten(adopted: Project) -> None:
    adopted.run("check", "--fix")  # the removed event is renamed to its replacement (a safe fix)
    stale = json.loads(adopted.read(".productops-baseline.json"))

    rewrite = adopted.run("baseline")
    fresh = json.loads(adopted.read(".productops-baseline.json"))

    assert [f["code"] for f in stale["findings"]] == ["PO101", "PO302"]
    assert rewrite.stdout == "Recorded 1 finding in .productops-baseline.json\n"
    assert [f["code"] for f in fresh["findings"]] == ["PO101"]
    assert adopted.run("check").exit_code == 0


def test_a_finding_that_comes_back_after_the_rewrite_is_new(adopted: Project) -> None:
    adopted.run("check", "--fix")
    adopted.run("baseline")
    adopted.write("app/checkout.py", LEGACY)

    run = adopted.run("check", "--format", "json")

    assert [code for *_, code in reported(run.stdout)] == ["PO302"]
    assert run.exit_code == 1


@pytest.mark.parametrize(
    ("severity", "exit_code", "levels"),
    [
        ("", 1, ["error", "error"]),
        ('PO1 = "warning"\n', 1, ["warning", "error"]),
        ('PO1 = "warning"\nPO302 = "info"\n', 0, ["warning", "info"]),
        ('PO = "info"\n', 0, ["info", "info"]),
        ('PO = "warning"\nPO101 = "error"\n', 1, ["error", "warning"]),
    ],
)
def test_only_errors_fail_and_the_severity_table_sets_them(
    project: Project, severity: str, exit_code: int, levels: list[str]
) -> None:
    project.write("pyproject.toml", PYPROJECT + "\n[tool.productops.severity]\n" + severity)
    project.write("app/checkout.py", LEGACY)

    run = project.run("check", "--format", "json")

    assert [d["severity"] for d in json.loads(run.stdout)["diagnostics"]] == levels
    assert run.exit_code == exit_code


def test_severity_shows_in_the_text_summary(project: Project) -> None:
    project.write("pyproject.toml", PYPROJECT + '\n[tool.productops.severity]\nPO1 = "warning"\nPO302 = "info"\n')
    project.write("app/checkout.py", LEGACY)

    run = project.run("check")

    assert "Found 2 problems (0 errors, 1 warning, 1 info) in 1 of 1 file" in run.stdout


def test_exit_zero_reports_new_errors_without_failing(adopted: Project) -> None:
    adopted.write("app/checkout.py", LEGACY + NEW_CALL)

    run = adopted.run("check", "--exit-zero")

    assert run.exit_code == 0
    assert "app/checkout.py:7:30: PO101" in run.stdout
