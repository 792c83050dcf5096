"""Ticket keys: what counts as a key in messages and branch names, escape words, adding a key from the branch."""

from __future__ import annotations

import pytest

from productops_lint.registry.model import TicketRules
from productops_lint.tickets import (
    add_key,
    check_message,
    compile_rules,
    exemption,
    find_branch_keys,
    find_keys,
    message_text,
)
from productops_lint.types import Location, UserError

SHOP = TicketRules(project_keys=("SHOP", "PAY"), escape_words=("[trivial]", "hotfix"))
GENERIC = TicketRules()


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("SHOP-123: add cart", ["SHOP-123"]),
        ("Add cart (SHOP-123)", ["SHOP-123"]),
        ("[SHOP-7] add cart", ["SHOP-7"]),
        ("Refs: PAY-9, SHOP-8.", ["PAY-9", "SHOP-8"]),
        ("SHOP-1 and SHOP-1 again", ["SHOP-1"]),
        ("feature SHOP-123-add-cart", ["SHOP-123"]),
        ("body\n\nCloses SHOP-42", ["SHOP-42"]),
        ("end of sentence SHOP-5.", ["SHOP-5"]),
        ("snake_SHOP-5", ["SHOP-5"]),
    ],
)
def test_configured_key_is_found(text: str, keys: list[str]) -> None:
    assert find_keys(text, SHOP) == keys


@pytest.mark.parametrize(
    "text",
    [
        "released on 2024-11-21",
        "bump to v1-2",
        "decode as utf-8",
        "UTF-8 everywhere",
        "SHOP-1.2 is a version",
        "SHOP-2024-11 looks like a date",
        "XSHOP-12 is another project",
        "SHOPPING-12 is another project",
        "SHOP-12a is not a ticket",
        "SHOP-0 has no ticket number zero",
        "SHOP-",
        "SHOP 123",
        "shop-123 in lower case",
        "OTHER-123 is not configured",
    ],
)
def test_configured_keys_do_not_match_lookalikes(text: str) -> None:
    assert find_keys(text, SHOP) == []


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("ABC-12 fix", ["ABC-12"]),
        ("MY_PROJ-3 fix", ["MY_PROJ-3"]),
        ("AB1-3 fix", ["AB1-3"]),
    ],
)
def test_generic_pattern_finds_jira_style_keys(text: str, keys: list[str]) -> None:
    assert find_keys(text, GENERIC) == keys


@pytest.mark.parametrize(
    "text",
    ["2024-11-21", "v1-2", "V1-2", "utf-8", "UTF-8", "ISO-8859-1", "SHA-256", "RFC-7231", "PEP-8", "abc-12", "A-1"],
)
def test_generic_pattern_rejects_dates_versions_and_standards(text: str) -> None:
    assert find_keys(text, GENERIC) == []


@pytest.mark.parametrize(
    ("branch", "keys"),
    [
        ("feature/SHOP-123-add-cart", ["SHOP-123"]),
        ("feature/shop-123-add-cart", ["SHOP-123"]),
        ("pay-9", ["PAY-9"]),
        ("bugfix/Shop-77_checkout", ["SHOP-77"]),
        ("release/2024-11-21", []),
        ("fix/utf-8-decoding", []),
        ("main", []),
    ],
)
def test_branch_keys_match_configured_keys_in_any_case(branch: str, keys: list[str]) -> None:
    assert find_branch_keys(branch, SHOP) == keys


def test_generic_pattern_in_branch_needs_upper_case() -> None:
    # Lower-case generic matching would read `fix/utf-8` or `v1-2` as tickets.
    assert find_branch_keys("feature/ABC-12-x", GENERIC) == ["ABC-12"]
    assert find_branch_keys("feature/abc-12-x", GENERIC) == []


def test_custom_pattern_adds_to_project_keys() -> None:
    rules = TicketRules(project_keys=("SHOP",), pattern=r"#[0-9]+")
    assert find_keys("fix cart, see #42", rules) == ["#42"]
    assert find_keys("SHOP-3: fix", rules) == ["SHOP-3"]
    assert find_keys("version 1#2", rules) == []
    assert find_branch_keys("shop-3-fix", rules) == ["SHOP-3"]


