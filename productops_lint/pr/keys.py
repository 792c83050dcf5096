"""Finding the tickets a pull request names: in its title, branch, body and commits, and where each was found."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from ..registry.model import Plan, TicketRules
from ..registry.pr_rules import EpicRules
from ..tickets import TicketMatcher, exemption
from . import body as body_section
from .config import canonical_key, epic_rules, matcher, ticket_rules
from .types import PullRequestFacts, TicketRef

GITHUB = "github"
# GitHub's closing keywords, which it honours with an optional colon ("Fixes: #5").
_CLOSING = re.compile(r"(?i)(?<![\w-])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s*\Z")
_OWNER_REPO = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+"
# `#5`, `GH-5`, `owner/repo#5` and issue links; never `&#5;` (an HTML entity), `v1#5` or `#5a`.
_GITHUB_REF = re.compile(
    rf"https?://github\.com/(?P<url_repo>{_OWNER_REPO})/issues/(?P<url_number>[0-9]+)(?![0-9A-Za-z/])"
    rf"|(?<![\w./&#-])(?:(?P<repo>{_OWNER_REPO})#|#|GH-)(?P<number>[0-9]+)(?![\w-])"
)
# Branch segments that name an issue: GitHub's own `5-cart-tweaks`, or `issue-5`, `gh-5`. A date
# (`2024-11-03-fix`) never matches: a digit, not a letter, follows its first dash.
_BRANCH_ISSUE = re.compile(r"(?i)\A(?:(?P<lead>[0-9]{1,7})-[a-z]|(?:issues?|gh)[-_]?(?P<named>[0-9]{1,7})(?![0-9.])(?:[-_]|\Z))")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces, newlines kept, so line numbers do not move."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _fences_blanked(text: str) -> str:
    lines = text.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is None:
            if opened:
                fence = opened.group("fence")
                lines[i] = " " * len(line)
        else:
            closing = line.strip()
            if closing and set(closing) == {fence[0]} and len(closing) >= len(fence):
                fence = None
            lines[i] = " " * len(line)
    return "\n".join(lines)


def prose(text: str) -> str:
    """The body as read for references: managed checklist, code fences, HTML comments and code spans blanked."""
    for start, end in reversed(body_section.section_spans(text)):
        text = _blank(text, start, end)
    text = _fences_blanked(text)
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)


def _closing(text: str, start: int) -> bool:
    return bool(_CLOSING.search(text[max(0, start - 40):start]))


def _github_refs(text: str, repo: str) -> Iterator[tuple[str, int]]:
    for match in _GITHUB_REF.finditer(text):
        where = match.group("url_repo") or match.group("repo") or ""
        number = match.group("url_number") or match.group("number")
        yield canonical_key(f"{where}#{number}", repo), match.start()


class _Found:
    """Refs in order of first appearance, each with every place it was found."""

    def __init__(self, facts: PullRequestFacts) -> None:
        self.refs: dict[str, TicketRef] = {}
        self.facts = facts

    def add(self, key: str, tracker: str, where: str, closing: bool) -> None:
        if tracker == GITHUB and key == f"#{self.facts.number}":
            return  # the pull request naming itself
        ref = self.refs.get(key) or TicketRef(key, tracker)
        places = ref.where if where in ref.where else (*ref.where, where)
        self.refs[key] = replace(ref, where=places, closing=ref.closing or closing)


def _scan(found: _Found, text: str, where: str, tracker: str, m: TicketMatcher | None, by_line: bool = False) -> None:
    hits = list(_github_refs(text, found.facts.repo))
    hits_tracker = list(m.find_at(text)) if m is not None else []
    for key, start, kind in sorted([(k, s, GITHUB) for k, s in hits] + [(k, s, tracker) for k, s in hits_tracker], key=lambda h: h[1]):
        place = f"{where} line {text.count(chr(10), 0, start) + 1}" if by_line else where
        found.add(key, kind, place, _closing(text, start))


def _scan_branch(found: _Found, branch: str, tracker: str, m: TicketMatcher | None) -> None:
    if m is not None:
        for key, _ in m.find_at(branch, branch=True):
            found.add(key, tracker, "branch", False)
        return
    for segment in branch.split("/"):
        match = _BRANCH_ISSUE.match(segment)
        if match:
            found.add(f"#{match.group('lead') or match.group('named')}", GITHUB, "branch", False)
    for key, _ in _github_refs(branch, found.facts.repo):
        found.add(key, GITHUB, "branch", False)


def find_refs(facts: PullRequestFacts, rules: EpicRules | Plan | None = None, tickets: TicketRules | None = None) -> list[TicketRef]:
    """Every ticket the PR names, in order of first appearance (title, branch, body, commits).

    ``rules`` is the plan (its `epics` and `tickets` sections) or its `epics` section alone; with the
    latter, pass ``tickets`` for the project keys. GitHub references (`#5`, `owner/repo#5`) are found
    whatever the tracker; Jira and Linear keys only when `epics.tracker` is one of them.
    """
    tracker = epic_rules(rules).tracker
    m = matcher(ticket_rules(rules, tickets)) if tracker != GITHUB else None
    found = _Found(facts)
    _scan(found, facts.title, "title", tracker, m)
    _scan_branch(found, facts.branch, tracker, m)
    _scan(found, prose(facts.body), "body", tracker, m, by_line=True)
    for commit in facts.commits:
        if exemption(commit.message):
            continue  # merge and autosquash subjects name pull requests, not tickets
        _scan(found, commit.message, f"commit {commit.sha[:7]}", tracker, m)
    return list(found.refs.values())
