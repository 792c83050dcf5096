"""The launch-checklist decision: which checklists apply, each item's status (ticked or verified), one CheckResult."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from ..registry.model import Plan
from ..registry.pr_rules import Checklist, ChecklistItem
from ..untrusted import inline
from .body import ItemState, latest_ticks, parse_items, section_spans
from .config import applicable_checklists, path_matches, why_applies
from .types import (
    ACTION_REQUIRED,
    CHECKLIST_CHECK,
    FAILURE,
    NEUTRAL,
    SUCCESS,
    CheckResult,
    ItemResult,
    PullRequestFacts,
    Tick,
)

RECHECK = "recheck"
_LISTED = 5
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


@dataclass(frozen=True)
class Verdict:
    """An automatic item's outcome. ``unavailable``: its input is missing (a tracker outage), never the author's fault."""

    passed: bool
    reason: str
    unavailable: bool = False


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


def _registered(item: ChecklistItem, facts: PullRequestFacts, epic: CheckResult | None) -> Verdict:
    if not facts.events:
        return Verdict(True, "this pull request adds or changes no events")
    problems = []
    for event in facts.events:
        if not event.registered:
            problems.append(f"`{event.name}` is not in the plan")
            continue
        missing = [f for f in item.require if not getattr(event, f, None)]
        if missing:
            problems.append(f"`{event.name}` has no {' and no '.join(missing)}")
    if problems:
        return Verdict(False, "; ".join(problems[:_LISTED]) + (f"; and {len(problems) - _LISTED} more" if len(problems) > _LISTED else ""))
    return Verdict(True, f"{_names([e.name for e in facts.events])} registered with {' and '.join(item.require) or 'a plan entry'}")


def _not_deprecated(item: ChecklistItem, facts: PullRequestFacts, epic: CheckResult | None) -> Verdict:
    bad = [f"`{e.name}` is {e.status}" for e in facts.events if e.status in item.statuses]
    if bad:
        return Verdict(False, "; ".join(bad))
    return Verdict(True, f"no event of this pull request is {' or '.join(item.statuses)}" if facts.events else "this pull request adds or changes no events")


def _docs_changed(item: ChecklistItem, facts: PullRequestFacts, epic: CheckResult | None) -> Verdict:
    changed = [p for p in facts.changed_paths if path_matches(p, item.paths)]
    if changed:
        return Verdict(True, f"changed {_names(changed)}")
    return Verdict(False, f"no changed path matches {_names(list(item.paths))}")


def added_lines(diff: str) -> list[tuple[str, str]]:
    """(path, line) of each line a unified diff adds; path is "" when the diff names none."""
    path, out = "", []
    lines = diff.splitlines()
    for n, line in enumerate(lines):
        # A file header only when a hunk follows: an added line that reads `++ x` is `+++ x` in the diff.
        if line.startswith("+++ ") and n + 1 < len(lines) and lines[n + 1].startswith("@@"):
            path = line[4:].strip()
            path = path[2:] if path.startswith("b/") else path
        elif line.startswith("+"):
            out.append((path, line[1:]))
        elif not line.startswith(("-", " ", "@@", "\\", "diff ", "index ")) and not path:
            out.append(("", line))  # not a diff at all: read every line
    return out


def _author_text(body: str) -> str:
    """The description as the author wrote it: without the managed checklist and hidden comments."""
    for start, end in reversed(section_spans(body)):
        body = body[:start] + body[end:]
    return _COMMENT.sub("", body)


def _feature_flag(item: ChecklistItem, facts: PullRequestFacts, epic: CheckResult | None) -> Verdict:
    pattern = item.regex()
    if "diff" in item.look_in and facts.diff_text is not None:
        for path, line in added_lines(facts.diff_text):
            match = pattern.search(line)
            if match:
                return Verdict(True, f"`{match.group(0)}` added" + (f" in `{path}`" if path else " in the diff"))
    if "body" in item.look_in:
        match = pattern.search(_author_text(facts.body))
        if match:
            return Verdict(True, f"`{match.group(0)}` in the description")
    searched = [p for p in item.look_in if p == "body" or facts.diff_text is not None]
    if not searched:
        return Verdict(False, "the diff was not available to look for the flag", unavailable=True)
    places = " or ".join({"diff": "the lines this pull request adds", "body": "the description"}[p] for p in searched)
    unread = " (the diff was not available)" if len(searched) < len(item.look_in) else ""
    if "diff" in searched and facts.diff_unread:
        # The flag may sit in a file GitHub shows no diff for; say so rather than fail silently on it.
        unread += f"; GitHub gives no diff of {_names(list(facts.diff_unread))} (binary or too large), not searched"
    return Verdict(False, f"nothing in {places} matches `{item.pattern}`{unread}")


def _epic_linked(item: ChecklistItem, facts: PullRequestFacts, epic: CheckResult | None) -> Verdict:
    if epic is None:
        return Verdict(False, "the epic check did not run", unavailable=True)
    if epic.conclusion == SUCCESS:
        return Verdict(True, epic.title)
    if epic.conclusion == NEUTRAL:
        # Off, a config error or an outage: none of them is for the author to fix.
        return Verdict(False, epic.title, unavailable=True)
    return Verdict(False, epic.title)


AUTOMATIC: Mapping[str, Callable[[ChecklistItem, PullRequestFacts, "CheckResult | None"], Verdict]] = {
    "events-registered": _registered,
    "no-deprecated-events": _not_deprecated,
    "docs-changed": _docs_changed,
    "feature-flag": _feature_flag,
    "epic-linked": _epic_linked,
}


def _tick_note(tick: Tick | None, checked: bool) -> str:
    if tick is None or tick.checked != checked:
        return ""
    return f"{'ticked' if checked else 'unticked'} by @{tick.by} at {tick.at}"


def _manual(item: ChecklistItem, state: ItemState | None, tick: Tick | None) -> tuple[str, str]:
    if state is None:
        return "pending", "missing from the checklist in the pull request body"
    if state.na is not None:
        if state.na:
            return "n/a", f"N/A: {inline(state.na)}"  # the PR author's words
        return "pending", "`N/A` needs a reason: end the line with `N/A: why`"
    if state.checked:
        return "passed", _tick_note(tick, True) or "ticked in the pull request body"
    note = _tick_note(tick, False)
    return "pending", "not ticked yet" + (f" ({note})" if note else "")


def item_result(item: ChecklistItem, facts: PullRequestFacts, states: Mapping[str, ItemState],
                ticks: Mapping[str, Tick], epic: CheckResult | None) -> tuple[ItemResult, bool]:
    """The item's line, and whether it is held up only by something the author cannot fix."""
    def line(status: str, reason: str) -> ItemResult:
        return ItemResult(item.id, item.title, status, reason, owner=item.owner, automatic=not item.manual,
                          required=not item.optional)

    if item.manual:
        status, reason = _manual(item, states.get(item.id), ticks.get(item.id))
        if item.optional and status == "pending":
            status = "optional"
        return line(status, reason), False
    verdict = AUTOMATIC[item.auto or ""](item, facts, epic)
    status = "passed" if verdict.passed else ("pending" if verdict.unavailable else "failed")
    return line(status, verdict.reason), verdict.unavailable


