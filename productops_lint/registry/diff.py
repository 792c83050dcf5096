"""What changed between two versions of the tracking plan, and which changes break tracking code."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Sequence

from ..types import TrackingCall
from .callsites import sites_by_event
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
# Type changes that accept every value the old type accepted, so existing calls stay valid.
_WIDENINGS = {("integer", "number"), ("enum", "string"), ("datetime", "string")}
# Event fields compared one by one; status has its own kind because it drives lifecycle checks.
_EVENT_FIELDS = ("description", "owner", "epic", "area", "sunset", "replaced_by", "must_track", "meta")
# A removed/added pair at least this similar (properties weigh 0.6, description 0.4) is a rename.
RENAME_THRESHOLD = 0.85
_MAX_SITES_IN_MESSAGE = 3


@dataclass(frozen=True)
class Change:
    """One change. ``field`` names the attribute that changed for *_changed kinds."""

    kind: str
    event: str
    message: str
    breaking: bool = False
    # Why the change breaks code that tracks the event; empty when it does not.
    why: str = ""
    property: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None


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
        changes.extend(_property_changes(old_ev, new_ev))
    for name in sorted(n for n in old.events if n in new.events):
        old_ev, new_ev = old.events[name], new.events[name]
        changes.extend(_status_change(old_ev, new_ev, sites))
        changes.extend(_field_changes(old_ev, new_ev))
        changes.extend(_property_changes(old_ev, new_ev))
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


def _status_change(old: EventSpec, new: EventSpec, sites: dict[str, list[str]] | None) -> list[Change]:
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
            message = f"{name.replace('_', ' ').capitalize()} of `{new.name}` changed from {_show(before)} to {_show(after)}"
        out.append(Change("event_changed", new.name, message, field=name, before=before, after=after))
    return out


def _show(value: Any) -> str:
    return "nothing" if value is None else f"`{value}`"


def _values(values: Sequence[Any]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _property_changes(old: EventSpec, new: EventSpec) -> list[Change]:
    ev = new.name
    out: list[Change] = []
    for name in sorted(set(old.properties) | set(new.properties)):
        a, b = old.properties.get(name), new.properties.get(name)
        if a is None and b is not None:
            out.append(
                Change(
                    "property_added",
                    ev,
                    f"Property `{name}` added to `{ev}`" + (" as required" if b.required else ""),
                    breaking=b.required,
                    why="calls that do not send it become invalid" if b.required else "",
                    property=name,
                    after=b.type,
                )
            )
        elif b is None and a is not None:
            out.append(
                Change(
                    "property_removed",
                    ev,
                    f"Property `{name}` removed from `{ev}`",
                    breaking=True,
                    why="calls that send it become invalid",
                    property=name,
                    before=a.type,
                )
            )
        elif a is not None and b is not None:
            out.extend(_property_field_changes(ev, a, b))
    return out


def _property_field_changes(ev: str, a: PropertySpec, b: PropertySpec) -> list[Change]:
    out: list[Change] = []
    name = a.name

    def change(field: str, message: str, why: str = "", before: Any = None, after: Any = None) -> None:
        out.append(
            Change("property_changed", ev, message, bool(why), why, name, field, before, after)
        )

    if a.type != b.type:
        narrowed = (a.type, b.type) not in _WIDENINGS
        change(
            "type",
            f"Type of `{ev}.{name}` changed from `{a.type}` to `{b.type}`",
            "values of the old type may be rejected" if narrowed else "",
            a.type,
            b.type,
        )
    if not a.required and b.required:
        change("required", f"Property `{name}` of `{ev}` became required", "calls that omit it become invalid", False, True)
    elif a.required and not b.required:
        change("required", f"Property `{name}` of `{ev}` became optional", before=True, after=False)
    old_values, new_values = list(a.values), list(b.values)
    if old_values != new_values:
        dropped = [v for v in old_values if v not in new_values]
        gained = [v for v in new_values if v not in old_values]
        if not old_values:
            change("values", f"Property `{name}` of `{ev}` restricted to {_values(new_values)}", "other values become invalid", [], new_values)
        elif not new_values:
            change("values", f"Property `{name}` of `{ev}` no longer restricted to listed values", before=old_values, after=[])
        else:
            if dropped:
                change("values", f"Values {_values(dropped)} removed from `{ev}.{name}`", "calls that send them become invalid", old_values, new_values)
            # A mere reordering is not reported: the order of allowed values carries no meaning.
            if gained:
                change("values", f"Values {_values(gained)} added to `{ev}.{name}`", before=old_values, after=new_values)
    if a.pattern != b.pattern:
        narrowed = b.pattern is not None
        change(
            "pattern",
            f"Pattern of `{ev}.{name}` changed from {_show(a.pattern)} to {_show(b.pattern)}",
            "values that do not match it become invalid" if narrowed else "",
            a.pattern,
            b.pattern,
        )
    if a.pii != b.pii:
        state = "now marked PII" if b.pii else "no longer marked PII"
        change("pii", f"Property `{name}` of `{ev}` {state}", before=a.pii, after=b.pii)
    if a.description != b.description:
        change("description", f"Description of `{ev}.{name}` changed", before=a.description, after=b.description)
    return out
