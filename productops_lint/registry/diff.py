"""What changed between two versions of the tracking plan, and which changes break tracking code."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Sequence

from ..types import TrackingCall
from .callsites import sites_by_event
from .diff_properties import Change, property_changes, show
from .model import EventSpec, Plan, PropertySpec, normalize_name

CHANGE_KINDS = (
    "event_added",
    "event_removed",
    "event_renamed",
    "status_changed",
    "event_changed",
    "property_added",
    "property_removed",
    "property_changed",
)
# Event fields compared one by one; status has its own kind because it drives lifecycle checks.
_EVENT_FIELDS = ("description", "owner", "epic", "area", "sunset", "replaced_by", "must_track", "meta")
# A removed/added pair at least this similar (properties weigh 0.6, description 0.4) is a rename.
RENAME_THRESHOLD = 0.85
_MAX_SITES_IN_MESSAGE = 3


@dataclass(frozen=True)
class Rename:
    """An event that left the plan under one name and came back under another."""

    old: str
    new: str
    # "replaced_by" when the old event said so, "similar" when found by comparing content.
    reason: str


@dataclass(frozen=True)
class PlanDiff:
    """Every change from an old plan to a new one, ordered by event name."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    renamed: tuple[Rename, ...]
    changes: tuple[Change, ...]
    # Whether call sites were given, so "removed while still tracked" could be checked.
    checked_calls: bool = False

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    @property
    def is_empty(self) -> bool:
        return not self.changes


def diff_plans(old: Plan, new: Plan, calls: Sequence[TrackingCall] | None = None) -> PlanDiff:
    """Compare two plans; with ``calls``, flag removed or renamed events that code still sends."""
    sites = sites_by_event(calls) if calls is not None else None
    gone = sorted(n for n in old.events if n not in new.events)
    fresh = sorted(n for n in new.events if n not in old.events)
    renames = _find_renames([old.events[n] for n in gone], [new.events[n] for n in fresh])
    renamed_old = {r.old for r in renames}
    renamed_new = {r.new for r in renames}
    removed = [n for n in gone if n not in renamed_old]
    added = [n for n in fresh if n not in renamed_new]

    changes: list[Change] = []
    for name in added:
        changes.append(Change("event_added", name, f"Event `{name}` added", after=name))
    for name in removed:
        tracked = _tracked_at(sites, name)
        changes.append(
            Change(
                "event_removed",
                name,
                f"Event `{name}` removed",
                breaking=bool(tracked),
                why=f"still tracked at {tracked}" if tracked else "",
                before=name,
            )
        )
    for r in renames:
        tracked = _tracked_at(sites, r.old)
        changes.append(
            Change(
                "event_renamed",
                r.new,
                f"Event `{r.old}` renamed to `{r.new}`",
                breaking=bool(tracked),
                why=f"`{r.old}` still tracked at {tracked}" if tracked else "",
                before=r.old,
                after=r.new,
            )
        )
        old_ev, new_ev = old.events[r.old], new.events[r.new]
        changes.extend(_status_change(old_ev, new_ev, sites))
        changes.extend(property_changes(old_ev, new_ev))
    for name in sorted(n for n in old.events if n in new.events):
        old_ev, new_ev = old.events[name], new.events[name]
        changes.extend(_status_change(old_ev, new_ev, sites))
        changes.extend(_field_changes(old_ev, new_ev))
        changes.extend(property_changes(old_ev, new_ev))
    changes.sort(key=lambda c: (c.event, CHANGE_KINDS.index(c.kind), c.property or ""))
    return PlanDiff(tuple(added), tuple(removed), tuple(renames), tuple(changes), sites is not None)


def _tracked_at(sites: dict[str, list[str]] | None, name: str) -> str:
    found = (sites or {}).get(name, [])
    if len(found) <= _MAX_SITES_IN_MESSAGE:
        return ", ".join(found)
    shown = ", ".join(found[:_MAX_SITES_IN_MESSAGE])
    return f"{shown} and {len(found) - _MAX_SITES_IN_MESSAGE} more"


def _find_renames(gone: Sequence[EventSpec], fresh: Sequence[EventSpec]) -> list[Rename]:
    """Pair removed with added events: first by ``replaced_by``, then greedily by similarity."""
    renames: list[Rename] = []
    fresh_names = {e.name for e in fresh}
    paired_old: set[str] = set()
    paired_new: set[str] = set()
    for ev in gone:
        if ev.replaced_by in fresh_names and ev.replaced_by not in paired_new:
            renames.append(Rename(ev.name, ev.replaced_by, "replaced_by"))
            paired_old.add(ev.name)
            paired_new.add(ev.replaced_by)
    candidates = []
    for a in gone:
        for b in fresh:
            if a.name in paired_old or b.name in paired_new:
                continue
            score = _similarity(a, b)
            if score >= RENAME_THRESHOLD:
                name_score = difflib.SequenceMatcher(
                    None, normalize_name(a.name), normalize_name(b.name)
                ).ratio()
                candidates.append((-score, -name_score, a.name, b.name))
    for _, _, a_name, b_name in sorted(candidates):
        if a_name not in paired_old and b_name not in paired_new:
            renames.append(Rename(a_name, b_name, "similar"))
            paired_old.add(a_name)
            paired_new.add(b_name)
    return sorted(renames, key=lambda r: r.new)


def _shape(p: PropertySpec) -> tuple[Any, ...]:
    return (p.type, tuple(p.values), p.required, p.pii, p.pattern)


def _similarity(a: EventSpec, b: EventSpec) -> float:
    names = set(a.properties) | set(b.properties)
    desc_a, desc_b = a.description.strip().lower(), b.description.strip().lower()
    # Two bare events share nothing worth calling a rename.
    if not names and not (desc_a or desc_b):
        return 0.0
    if names:
        same = sum(
            1
            for n in names
            if n in a.properties
            and n in b.properties
            and _shape(a.properties[n]) == _shape(b.properties[n])
        )
        props = same / len(names)
    else:
        props = 1.0
    desc = difflib.SequenceMatcher(None, desc_a, desc_b).ratio() if (desc_a or desc_b) else 1.0
    return 0.6 * props + 0.4 * desc


def _status_change(
    old: EventSpec, new: EventSpec, sites: dict[str, list[str]] | None
) -> list[Change]:
    if old.status == new.status:
        return []
    tracked = _tracked_at(sites, new.name) if new.status == "removed" else ""
    return [
        Change(
            "status_changed",
            new.name,
            f"Status of `{new.name}` changed from `{old.status}` to `{new.status}`",
            breaking=bool(tracked),
            why=f"still tracked at {tracked}" if tracked else "",
            field="status",
            before=old.status,
            after=new.status,
        )
    ]


def _field_changes(old: EventSpec, new: EventSpec) -> list[Change]:
    out = []
    for name in _EVENT_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "meta":
            before, after = dict(before), dict(after)
        if before == after:
            continue
        if name in ("description", "meta"):
            message = f"{name.capitalize()} of `{new.name}` changed"
        else:
            label = name.replace("_", " ").capitalize()
            message = f"{label} of `{new.name}` changed from {show(before)} to {show(after)}"
        out.append(Change("event_changed", new.name, message, field=name, before=before, after=after))
    return out
