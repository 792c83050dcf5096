"""The launch checklist: which checklists apply, manual and automatic items, and the conclusion."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pr_lib_helpers import facts, plan

from productops_lint.pr.body import merge_body
from productops_lint.pr.checklist import added_lines, evaluate
from productops_lint.pr.config import applicable_checklists
from productops_lint.pr.gather import PullFile, joined_diff
from productops_lint.pr.render import section
from productops_lint.pr.types import (
    ACTION_REQUIRED,
    EPIC_CHECK,
    FAILURE,
    NEUTRAL,
    SUCCESS,
    CheckResult,
    EventChange,
    PullRequestFacts,
    Tick,
)
from productops_lint.types import UserError

RULES = """\
checklists:
  - id: launch
    title: Launch checklist
    when: {labels: [launch], paths: ["shop/checkout/**"]}
    items:
      - {id: qa, title: QA done, owner: "@qa-team"}
      - {id: privacy, title: Privacy review, optional: true}
      - {id: docs, title: Docs or changelog, auto: docs-changed}
  - id: tracking
    title: Tracking checklist
    when: adds-events
    incomplete: failure
    items:
      - {id: registered, title: Events registered, auto: events-registered}
      - {id: current, title: No deprecated events, auto: no-deprecated-events}
      - {id: flag, title: Behind a feature flag, auto: feature-flag, pattern: 'flags\\.enabled\\("[a-z-]+"\\)'}
      - {id: epic, title: Epic linked, auto: epic-linked}
