"""The checklist section of the PR body: insert, update keeping ticks, idempotence, broken or doubled sections, tick diffs."""

from __future__ import annotations

import pytest

from productops_lint.pr.body import END, diff_ticks, merge_checklists, parse_items, section_spans
from productops_lint.pr.types import Tick
from productops_lint.registry.pr_rules import Checklist, ChecklistItem

QA = ChecklistItem("qa", "QA done", owner="@qa-team")
PRIVACY = ChecklistItem("privacy", "Privacy review", optional=True)
DOCS = ChecklistItem("docs", "Docs changed", auto="docs-changed")
LAUNCH = Checklist("launch", "Launch checklist", (QA, PRIVACY, DOCS))
AUTHOR = "What this changes, in the author's words.\n\n- a list the author wrote\n- [ ] and a task of theirs"


def merged(body: str, *checklists: Checklist, ticks: tuple[Tick, ...] = ()) -> str:
    out = merge_checklists(body, checklists or (LAUNCH,), ticks)
    assert out is not None
    return out


def tick(body: str, title: str) -> str:
    assert f"- [ ] {title}" in body
    return body.replace(f"- [ ] {title}", f"- [x] {title}", 1)


def test_insert_into_an_empty_body_lists_only_the_manual_items() -> None:
    body = merged("")

    assert body.startswith("<!-- productops:checklist:start ") and body.endswith(END)
    assert "- [ ] QA done · @qa-team <!-- productops:item qa -->" in body
    assert "- [ ] Privacy review _(optional)_ <!-- productops:item privacy -->" in body
    assert "Docs changed" not in body, "automatic items are verified, not ticked"


@pytest.mark.parametrize("author", [AUTHOR, AUTHOR + "\n", AUTHOR + "\n\n", AUTHOR.replace("\n", "\r\n")])
def test_insert_keeps_the_authors_text_byte_identical(author: str) -> None:
    body = merged(author)

    start, end = section_spans(body)[0]
    assert body[:start].rstrip("\r\n") == author.rstrip("\r\n") and body.startswith(author)
    assert body[end:] == ""
    if "\r\n" in author:
        assert "\n" not in body[start:end].replace("\r\n", "")


def test_merging_twice_is_a_no_op() -> None:
    body = merged(AUTHOR)

    assert merge_checklists(body, (LAUNCH,)) is None


def test_update_keeps_ticks_and_na_reasons_and_the_text_around_the_section() -> None:
    body = tick(merged(AUTHOR), "QA done").replace("<!-- productops:item privacy -->", "<!-- productops:item privacy --> n/a: no personal data")
    body += "\n\nA footnote the author added later."
    grown = Checklist("launch", "Launch checklist", (QA, PRIVACY, ChecklistItem("legal", "Legal sign-off"), DOCS))

    updated = merged(body, grown)

    states = parse_items(updated)
    assert states["qa"].checked and states["privacy"].na == "no personal data"
    assert not states["legal"].checked
    assert updated.startswith(AUTHOR) and updated.endswith("\n\nA footnote the author added later.")
    assert merge_checklists(updated, (grown,)) is None


def test_an_unchanged_plan_leaves_the_authors_own_spelling_alone() -> None:
    body = merged(AUTHOR).replace("- [ ] QA done", "- [X] QA done").replace("item privacy -->", "item privacy -->   N/A:  not needed")

    assert merge_checklists(body, (LAUNCH,)) is None
    assert parse_items(body)["qa"].checked and parse_items(body)["privacy"].na == "not needed"


def test_two_sections_become_one_keeping_the_ticks_of_both() -> None:
    first = tick(merged(""), "QA done")
    second = merged("", Checklist("other", "Other", (PRIVACY,)))
    second = tick(second, "Privacy review")
    body = f"Intro.\n\n{first}\n\nMiddle text.\n\n{second}\n\nOutro."

    fixed = merged(body)

    assert len(section_spans(fixed)) == 1
    assert fixed.startswith("Intro.\n\n") and "Middle text." in fixed and fixed.endswith("Outro.")
    states = parse_items(fixed)
    assert states["qa"].checked and states["privacy"].checked
    assert merge_checklists(fixed, (LAUNCH,)) is None


@pytest.mark.parametrize("broken", ["end", "start"])
def test_a_section_with_a_marker_missing_is_repaired_without_eating_the_authors_text(broken: str) -> None:
    section = tick(merged(""), "QA done")
    lines = section.split("\n")
    section = "\n".join(lines[:-1] if broken == "end" else lines[1:])
    body = f"Intro.\n\n{section}\n\n## Notes\nKeep me."

    fixed = merged(body)

    assert fixed.startswith("Intro.\n\n") and fixed.endswith("\n\n## Notes\nKeep me.")
    assert len(section_spans(fixed)) == 1 and fixed.count("productops:item qa") == 1
    assert parse_items(fixed)["qa"].checked
    assert merge_checklists(fixed, (LAUNCH,)) is None


def test_no_manual_item_left_removes_the_section_and_restores_the_body() -> None:
    body = merged(AUTHOR)

    assert merge_checklists(body, ()) == AUTHOR
    assert merge_checklists(AUTHOR, ()) is None
    assert merge_checklists(AUTHOR, (Checklist("auto", "Auto only", (DOCS,)),)) is None


def test_an_item_that_comes_back_takes_its_newest_recorded_tick() -> None:
    ticks = (Tick("qa", False, "bob", "2026-01-01T09:00:00Z"), Tick("qa", True, "ana", "2026-01-02T09:00:00Z"))

    assert parse_items(merged(AUTHOR, ticks=ticks))["qa"].checked


def test_items_are_read_only_from_the_section() -> None:
    body = "- [x] QA done <!-- productops:item qa -->\n\n" + merged("")

    assert parse_items(body)["qa"].checked is False


@pytest.mark.parametrize(
    ("suffix", "na"),
    [(" N/A: no UI change", "no UI change"), (" n/a: lower case", "lower case"), (" N/A", ""), (" N/A:", ""), ("", None)],
)
def test_na_reasons_on_an_item_line(suffix: str, na: str | None) -> None:
    body = merged("").replace("<!-- productops:item qa -->", "<!-- productops:item qa -->" + suffix)

    assert parse_items(body)["qa"].na == na


def test_tick_diff_reports_each_change_with_sender_and_time() -> None:
    before = merged(AUTHOR)
    after = tick(tick(before, "QA done"), "Privacy review")
    unticked = after.replace("- [x] QA done", "- [ ] QA done")

    assert diff_ticks(before, after, "qa-lead", "2026-03-01T10:00:00Z") == [
        Tick("qa", True, "qa-lead", "2026-03-01T10:00:00Z"),
        Tick("privacy", True, "qa-lead", "2026-03-01T10:00:00Z"),
    ]
    assert diff_ticks(after, unticked, "bob", "t2") == [Tick("qa", False, "bob", "t2")]
    assert diff_ticks(after, after.replace("Author", "An author"), "bob", "t3") == []


def test_tick_diff_ignores_boxes_outside_the_section() -> None:
    before = merged(AUTHOR)
    after = before.replace("- [ ] and a task of theirs", "- [x] and a task of theirs")

    assert diff_ticks(before, after, "ana", "t") == []
