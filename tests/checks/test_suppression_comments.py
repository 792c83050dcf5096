"""Suppression comments: a strict grammar, and only real comments count (never text inside a string)."""

from __future__ import annotations

import pytest
from check_helpers import example_plan

from productops_lint.config import Config
from productops_lint.engine import analyze_source

HEAD = "import analytics\n\n"
# "order completed" draws PO101 (not in the plan) and PO102 (not Title Case) on its line.
CALL = 'analytics.track("u", "order completed")'


def codes(source: str) -> list[str]:
    result = analyze_source(source, example_plan(), config=Config(select=("PO101", "PO102")))
    return [d.code for d in result.diagnostics]


def test_the_call_without_a_comment_draws_both_findings() -> None:
    assert codes(HEAD + CALL + "\n") == ["PO101", "PO102"]


@pytest.mark.parametrize(
    ("comment", "left"),
    [
        ("# productops: ignore", []),
        ("# productops: ignore  # a legacy event, see SHOP-12", []),
        ("# productops: ignore[PO101]", ["PO102"]),
        ("# productops: ignore[PO101]  # until SHOP-12 lands", ["PO102"]),
        ("# productops: ignore[PO101,PO102]", []),
        ("# productops: ignore[ po101 , Po102 ]", []),
        ("# noqa: E501  # productops: ignore[PO102]", ["PO101"]),
    ],
)
def test_well_formed_marker_hides_what_it_names(comment: str, left: list[str]) -> None:
    assert codes(f"{HEAD}{CALL}  {comment}\n") == left


@pytest.mark.parametrize(
    "comment",
    [
        "# productops: ignore [PO101]",
        "# productops: ignored",
        "# productops: ignore-all",
        "# productops: ignore[]",
        "# productops: ignore[PO101] because it is legacy",
        "# productops: ignore[PO101",
        "# see productops: ignore",
    ],
)
def test_near_miss_hides_nothing(comment: str) -> None:
    assert codes(f"{HEAD}{CALL}  {comment}\n") == ["PO101", "PO102"]


def test_marker_inside_a_string_is_not_a_comment() -> None:
    source = HEAD + 'analytics.track("u", "order completed", {"note": "# productops: ignore"})\n'

    assert codes(source) == ["PO101", "PO102"]


def test_marker_inside_a_multi_line_string_on_the_call_line_is_not_a_comment() -> None:
    source = HEAD + 'analytics.track("u", "order completed", {"note": """# productops: ignore\n"""})\n'

    assert codes(source) == ["PO101", "PO102"]


def test_marker_after_an_open_bracket_on_the_first_line_covers_the_call() -> None:
    source = HEAD + 'analytics.track(  # productops: ignore[PO101, PO102]\n    "u",\n    "order completed",\n)\n'

    assert codes(source) == []


def test_form_feed_does_not_shift_which_line_carries_the_marker() -> None:
    # A form feed is whitespace to Python, not a line end: the marker is on the call's own line.
    assert codes("import analytics\n\x0c\n" + CALL + "  # productops: ignore\n") == []
    assert codes("import analytics\n\x0c  # productops: ignore\n" + CALL + "\n") == ["PO101", "PO102"]
