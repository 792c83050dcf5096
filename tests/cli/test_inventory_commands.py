"""`calls`, `registry init --from-code`, `rule` and `debug`: the commands around `check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from productops_lint.checks import all_checks

from .cli_helpers import Project

CALL_KEYS = {"path", "line", "column", "sdk", "event", "dynamic", "event_expr", "properties", "partial", "via", "role"}

TRACKING = '''\
import analytics

from app.names import CHECKOUT


def track_event(name, props):
    analytics.track("user-1", name, props)


def flow(user_id, status, extra):
    analytics.track(user_id, "Order Completed", {"order_id": "o-1", "revenue": 12.5, "items": 3})
    analytics.track(user_id, CHECKOUT, {"cart_value": 1.0, "gift": True, **extra})
    analytics.track(user_id, f"Order {status}")
    track_event("Account Created", {"plan": "pro"})
'''


def inventory(project: Project) -> None:
    project.write_files({"app/__init__.py": "", "app/names.py": 'CHECKOUT = "Checkout Started"\n', "app/flow.py": TRACKING})


def test_calls_json_lists_each_call_with_the_documented_fields(project: Project) -> None:
    inventory(project)

    run = project.run("calls", "--format", "json")
    calls = json.loads(run.stdout)

    assert run.exit_code == 0
    assert all(set(c) >= CALL_KEYS for c in calls)
    summary = [(c["path"], c["line"], c["column"], c["sdk"], c["event"], c["dynamic"], c["partial"], c["role"]) for c in calls]
    # The wrapper's own SDK call forwards a parameter: a sink, named by its call sites.
    assert summary == [
        ("app/flow.py", 7, 5, "segment", None, False, False, "sink"),
        ("app/flow.py", 11, 5, "segment", "Order Completed", False, False, "site"),
        ("app/flow.py", 12, 5, "segment", "Checkout Started", False, True, "site"),
        ("app/flow.py", 13, 5, "segment", None, True, False, "site"),
        ("app/flow.py", 14, 5, "app.flow.track_event", "Account Created", False, False, "site"),
    ]
    assert calls[1]["properties"] == ["order_id", "revenue", "items"]
    assert calls[2]["event_expr"] == "CHECKOUT"
    assert calls[3]["event_expr"] == 'f"Order {status}"'
    assert calls[4]["via"] == ["app.flow.track_event", "segment"]


def test_calls_paths_are_relative_to_the_current_folder(project: Project) -> None:
    inventory(project)

    calls = json.loads(project.run("calls", "--format", "json", cwd=project.root / "app").stdout)

    assert {c["path"] for c in calls} == {"flow.py"}


def test_calls_text_ends_with_a_count(project: Project) -> None:
    inventory(project)

    lines = project.run("calls").stdout.splitlines()

    assert lines[-1] == "5 tracking calls"
    assert "app/flow.py:7:5: segment <unresolved: name> {?}  (sink: named by its callers)" in lines
    assert "app/flow.py:11:5: segment `Order Completed` {order_id, revenue, items}" in lines


def test_calls_needs_no_plan(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    inventory(project)

    run = project.run("calls", "--format", "json")

    assert run.exit_code == 0
    assert len(json.loads(run.stdout)) == 5


def test_registry_init_from_code_writes_a_plan_that_validates_and_the_code_then_passes(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    inventory(project)

    init = project.run("registry", "init", "--from-code")
    validation = project.run("registry", "check")
    check = project.run("check", "--format", "json")

    assert init.exit_code == 0, init.output
    assert "Wrote 3 events to rules/from-code.yaml" in init.stdout
    assert "dynamic event name `f\"Order {status}\"`" in init.stderr
    assert validation.exit_code == 0, validation.output
    # Types come from the values the code sends, so the new plan agrees with the code.
    codes = {d["code"] for d in json.loads(check.stdout)["diagnostics"]}
    assert codes == {"PO103"}


def test_registry_init_does_not_overwrite_without_force(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    inventory(project)
    project.write("rules/from-code.yaml", "events: []\n")

    refused = project.run("registry", "init", "--from-code")
    forced = project.run("registry", "init", "--from-code", "--force")

    assert refused.exit_code == 2
    assert "exists; pass --force to overwrite it" in refused.stderr
    assert forced.exit_code == 0
    assert "Order Completed" in project.read("rules/from-code.yaml")


def test_rule_prints_the_checks_documentation(project: Project) -> None:
    doc = all_checks()["PO101"].documentation()

    run = project.run("rule", "PO101")

    assert run.exit_code == 0
    assert run.stdout.startswith("# PO101 unknown-event\n")
    for paragraph in doc.split("\n\n"):
        assert paragraph.strip() in run.stdout


def test_rule_accepts_a_check_name_and_lowercase(project: Project) -> None:
    assert project.run("rule", "unknown-event").stdout == project.run("rule", "po101").stdout


@pytest.mark.parametrize(
    ("asked", "hint"),
    [("PO1O1", " (did you mean `PO101`?)"), ("unknown-evnt", " (did you mean `unknown-event`?)"), ("XX", "")],
)
def test_unknown_rule_fails_with_a_suggestion(project: Project, asked: str, hint: str) -> None:
    run = project.run("rule", asked)

    assert run.exit_code == 2
    assert f"unknown check `{asked}`{hint}; `productops-lint rule --all` lists them" in run.stderr
    assert "Traceback" not in run.output


def test_rule_all_lists_every_check(project: Project) -> None:
    listed = [line.split()[0] for line in project.run("rule", "--all").stdout.splitlines()]

    assert listed == list(all_checks())


def test_debug_shows_the_config_and_why_checks_are_off(project: Project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.productops]\nregistry = ["rules"]\nselect = ["PO1", "PO3"]\nignore = ["PO103"]\n\n'
        '[tool.productops.severity]\nPO301 = "error"\n',
    )

    run = project.run("debug")
    checks = {line.split()[0]: line for line in run.stdout.splitlines() if line.startswith("  PO")}

    assert run.exit_code == 0
    assert "config:    pyproject.toml" in run.stdout
    assert "  select             ('PO1', 'PO3')" in run.stdout
    assert "rule files: 1 (5 events)" in run.stdout
    assert checks["PO101"].endswith("on  (selected by `PO1`; error)")
    assert checks["PO103"].endswith("off (ignored by `PO103`)")
    assert checks["PO201"].endswith("off (not selected)")
    assert checks["PO301"].endswith("on  (selected by `PO3`; error)")


def test_debug_wrappers_works_where_calls_does_with_no_rules_folder(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    inventory(project)

    run = project.run("debug", "--wrappers")

    assert run.exit_code == 0, run.output
    assert "rule files: 0 (0 events)" in run.stdout
    assert "app.flow.track_event  ->  segment" in run.stdout


def test_test_files_are_skipped_unless_named_or_check_tests_is_set(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", plan=None)
    inventory(project)
    call = 'import analytics\n\nanalytics.track("u", "Test Event")\n'
    project.write_files({"tests/test_flow.py": call, "app/conftest.py": call, "app/flow_test.py": call})

    def events(*args: str) -> list[str]:
        return sorted(c["event"] or "" for c in json.loads(project.run("calls", "--format", "json", *args).stdout))

    assert "Test Event" not in events()
    assert events("tests/test_flow.py") == ["Test Event"]
    project.write("pyproject.toml", project.read("pyproject.toml") + "check-tests = true\n")
    assert events().count("Test Event") == 3
