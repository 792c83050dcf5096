"""Results as Markdown: the sticky comment's sections and the check-run text."""

from __future__ import annotations

from productops_lint.pr.render import check_text, plain, section
from productops_lint.pr.types import EPIC_CHECK, FAILURE, SUCCESS, CheckResult, ItemResult


def test_epic_section_with_one_item_is_the_summary_without_a_table() -> None:
    result = CheckResult(EPIC_CHECK, SUCCESS, "Epic #1: Epic one", "[#1 Epic one](u) · open",
                         items=(ItemResult("ticket:#5", "`#5`", "passed", "belongs"),))

    assert section(result) == "✅ **Epic #1: Epic one**\n\n[#1 Epic one](u) · open"


def test_table_cells_cannot_break_the_table() -> None:
    result = CheckResult(EPIC_CHECK, FAILURE, "t", "s", items=(
        ItemResult("a", "A | B", "failed", "line one\nline | two"), ItemResult("b", "B", "failed", "x", required=False)))

    text = check_text(result)

    assert "| ❌ failed | A \\| B | line one line \\| two |" in text
    assert "| ❌ failed (not required) | B _(optional)_ | x |" in text
    assert "[failed] A | B: line one" in plain(result)