def _conclusion(unmet: Sequence[tuple[Checklist, ItemResult, bool]]) -> str:
    if not unmet:
        return SUCCESS
    blocking = [c for c, _, unavailable in unmet if not unavailable]
    if not blocking:
        return NEUTRAL
    return FAILURE if any(c.incomplete == FAILURE for c in blocking) else ACTION_REQUIRED


def evaluate(facts: PullRequestFacts, plan: Plan | None, epic: CheckResult | None = None) -> CheckResult:
    """The `productops/launch-checklist` result; ``epic`` is the epic check's result, for `epic-linked` items."""
    checklists = applicable_checklists(facts, plan)
    if not checklists:
        known = len(plan.checklists) if plan is not None else 0
        why = f"none of the {known} checklists of the rule files applies to it" if known else "the rule files define no checklist"
        return CheckResult(CHECKLIST_CHECK, NEUTRAL, "No launch checklist applies", f"No checklist for this pull request: {why}.")
    states, ticks = parse_items(facts.body), latest_ticks(facts.ticks)
    items: list[ItemResult] = []
    unmet: list[tuple[Checklist, ItemResult, bool]] = []
    seen: set[str] = set()
    lines = []
    for checklist in checklists:
        lines.append(f"- **{checklist.title}** (`{checklist.id}`): applies because of {why_applies(checklist, facts)}")
        for item in checklist.items:
            if item.id in seen:
                continue
            seen.add(item.id)
            result, unavailable = item_result(item, facts, states, ticks, epic)
            items.append(result)
            if result.required and result.status not in ("passed", "n/a"):
                unmet.append((checklist, result, unavailable))
    conclusion = _conclusion(unmet)
    required = [i for i in items if i.required]
    done = sum(1 for i in required if i.status in ("passed", "n/a"))
    if conclusion == SUCCESS:
        title = f"Launch checklist complete: {done} of {len(required)} required items done"
    else:
        title = f"Launch checklist: {done} of {len(required)} required items done"
    summary = "\n".join(lines)
    if unmet:
        summary += "\n\nStill to do:\n" + "\n".join(f"- {i.title}: {i.reason}" for _, i, _ in unmet)
    text = ""
    if any(i.status == "pending" and not i.automatic for _, i, _ in unmet):
        text = "Tick the manual items in the checklist section of the pull request description, or end an item's line with `N/A: reason`."
    actions = (RECHECK,) if conclusion == NEUTRAL else ()
    return CheckResult(CHECKLIST_CHECK, conclusion, title, summary, text, tuple(items), actions)
