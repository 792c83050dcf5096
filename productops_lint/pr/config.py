"""How the PR checks read their rules: path globs, labels, ticket keys compared across spellings."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..registry.model import Plan, TicketRules
from ..registry.pr_rules import Checklist, EpicRules
from ..tickets import TicketMatcher, compile_rules
from ..untrusted import code_span
from .types import PullRequestFacts


@lru_cache(maxsize=512)
def _glob_re(glob: str) -> re.Pattern[str]:
    glob = glob.strip().lstrip("/") if glob.strip().startswith("/") else glob.strip()
    # A glob without a slash names a file anywhere (`CHANGELOG*`), as .gitignore reads it.
    anchored = "/" in glob.rstrip("/")
    if glob.endswith("/"):
        glob += "**"
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out += r"(?:.*/)?"
            i += 3
        elif glob.startswith("**", i):
            out += r".*"
            i += 2
        elif glob[i] == "*":
            out += r"[^/]*"
            i += 1
        elif glob[i] == "?":
            out += r"[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(("" if anchored else r"(?:.*/)?") + out + r"\Z")


def path_matches(path: str, globs: Iterable[str]) -> str | None:
    """The first of ``globs`` that ``path`` matches, or None."""
    for glob in globs:
        if glob.strip() and _glob_re(glob).match(path):
            return glob
    return None


def has_label(labels: Iterable[str], wanted: Iterable[str]) -> str | None:
    """The first of ``labels`` that is one of ``wanted``, compared without regard to case."""
    folded = {w.casefold() for w in wanted}
    return next((label for label in labels if label.casefold() in folded), None)


def epic_rules(rules: EpicRules | Plan | None) -> EpicRules:
    if isinstance(rules, Plan):
        return rules.epics
    return rules if rules is not None else EpicRules()


def ticket_rules(rules: EpicRules | Plan | None, tickets: TicketRules | None) -> TicketRules:
    if tickets is not None:
        return tickets
    return rules.tickets if isinstance(rules, Plan) else TicketRules()


@lru_cache(maxsize=64)
def matcher(rules: TicketRules) -> TicketMatcher:
    """The ticket rules compiled once per process (a bad pattern is a UserError naming its file and line)."""
    return compile_rules(rules)


def canonical_key(key: str, repo: str = "") -> str:
    """One spelling per ticket: `owner/repo#5` of this repository is `#5`; Jira and Linear keys upper-cased."""
    key = key.strip()
    if "#" in key:
        where, _, number = key.rpartition("#")
        if not where or where.casefold() == repo.casefold():
            return f"#{number}"
        return f"{where.lower()}#{number}"
    return key.upper()


def why_applies(checklist: Checklist, facts: PullRequestFacts) -> str | None:
    r"""Why ``checklist`` applies to the PR (`label \`launch\``), or None when it does not."""
    when = checklist.when
    if when.always:
        return "every pull request"
    label = has_label(facts.labels, when.labels)
    if label is not None:
        return f"label {code_span(label)}"
    for path in facts.changed_paths:
        glob = path_matches(path, when.paths)
        if glob is not None:
            return f"{code_span(path)} matches {code_span(glob)}"
    if when.adds_events and facts.events:
        names = ", ".join(code_span(e.name) for e in facts.events[:3]) + (", ..." if len(facts.events) > 3 else "")
        return f"adds or changes events ({names})"
    return None


def applicable_checklists(facts: PullRequestFacts, plan: Plan | None) -> list[Checklist]:
    """The plan's checklists that apply to the PR, in rule-file order, each id once."""
    seen: set[str] = set()
    out = []
    for checklist in plan.checklists if plan is not None else ():
        if checklist.id not in seen and why_applies(checklist, facts) is not None:
            seen.add(checklist.id)
            out.append(checklist)
    return out
