"""Inline suppression: `# productops: ignore[CODE]` hides those codes on its line, a bare one hides all."""

from __future__ import annotations

import json

from .cli_helpers import Project


def codes(project: Project) -> list[tuple[int, str]]:
    report = json.loads(project.run("check", "--format", "json").stdout)
    return [(d["line"], d["code"]) for d in report["diagnostics"]]


# "order completed" draws PO101 (not in the plan) and PO102 (not Title Case) on its line.
def test_listed_code_is_hidden_and_the_others_on_the_line_stay(project: Project) -> None:
    project.write("app.py", 'import analytics\nanalytics.track("u", "order completed")  # productops: ignore[PO101]\n')

    assert codes(project) == [(2, "PO102")]


def test_several_listed_codes_are_hidden(project: Project) -> None:
    project.write("app.py", 'import analytics\nanalytics.track("u", "order completed")  # productops: ignore[PO101, PO102]\n')

    assert codes(project) == []


def test_bare_marker_hides_every_code_on_the_line(project: Project) -> None:
    project.write(
        "app.py",
        "import analytics\n"
        'analytics.track("u", "order completed")  # productops: ignore\n'
        'analytics.track("u", "order completed")\n',
    )

    assert codes(project) == [(3, "PO101"), (3, "PO102")]


def test_marker_for_another_code_hides_nothing(project: Project) -> None:
    project.write("app.py", 'import analytics\nanalytics.track("u", "Signed Up")  # productops: ignore[PO101]\n')

    assert codes(project) == [(2, "PO301")]


def test_marker_on_the_first_line_of_a_call_covers_the_whole_call(project: Project) -> None:
    project.write(
        "app.py",
        "import analytics\n"
        "analytics.track(  # productops: ignore[PO202]\n"
        '    "u",\n'
        '    "Order Completed",\n'
        '    {"order_id": "o-1", "revenu": 1},\n'
        ")\n",
    )

    assert codes(project) == []


def test_suppressed_findings_do_not_fail_the_run_and_are_not_fixed(project: Project) -> None:
    source = 'import analytics\nanalytics.track("u", "Signed Up")  # productops: ignore[PO301]\n'
    project.write("app.py", source)

    run = project.run("check", "--fix")

    assert run.exit_code == 0
    assert run.stdout == "All checks passed (1 file checked)\n"
    assert project.read("app.py") == source