def test_longer_key_wins_over_its_prefix() -> None:
    rules = TicketRules(project_keys=("SHOP", "SHOPX"))
    assert find_keys("SHOPX-4 fix", rules) == ["SHOPX-4"]


def test_invalid_pattern_is_a_user_error_at_the_rule_file() -> None:
    rules = TicketRules(pattern="([", location=Location("rules/tickets.yml", 3, 5))
    with pytest.raises(UserError) as info:
        compile_rules(rules)
    assert str(info.value.problems[0].location) == "rules/tickets.yml:3:5"
    assert "not a valid regular expression" in info.value.problems[0].message


def test_invalid_project_key_is_a_user_error() -> None:
    with pytest.raises(UserError, match="project key `SH-OP`"):
        compile_rules(TicketRules(project_keys=("SH-OP",)))


@pytest.mark.parametrize(
    ("message", "escaped"),
    [
        ("[trivial] fix typo", True),
        ("fix typo [TRIVIAL]", True),
        ("hotfix: restart workers", True),
        ("nontrivial refactor", False),
        ("hotfixes everywhere", False),
        ("trivial fix", False),
    ],
)
def test_escape_words_match_as_whole_words(message: str, escaped: bool) -> None:
    assert check_message(message, SHOP).ok is escaped


def test_comment_lines_and_the_verbose_diff_are_ignored() -> None:
    raw = (
        "fix cart\n"
        "# Please enter the commit message. SHOP-1 in a comment does not count\n"
        "# ------------------------ >8 ------------------------\n"
        "diff --git a/x.py b/x.py\n+# SHOP-2 in the diff does not count\n"
    )
    assert message_text(raw) == "fix cart"
    verdict = check_message(raw, SHOP)
    assert not verdict.ok
    assert "expected a key of project `SHOP` or `PAY`, such as `SHOP-123`" in verdict.reason


def test_other_comment_char_is_respected() -> None:
    raw = "; SHOP-1 commented\nfix cart\n"
    assert not check_message(raw, SHOP, comment_char=";").ok
    assert check_message(raw, SHOP, comment_char="#").ok


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        ("Merge branch 'main' into feature", "merge commit"),
        ("Merge pull request #12 from org/feature", "merge commit"),
        ("fixup! SHOP-1: add cart", "fixup commit"),
        ("squash! add cart", "squash commit"),
        ("amend! add cart", "amend commit"),
        ("Mergesort the carts", None),
        ("add cart", None),
    ],
)
def test_merge_and_autosquash_commits_are_exempt(subject: str, reason: str | None) -> None:
    assert exemption(subject + "\n\nbody") == reason


def test_key_from_branch_is_added_before_the_subject() -> None:
    raw = "add cart\n\nbody text\n# On branch feature/shop-42-cart\n"
    verdict = check_message(raw, SHOP, branch="feature/shop-42-cart", add_from_branch=True)
    assert verdict.ok and verdict.keys == ("SHOP-42",)
    assert verdict.new_message == "SHOP-42: add cart\n\nbody text\n# On branch feature/shop-42-cart\n"


def test_key_in_branch_alone_satisfies_the_rule_without_rewriting() -> None:
    verdict = check_message("add cart\n", SHOP, branch="feature/SHOP-42")
    assert verdict.ok and verdict.new_message is None and verdict.reason == "key in branch name"


def test_key_is_not_added_when_the_message_has_one() -> None:
    verdict = check_message("PAY-1: add cart\n", SHOP, branch="SHOP-42", add_from_branch=True)
    assert verdict.ok and verdict.new_message is None and verdict.keys == ("PAY-1",)


@pytest.mark.parametrize("message", ["Merge branch 'x'\n", "fixup! add cart\n", "", "# only comments\n"])
def test_key_is_not_added_to_merge_fixup_or_empty_messages(message: str) -> None:
    verdict = check_message(message, SHOP, branch="SHOP-42", add_from_branch=True)
    assert verdict.ok and verdict.new_message is None


def test_merge_in_progress_is_exempt_whatever_the_message() -> None:
    verdict = check_message("custom merge message\n", SHOP, branch="SHOP-42", add_from_branch=True, merging=True)
    assert verdict.ok and verdict.new_message is None


def test_add_key_skips_leading_blank_and_comment_lines() -> None:
    assert add_key("\n# comment\n  subject\n", "SHOP-1") == "\n# comment\nSHOP-1: subject\n"