"""
PLAN = plan(RULES)
EPIC_OK = CheckResult(EPIC_CHECK, SUCCESS, "Epic #1: Epic one", "")


def launch(**changes) -> PullRequestFacts:
    """A `launch` PR with the section in its body, as the App leaves it."""
    pr = facts(labels=("launch",), body="Author text.", **changes)
    return replace(pr, body=merge_body(pr.body, pr, PLAN) or pr.body)


def ticked(pr: PullRequestFacts, *titles: str) -> PullRequestFacts:
    body = pr.body
    for title in titles:
        body = body.replace(f"- [ ] {title}", f"- [x] {title}", 1)
    return replace(pr, body=body)


def statuses(result: CheckResult) -> dict[str, str]:
    return {i.id: i.status for i in result.items}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"labels": ("Launch",)}, ["launch"]),
        ({"changed_paths": ("shop/checkout/pay.py",)}, ["launch"]),
        ({"events": (EventChange("Cart Viewed", "plan-added"),)}, ["tracking"]),
        ({"labels": ("launch",), "events": (EventChange("Cart Viewed", "tracked"),)}, ["launch", "tracking"]),
    ],
)
def test_checklists_are_selected_by_label_path_or_added_events(changes: dict, expected: list[str]) -> None:
    assert [c.id for c in applicable_checklists(facts(**changes), PLAN)] == expected


def test_neutral_when_no_checklist_applies() -> None:
    result = evaluate(facts(), PLAN, EPIC_OK)

    assert (result.conclusion, result.items) == (NEUTRAL, ())
    assert "none of the 2 checklists" in result.summary


def test_a_checklist_without_when_applies_to_every_pr() -> None:
    always = plan("checklists:\n  - id: all\n    items:\n      - {id: qa, title: QA}\n")

    assert [c.id for c in applicable_checklists(facts(), always)] == ["all"]


def test_manual_item_pending_until_ticked_and_then_shows_who_and_when() -> None:
    pr = launch(changed_paths=("docs/cart.md",))

    before = evaluate(pr, PLAN, EPIC_OK)
    assert before.conclusion == ACTION_REQUIRED
    assert statuses(before) == {"qa": "pending", "privacy": "optional", "docs": "passed"}

    after = evaluate(replace(ticked(pr, "QA done"), ticks=(Tick("qa", True, "alice", "2026-02-03T04:05:06Z"),)), PLAN, EPIC_OK)
    assert after.conclusion == SUCCESS
    assert after.items[0].reason == "ticked by @alice at 2026-02-03T04:05:06Z"
    assert "ticked by @alice at 2026-02-03T04:05:06Z" in section(after)


def test_na_with_a_reason_counts_as_done_and_without_one_does_not() -> None:
    pr = launch(changed_paths=("docs/cart.md",))
    with_reason = replace(pr, body=pr.body.replace("item qa -->", "item qa --> N/A: copy change only"))
    without = replace(pr, body=pr.body.replace("item qa -->", "item qa --> N/A"))

    done = evaluate(with_reason, PLAN, EPIC_OK)
    assert done.conclusion == SUCCESS and done.items[0].status == "n/a" and done.items[0].reason == "N/A: copy change only"
    assert evaluate(without, PLAN, EPIC_OK).items[0].reason.startswith("`N/A` needs a reason")


def test_automatic_item_fails_then_passes_after_a_push() -> None:
    pr = ticked(launch(), "QA done")

    first = evaluate(pr, PLAN, EPIC_OK)
    assert first.conclusion == ACTION_REQUIRED and statuses(first)["docs"] == "failed"
    assert "no changed path matches `docs/**`, `CHANGELOG*`" in first.summary

    pushed = replace(pr, changed_paths=(*pr.changed_paths, "packages/cart/CHANGELOG.md"))
    second = evaluate(pushed, PLAN, EPIC_OK)
    assert second.conclusion == SUCCESS and statuses(second)["docs"] == "passed"


NEW_EVENT = EventChange("Cart Viewed", "plan-added", owner="team-cart", description="Cart shown.", status="active")
DIFF = "+++ b/shop/cart.py\n@@ -1,2 +1,3 @@\n context\n-if flags.enabled(\"old-cart\"):\n+if flags.enabled(\"new-cart\"):\n"


@pytest.mark.parametrize(
    ("item", "bad", "good", "reason"),
    [
        ("registered", {"events": (replace(NEW_EVENT, owner=None), EventChange("Gift Sent", "tracked", registered=False))},
         {"events": (NEW_EVENT,)}, "`Cart Viewed` has no owner; `Gift Sent` is not in the plan"),
        ("current", {"events": (NEW_EVENT, replace(NEW_EVENT, name="Cart Item Added", status="deprecated"))},
         {"events": (NEW_EVENT,)}, "`Cart Item Added` is deprecated"),
        ("flag", {"events": (NEW_EVENT,), "diff_text": DIFF.replace("+if", " if")}, {"events": (NEW_EVENT,), "diff_text": DIFF},
         "nothing in the lines this pull request adds or the description matches"),
        ("flag", {"events": (NEW_EVENT,), "diff_text": "-flags.enabled(\"gone\")\n"},
         {"events": (NEW_EVENT,), "diff_text": "", "body": "Gated by flags.enabled(\"new-cart\")."}, "nothing in"),
    ],
)
def test_each_automatic_kind_fails_with_its_reason_then_passes(item: str, bad: dict, good: dict, reason: str) -> None:
    # Everything else of the tracking checklist passes, so the conclusion turns on this item alone.
    failing = evaluate(facts(**{"diff_text": DIFF, **bad}), PLAN, EPIC_OK)
    passing = evaluate(facts(**{"diff_text": DIFF, **good}), PLAN, EPIC_OK)

    failed = next(i for i in failing.items if i.id == item)
    assert failed.status == "failed" and failed.automatic and failed.reason.startswith(reason)
    assert next(i for i in passing.items if i.id == item).status == "passed"
    assert failing.conclusion == FAILURE, "the tracking checklist concludes failure when incomplete"
    assert passing.conclusion == SUCCESS


def test_feature_flag_names_the_file_that_adds_it() -> None:
    result = evaluate(facts(events=(NEW_EVENT,), diff_text=DIFF), PLAN, EPIC_OK)

    assert next(i for i in result.items if i.id == "flag").reason == '`flags.enabled("new-cart")` added in `shop/cart.py`'


def test_feature_flag_in_a_hidden_template_comment_does_not_count() -> None:
    result = evaluate(facts(events=(NEW_EVENT,), body='<!-- e.g. flags.enabled("my-flag") -->'), PLAN, EPIC_OK)

    assert next(i for i in result.items if i.id == "flag").reason.endswith("(the diff was not available)")


def test_diff_only_flag_without_a_diff_waits_instead_of_failing() -> None:
    rules = plan("checklists:\n  - id: f\n    items:\n      - {id: flag, title: Flag, auto: feature-flag, pattern: 'x', look_in: [diff]}\n")

    result = evaluate(facts(), rules, EPIC_OK)

    assert result.conclusion == NEUTRAL and result.actions == ("recheck",)
    assert result.items[0].status == "pending"


@pytest.mark.parametrize(
    ("epic", "status", "conclusion"),
    [
        (EPIC_OK, "passed", SUCCESS),
        (CheckResult(EPIC_CHECK, FAILURE, "No epic: the linked tickets belong to none", ""), "failed", FAILURE),
        (CheckResult(EPIC_CHECK, NEUTRAL, "Tracker unavailable", "", actions=("recheck",)), "pending", NEUTRAL),
        (None, "pending", NEUTRAL),
    ],
)
def test_epic_linked_follows_the_epic_check_and_an_outage_never_fails(epic, status: str, conclusion: str) -> None:
    result = evaluate(facts(events=(NEW_EVENT,), diff_text=DIFF), PLAN, epic)

    assert statuses(result)["epic"] == status
    assert result.conclusion == conclusion


def test_optional_items_never_hold_the_check_up_and_are_shown_as_optional() -> None:
    result = evaluate(ticked(launch(changed_paths=("docs/a.md",)), "QA done"), PLAN, EPIC_OK)

    privacy = next(i for i in result.items if i.id == "privacy")
    assert result.conclusion == SUCCESS and (privacy.status, privacy.required) == ("optional", False)
    assert "◻️ optional | Privacy review _(optional)_" in section(result)


def test_an_item_missing_from_the_body_is_pending() -> None:
    result = evaluate(facts(labels=("launch",), changed_paths=("docs/a.md",)), PLAN, EPIC_OK)

    assert result.items[0].reason == "missing from the checklist in the pull request body"
    assert result.conclusion == ACTION_REQUIRED


def test_the_sticky_section_is_a_table_with_a_status_per_item() -> None:
    text = section(evaluate(launch(), PLAN, EPIC_OK))

    assert "| Status | Item | Owner | Details |" in text
    assert "| ⏳ pending | QA done | @qa-team | not ticked yet |" in text
    assert "| ❌ failed | Docs or changelog _(automatic)_ |" in text


def test_added_lines_read_only_what_the_diff_adds() -> None:
    assert added_lines(DIFF) == [("shop/cart.py", 'if flags.enabled("new-cart"):')]


def test_an_added_line_that_looks_like_a_file_header_stays_an_added_line() -> None:
    diff = "+++ b/a.py\n@@ -0,0 +1,2 @@\n+++ counter\n+x = 1\n+++ b/b.py\n@@ -1 +1 @@\n+y = 2\n"

    assert added_lines(diff) == [("a.py", "++ counter"), ("a.py", "x = 1"), ("b.py", "y = 2")]


def test_the_joined_diff_names_each_file_and_skips_those_without_a_patch() -> None:
    files = [PullFile("shop/cart.py", "modified", "@@ -1 +1 @@\n-a\n+b"), PullFile("logo.png", "added", None),
             PullFile("old.bin", "removed", None)]

    diff, unread = joined_diff(files)

    assert added_lines(diff) == [("shop/cart.py", "b")]
    assert unread == ("logo.png",), "a removed file adds nothing a flag could be on"


def test_a_missing_flag_says_which_files_had_no_diff_to_search() -> None:
    diff, unread = joined_diff([PullFile("shop/cart.py", "modified", "@@ -1 +1 @@\n+b"), PullFile("flags.db", "modified", None)])

    result = evaluate(facts(events=(NEW_EVENT,), diff_text=diff, diff_unread=unread), PLAN, EPIC_OK)

    flag = next(i for i in result.items if i.id == "flag")
    assert flag.status == "failed"
    assert flag.reason.endswith("GitHub gives no diff of `flags.db` (binary or too large), not searched")


def test_a_bad_flag_pattern_built_in_code_names_where_it_came_from() -> None:
    from productops_lint.registry.model import Plan
    from productops_lint.registry.pr_rules import Checklist, ChecklistItem
    from productops_lint.types import Location

    item = ChecklistItem("flag", "Flag", auto="feature-flag", pattern="(", pattern_location=Location("rules/l.yaml", 9, 20))
    bad = Plan(checklists=(Checklist("c", "C", (item,)),))

    with pytest.raises(UserError, match=r"rules/l\.yaml:9:20: `pattern` of checklist item `flag` is not a valid regular expression"):
        evaluate(facts(), bad, EPIC_OK)
