"""Plan diffs for people and tools: terminal text, a compact Markdown PR comment, and JSON."""

from __future__ import annotations

import json
from typing import Any, Sequence

from .diff import PlanDiff
from .diff_properties import Change

BREAKING_MARK = "⚠️"
DEFAULT_MARKDOWN_LIMIT = 25
_TEXT_MARKS = {
    "event_added": "+",
    "event_removed": "-",
    "event_renamed": ">",
    "property_added": "+",
    "property_removed": "-",
}
_EVENT_KINDS = ("event_added", "event_removed", "event_renamed", "status_changed")
_PROPERTY_KINDS = ("property_added", "property_removed", "property_changed")


def _counts(diff: PlanDiff) -> list[str]:
    """Non-zero counts of added, removed, renamed and otherwise changed events and properties."""
    other = [c for c in diff.changes if c.kind not in ("event_added", "event_removed", "event_renamed")]
    counts = [
        (len(diff.added), "added"),
        (len(diff.removed), "removed"),
        (len(diff.renamed), "renamed"),
        (len(other), "changed"),
    ]
    return [f"{n} {label}" for n, label in counts if n]


def _summary(diff: PlanDiff) -> str:
    return ", ".join([f"{len(diff.breaking)} breaking"] + _counts(diff))


def _with_why(change: Change) -> str:
    return f"{change.message} ({change.why})" if change.why else change.message


def render_diff_text(diff: PlanDiff) -> str:
    """All changes for the terminal, breaking ones first."""
    if diff.is_empty:
        return "No changes to the tracking plan.\n"
    lines = [f"Tracking plan changes: {_summary(diff)}"]
    breaking = diff.breaking
    if breaking:
        lines += ["", f"Breaking changes ({len(breaking)}):"]
        lines += [f"  ! {_with_why(c)}" for c in breaking]
    rest = [c for c in diff.changes if not c.breaking]
    if rest:
        lines += ["", f"Other changes ({len(rest)}):"]
        lines += [f"  {_TEXT_MARKS.get(c.kind, '~')} {c.message}" for c in rest]
    if not diff.checked_calls:
        lines += ["", "Call sites were not checked: removed events may still be tracked."]
    return "\n".join(lines) + "\n"


def render_diff_markdown(
    diff: PlanDiff, limit: int = DEFAULT_MARKDOWN_LIMIT, title: str = "Tracking plan changes"
) -> str:
    """A compact PR comment: breaking changes first, at most ``limit`` items, then "and N more"."""
    if diff.is_empty:
        return f"### {title}\n\nNo changes to the tracking plan.\n"
    rest = [c for c in diff.changes if not c.breaking]
    sections: list[tuple[str, Sequence[Change]]] = [
        (f"{BREAKING_MARK} Breaking", diff.breaking),
        ("Events", [c for c in rest if c.kind in _EVENT_KINDS]),
        ("Properties", [c for c in rest if c.kind in _PROPERTY_KINDS]),
        ("Details", [c for c in rest if c.kind == "event_changed"]),
    ]
    lines = [f"### {title}", "", _markdown_summary(diff)]
    budget = max(limit, 0)
    hidden = 0
    for heading, items in sections:
        shown = list(items[:budget])
        hidden += len(items) - len(shown)
        budget -= len(shown)
        if not shown:
            continue
        lines += ["", f"#### {heading}", ""]
        for c in shown:
            lines.append(f"- {BREAKING_MARK} {_with_why(c)}" if c.breaking else f"- {c.message}")
    if hidden:
        lines += ["", f"_…and {hidden} more {'change' if hidden == 1 else 'changes'}._"]
    if not diff.checked_calls:
        lines += ["", "_Call sites were not checked: removed events may still be tracked._"]
    return "\n".join(lines) + "\n"


def _markdown_summary(diff: PlanDiff) -> str:
    breaking = len(diff.breaking)
    head = f"**{BREAKING_MARK} {breaking} breaking**" if breaking else "No breaking changes"
    return " · ".join([head] + _counts(diff))


def diff_to_data(diff: PlanDiff) -> dict[str, Any]:
    """The diff as JSON-ready data; the shape is documented in docs/plan-tooling.md."""
    return {
        "breaking": len(diff.breaking),
        "checked_calls": diff.checked_calls,
        "added": list(diff.added),
        "removed": list(diff.removed),
        "renamed": [{"old": r.old, "new": r.new, "reason": r.reason} for r in diff.renamed],
        "changes": [
            {
                "kind": c.kind,
                "event": c.event,
                "property": c.property,
                "field": c.field,
                "message": c.message,
                "breaking": c.breaking,
                "why": c.why,
                "before": c.before,
                "after": c.after,
            }
            for c in diff.changes
        ],
    }


def render_diff_json(diff: PlanDiff) -> str:
    """The diff as a JSON document."""
    # Plan values come from YAML, which can hold dates; show them as text rather than fail.
    return json.dumps(diff_to_data(diff), indent=2, default=str) + "\n"
