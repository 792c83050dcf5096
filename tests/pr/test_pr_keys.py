"""Finding ticket refs in a PR: title, branch, body and commits; where each was found; what never matches."""

from __future__ import annotations

import pytest
from pr_lib_helpers import facts

from productops_lint.pr.keys import find_refs
from productops_lint.pr.types import Commit
from productops_lint.registry.model import Plan, TicketRules
from productops_lint.registry.pr_rules import EpicRules
from productops_lint.types import UserError

JIRA = Plan(epics=EpicRules(tracker="jira"), tickets=TicketRules(project_keys=("SHOP",)))


def found(refs: list) -> list[tuple[str, tuple[str, ...], bool]]:
    return [(r.key, r.where, r.closing) for r in refs]


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("5-cart-tweaks", ["#5"]),
        ("feature/5-cart-tweaks", ["#5"]),
        ("issue-12", ["#12"]),
        ("gh-12-fix", ["#12"]),
        ("2024-11-03-fix-cart", []),  # a date-stamped branch
        ("release/2024", []),
        ("v1.2-3", []),
        ("tweak-cart", []),
    ],
)
def test_github_issue_numbers_in_branch_names(branch: str, expected: list[str]) -> None:
    refs = find_refs(facts(branch=branch))

    assert [r.key for r in refs] == expected
    assert all(r.where == ("branch",) and r.tracker == "github" for r in refs)


def test_key_in_the_branch_only_says_branch() -> None:
    assert found(find_refs(facts(branch="feature/shop-123-cart"), JIRA)) == [("SHOP-123", ("branch",), False)]


@pytest.mark.parametrize(
    "text",
    [
        "feature/2024-11-245-cart",  # `11-245` from a date-stamped branch, the Jira PR actions' false positive
        "bump to v1.2-3",
        "revert abc1234 and 4f9e2a1b-12",
        "UTF-8 and SHA-256 and ISO-8601",
        "SHOP-1.2 is a version",
    ],
)
def test_dates_versions_and_shas_never_match(text: str) -> None:
    pr = facts(title=text, branch=text.replace(" ", "-"), body=text, commits=(Commit("abc1234def", text),))

    assert find_refs(pr, JIRA) == []
    assert find_refs(pr, EpicRules(tracker="jira")) == []


def test_where_each_ref_was_found_title_body_line_and_commit() -> None:
    pr = facts(
        title="SHOP-1 cart",
        body="Intro.\n\nPart of SHOP-2 and SHOP-1.",
        commits=(Commit("1a2b3c4d5e6f", "SHOP-3: tweak"), Commit("9f8e7d6c5b4a", "more SHOP-1")),
    )

    assert found(find_refs(pr, JIRA)) == [
        ("SHOP-1", ("title", "body line 3", "commit 9f8e7d6"), False),
        ("SHOP-2", ("body line 3",), False),
        ("SHOP-3", ("commit 1a2b3c4",), False),
    ]


@pytest.mark.parametrize(
    ("body", "key", "closing"),
    [
        ("Closes #5", "#5", True),
        ("fixes: #5", "#5", True),
        ("RESOLVED #5", "#5", True),
        ("Fixed acme/shop#5", "#5", True),  # this repository's own owner/repo#5 is #5
        ("Closes other/repo#5", "other/repo#5", True),
        ("Resolves https://github.com/other/repo/issues/5", "other/repo#5", True),
        ("See #5", "#5", False),
        ("prefixes #5", "#5", False),  # a closing keyword only as a whole word
        ("Part of GH-5", "#5", False),
    ],
)
def test_github_references_and_closing_keywords(body: str, key: str, closing: bool) -> None:
    assert found(find_refs(facts(body=body))) == [(key, ("body line 1",), closing)]


def test_github_refs_are_found_whatever_the_tracker_and_closing_applies_to_keys() -> None:
    refs = find_refs(facts(body="Closes SHOP-4, see #12"), JIRA)

    assert [(r.key, r.tracker, r.closing) for r in refs] == [("SHOP-4", "jira", True), ("#12", "github", False)]


@pytest.mark.parametrize(
    "body",
    [
        "```\nCloses #5\n```",
        "~~~python\n# see #5\n~~~",
        "<!-- template: Closes #5 -->",
        "<!--\nCloses #5\n-->",
        "Use `#5` as an example",
        "Colour &#5; entity",
        "Unclosed fence\n```\n#5",
        "<!-- productops:checklist:start -->\n- [ ] Closes #5 <!-- productops:item qa -->\n<!-- productops:checklist:end -->",
    ],
)
def test_code_comments_and_the_managed_section_are_skipped(body: str) -> None:
    assert find_refs(facts(body=body)) == []


def test_text_after_a_closed_fence_is_read_again_with_its_line() -> None:
    assert found(find_refs(facts(body="```\n#4\n```\nCloses #5"))) == [("#5", ("body line 4",), True)]


def test_merge_commits_and_the_pull_request_itself_are_not_tickets() -> None:
    pr = facts(body="Follow-up in #7", commits=(Commit("aaaaaaa1", "Merge pull request #12 from acme/x"),))

    assert find_refs(pr) == []


def test_jira_keys_are_ignored_when_the_tracker_is_github() -> None:
    assert find_refs(facts(title="SHOP-12 cart", branch="shop-12-cart"), Plan(tickets=TicketRules(project_keys=("SHOP",)))) == []


def test_lower_case_project_keys_in_branches_come_back_canonical() -> None:
    plan = Plan(epics=EpicRules(tracker="linear"), tickets=TicketRules(project_keys=("ENG",)))

    assert [(r.key, r.tracker) for r in find_refs(facts(branch="ana/eng-42-cart"), plan)] == [("ENG-42", "linear")]


def test_a_bad_ticket_pattern_names_the_rule_file_and_line() -> None:
    from productops_lint.types import Location

    plan = Plan(epics=EpicRules(tracker="jira"), tickets=TicketRules(pattern="SHOP-(", location=Location("rules/t.yaml", 3, 12)))

    with pytest.raises(UserError, match=r"rules/t\.yaml:3:12: ticket pattern `SHOP-\(` is not a valid regular expression"):
        find_refs(facts(title="x"), plan)


def test_epic_rules_alone_take_the_ticket_rules_beside_them() -> None:
    refs = find_refs(facts(title="GROW-3"), EpicRules(tracker="jira"), TicketRules(project_keys=("GROW",)))

    assert [r.key for r in refs] == ["GROW-3"]
