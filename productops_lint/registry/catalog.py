"""The plan as a Markdown catalog: events per area and owner, their properties, and where code tracks them."""

from __future__ import annotations

from typing import Sequence

from ..types import TrackingCall
from .callsites import sites_by_event
from .model import EventSpec, Plan

NO_AREA = "Other"
NO_OWNER = "No owner"


def _cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    # GitHub reads `\|` as a literal pipe even inside code spans in tables.
    return str(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _code(text: str) -> str:
    """Inline code that survives backticks in the text itself."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _grouped(plan: Plan) -> list[tuple[str, list[tuple[str, list[EventSpec]]]]]:
    tree: dict[str | None, dict[str | None, list[EventSpec]]] = {}
    for ev in plan.events.values():
        tree.setdefault(ev.area, {}).setdefault(ev.owner, []).append(ev)

    # Named groups alphabetically, the catch-all last, so the catalog reads the same every run.
    def order(key: str | None) -> tuple[bool, str]:
        return (key is None, (key or "").lower())

    return [
        (
            area or NO_AREA,
            [
                (owner or NO_OWNER, sorted(owners[owner], key=lambda e: e.name.lower()))
                for owner in sorted(owners, key=order)
            ],
        )
        for area, owners in sorted(tree.items(), key=lambda kv: order(kv[0]))
    ]


def _event_section(ev: EventSpec, sites: Sequence[str] | None) -> list[str]:
    lines = [f"#### {ev.name}", ""]
    if ev.description:
        lines += [ev.description.strip(), ""]
    facts = [f"**Status:** {ev.status}"]
    if ev.epic:
        facts.append(f"**Epic:** {ev.epic}")
    if ev.must_track:
        facts.append("**Must track**")
    if ev.replaced_by:
        facts.append(f"**Replaced by:** {_code(ev.replaced_by)}")
    if ev.sunset:
        facts.append(f"**Sunset:** {ev.sunset}")
    lines += [" · ".join(facts), ""]
    if ev.properties:
        lines += ["| Property | Type | Required | PII | Description |", "| --- | --- | --- | --- | --- |"]
        for p in ev.properties.values():
            kind = p.type
            if p.values:
                kind += " (" + ", ".join(_code(str(v)) for v in p.values) + ")"
            if p.pattern:
                kind += f" matching {_code(p.pattern)}"
            lines.append(
                f"| {_cell(_code(p.name))} | {_cell(kind)} | {_yes(p.required)} | "
                f"{_yes(p.pii)} | {_cell(p.description)} |"
            )
        lines.append("")
    else:
        lines += ["_No properties._", ""]
    if sites is not None:
        if sites:
            lines.append("Tracked at:")
            lines += [f"- {_code(s)}" for s in sites]
        else:
            lines.append("_Not tracked in code._")
        lines.append("")
    return lines


def render_catalog(plan: Plan, calls: Sequence[TrackingCall] | None, title: str = "Tracking plan") -> str:
    """Markdown for every event of the plan; ``calls=None`` leaves out where events are tracked."""
    sites = sites_by_event(calls) if calls is not None else None
    groups = _grouped(plan)
    lines = [f"# {title}", ""]
    if not groups:
        return "\n".join(lines + ["_The plan declares no events._", ""])
    count = len(plan.events)
    lines += [f"{_count(count, 'event')} in {_count(len(groups), 'area')}.", ""]
    lines += [f"- {area}: {_count(sum(len(e) for _, e in owners), 'event')}" for area, owners in groups]
    lines.append("")
    for area, owners in groups:
        lines += [f"## {area}", ""]
        for owner, events in owners:
            lines += [f"### {owner}", ""]
            for ev in events:
                lines += _event_section(ev, None if sites is None else sites.get(ev.name, []))
    return "\n".join(lines).rstrip("\n") + "\n"
