"""The epic decision: exemptions, missing refs, epics and their children, outages, several epics, event epics."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from pr_lib_helpers import EPIC, ORPHAN, STORY, SUBTASK, facts

from productops_lint.pr.epic import decide_epic
from productops_lint.pr.keys import find_refs
from productops_lint.pr.types import (
    ACTION_REQUIRED,
    FAILURE,
    NEUTRAL,
    SUCCESS,
    Commit,
    EventChange,
    Ticket,
    TicketRef,
    TrackerProblem,
)
from productops_lint.registry.pr_rules import EpicExemptions, EpicRules, EventEpicRules

TICKETS = {"#1": EPIC, "#5": STORY, "#8": SUBTASK, "#9": ORPHAN}


def decide(rules: EpicRules | None = None, resolved: dict | None = None, **fact_changes):
    pr = facts(**fact_changes)
    refs = find_refs(pr, rules)
    return decide_epic(pr, rules, refs, TICKETS if resolved is None else resolved)


def test_story_whose_parent_is_an_epic_passes_and_names_the_epic_with_state_progress_and_link() -> None:
    result = decide(branch="5-cart-tweaks")

    assert result.conclusion == SUCCESS
    assert result.title == "Epic #1: Epic one"
    assert "[#1 Epic one](https://github.com/acme/shop/issues/1) · open · 1/3 sub-issues closed" in result.summary
    assert "found in branch" in result.summary
    assert [(i.id, i.status) for i in result.items] == [("ticket:#5", "passed")]


def test_an_epic_itself_passes() -> None:
    result = decide(body="Closes #1")

    assert (result.conclusion, result.title) == (SUCCESS, "Epic #1: Epic one")
    assert result.items[0].reason == "`#1` is the epic"


def test_grandparent_epic_passes_through_the_story() -> None:
    result = decide(body="Closes #8")

    assert result.conclusion == SUCCESS
    assert "via `#5`" in result.items[0].reason


@pytest.mark.parametrize(
    ("ticket", "rules"),
    [
        (Ticket("#3", "T", "", "open", labels=("EPIC",)), None),  # the default label, any case
        (Ticket("#3", "T", "", "open", issue_type="epic"), None),  # the default issue type
        (Ticket("#3", "T", "", "open", is_epic=True), None),  # the tracker's own verdict
        (Ticket("#3", "T", "", "open", labels=("initiative",)), EpicRules(epic_labels=("initiative",))),
    ],
)
def test_what_counts_as_an_epic(ticket: Ticket, rules: EpicRules | None) -> None:
    assert decide(rules, {"#3": ticket}, body="Closes #3").conclusion == SUCCESS


def test_non_epic_without_parent_fails_with_the_reason() -> None:
    result = decide(body="Closes #9")

    assert result.conclusion == FAILURE
    assert "`#9` Lonely bug is not an epic and has no parent" in result.summary
    assert "Closes #123" in result.text, "says how to fix it"


def test_unlinked_conclusion_is_configurable() -> None:
    assert decide(EpicRules(when_unlinked=ACTION_REQUIRED), body="Closes #9").conclusion == ACTION_REQUIRED


def test_no_ref_is_action_required_by_default_with_how_to_fix() -> None:
    result = decide()

    assert result.conclusion == ACTION_REQUIRED
    assert result.title == "No ticket linked"
    assert "`123-short-title`" in result.text and "`no-epic`" in result.text


def test_no_ref_with_jira_says_which_keys() -> None:
    from productops_lint.registry.model import Plan, TicketRules

    pr = facts()
    plan = Plan(epics=EpicRules(tracker="jira", when_missing=FAILURE), tickets=TicketRules(project_keys=("SHOP",)))
    result = decide_epic(pr, plan, [], {})

    assert result.conclusion == FAILURE and "`SHOP-123`" in result.text


def test_tracker_outage_is_neutral_with_a_recheck_button_never_a_failure() -> None:
    result = decide(resolved={"#5": TrackerProblem("#5", "GitHub answered 502")}, body="Closes #5")

    assert result.conclusion == NEUTRAL
    assert result.actions == ("recheck",)
    assert "GitHub answered 502" in result.summary
    assert result.items[0].status == "pending"


def test_a_ref_that_was_not_resolved_is_treated_as_an_outage() -> None:
    assert decide(resolved={}, body="Closes #5").conclusion == NEUTRAL


def test_no_such_ticket_fails_rather_than_waiting() -> None:
    result = decide(resolved={"#4": TrackerProblem("#4", "no such issue", outage=False)}, body="Closes #4")

    assert result.conclusion == FAILURE and "no such issue" in result.summary


def test_an_epic_found_beside_an_outage_still_passes() -> None:
    resolved = {"#5": STORY, "#6": TrackerProblem("#6", "timeout")}

    assert decide(resolved=resolved, body="Closes #5, see #6").conclusion == SUCCESS


@pytest.mark.parametrize(
    ("rules", "changes", "reason"),
    [
        (None, {"labels": ("No-Epic",)}, "label `No-Epic`"),
        (EpicRules(exempt=EpicExemptions(labels=("chore",))), {"labels": ("chore",)}, "label `chore`"),
        (None, {"author": "dependabot[bot]", "author_is_bot": True}, "opened by the bot `dependabot[bot]`"),
        (EpicRules(exempt=EpicExemptions(authors=("ci-user",))), {"author": "ci-user"}, "opened by `ci-user`"),
        (EpicRules(exempt=EpicExemptions(paths=("docs/**", "*.md"))), {"changed_paths": ("docs/a.md", "README.md")},
         "every changed path matches `docs/**`, `*.md`"),
        (EpicRules(exempt=EpicExemptions(max_changed_lines=10)), {"size": 10}, "10 changed lines, at most 10"),
    ],
)
def test_exemptions_pass_with_the_reason(rules: EpicRules | None, changes: dict, reason: str) -> None:
    result = decide(rules, **changes)

    assert result.conclusion == SUCCESS
    assert result.title == f"No epic needed: {reason}"


@pytest.mark.parametrize(
    ("rules", "changes"),
    [
        (EpicRules(exempt=EpicExemptions(paths=("docs/**",))), {"changed_paths": ("docs/a.md", "shop/cart.py")}),
        (EpicRules(exempt=EpicExemptions(max_changed_lines=10)), {"size": 11}),
        (EpicRules(exempt=EpicExemptions(bots=False)), {"author": "renovate[bot]", "author_is_bot": True}),
    ],
)
def test_near_misses_of_exemptions_still_need_an_epic(rules: EpicRules, changes: dict) -> None:
    assert decide(rules, **changes).conclusion == ACTION_REQUIRED


def test_the_check_can_be_turned_off() -> None:
    assert decide(EpicRules(enabled=False)).conclusion == NEUTRAL


def test_closing_ref_decides_when_refs_name_different_epics_and_the_others_are_reported() -> None:
    other_epic = Ticket("#20", "Epic two", "", "open", labels=("epic",))
    other_story = Ticket("#21", "Story two", "", "open", parent=other_epic)
    resolved = {**TICKETS, "#21": other_story}

    result = decide(resolved=resolved, title="Cart (#21)", body="Fixes #5")

    assert result.title == "Epic #1: Epic one"
    assert "also names epic `#20`" in result.summary and "closing keyword" in result.summary


EVENTS = (
    EventChange("Cart Viewed", "plan-added", epic="#1"),
    EventChange("Cart Shared", "plan-added", epic="acme/shop#6"),  # a child of the epic, spelled in full
    EventChange("Order Completed", "plan-changed", epic="#5"),  # the PR's own story
)


def test_events_of_the_epic_or_its_children_pass() -> None:
    result = decide(body="Closes #5", events=EVENTS)

    assert result.conclusion == SUCCESS
    assert [i.status for i in result.items if i.id.startswith("event:")] == ["passed"] * 3


def test_event_epic_mismatch_fails_listing_each_event() -> None:
    events = (*EVENTS, EventChange("Coupon Applied", "plan-added", epic="#40"), EventChange("Gift Sent", "tracked", epic="SHOP-2"))

    result = decide(body="Closes #5", events=events)

    assert result.conclusion == FAILURE
    assert "Event `Coupon Applied`: its epic is `#40`" in result.summary
    assert "Event `Gift Sent`: its epic is `SHOP-2`" in result.summary
    assert "2 event(s)" in result.title


def test_event_matching_can_be_turned_off() -> None:
    rules = EpicRules(events=EventEpicRules(match=False))

    result = decide(rules, body="Closes #5", events=(EventChange("Coupon Applied", "plan-added", epic="#40"),))

    assert result.conclusion == SUCCESS and not any(i.id.startswith("event:") for i in result.items)


@pytest.mark.parametrize(
    ("policy", "conclusion", "shown"),
    [("ignore", SUCCESS, False), ("warn", SUCCESS, True), ("fail", FAILURE, True)],
)
def test_events_without_an_epic_follow_the_setting(policy: str, conclusion: str, shown: bool) -> None:
    rules = EpicRules(events=EventEpicRules(without_epic=policy))
    events = (EventChange("Cart Viewed", "plan-added"), EventChange("Mystery Sent", "tracked", registered=False))

    result = decide(rules, body="Closes #5", events=events)

    assert result.conclusion == conclusion
    rows = [i for i in result.items if i.id.startswith("event:")]
    assert bool(rows) == shown
    if rows:
        assert rows[1].reason == "is not in the plan, so it names no epic"
        assert all(r.required == (policy == "fail") for r in rows)


def test_refs_from_commits_count_and_say_which_commit() -> None:
    result = decide(commits=(Commit("5e5e5e5e5e", "Fixes #5"),))

    assert result.conclusion == SUCCESS and "commit 5e5e5e5" in result.summary


def test_jira_progress_is_in_child_issues() -> None:
    epic = Ticket("SHOP-1", "Checkout", "https://acme.atlassian.net/browse/SHOP-1", "In Progress", issue_type="Epic", progress=(3, 7))
    pr = facts(title="SHOP-12 cart")
    ref = TicketRef("SHOP-12", "jira", ("title",))
    story = Ticket("SHOP-12", "Cart", "", "To Do", issue_type="Story", parent=epic)

    result = decide_epic(pr, EpicRules(tracker="jira"), [ref], {"SHOP-12": story})

    assert "In Progress · 3/7 child issues done" in result.summary


def test_parent_cycles_end() -> None:
    a = Ticket("#30", "A", "", "open")
    looped = replace(a, parent=replace(a, parent=replace(a, parent=replace(a, parent=replace(a, parent=a)))))

    assert decide(resolved={"#30": looped}, body="Closes #30").conclusion == FAILURE


def test_tracker_and_code_text_is_shown_never_interpreted() -> None:
    """Anyone who can file a ticket writes its title; the PR's code names its events. Neither may add
    markup, hidden markers, mentions or links to the bot's comment."""
    from productops_lint.pr.render import section

    hostile = replace(EPIC, title="<!-- productops-lint:summary --> @acme/owners </details> [x](javascript:alert(1))",
                      url="javascript:alert(1)", state="open<img src=x>")
    story = replace(STORY, title="@everyone <b>now</b>", parent=hostile)
    events = (EventChange("Cart `Viewed` <!--", "plan-added", epic="#40"),)

    result = decide(body="Closes #5", events=events, resolved={"#1": hostile, "#5": story})
    # Shown in a code span that its backticks cannot close, where GitHub shows `<!--` as typed.
    shown = "Event ``Cart `Viewed` <!--``"
    assert [i.title for i in result.items if i.id.startswith("event:")] == [shown]
    text = "\n".join((result.title, section(result), *(f"{i.title} {i.reason}" for i in result.items))).replace(shown, "")

    assert "<!--" not in text and "<b>" not in text and "<img" not in text and "</details>" not in text
    assert "@acme" not in text and "@everyone" not in text  # each `@` is followed by a word joiner
    # No link but to an http(s) address: the title's brackets are escaped, the bad address dropped.
    assert not re.search(r"(?<!\\)\]\(", text) and "\\[x\\]" in text
