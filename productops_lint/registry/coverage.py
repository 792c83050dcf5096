"""Plan coverage: which events the code tracks, which it never does, and which it tracks off-plan."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence

from ..types import TrackingCall
from .callsites import site, sites_by_event, unresolved_calls
from .model import EventSpec, Plan

# Planned events count as dead too: they are promised by the plan and nobody has built them yet.
_LIVE_STATUSES = ("planned", "active")
# Events that code may still send while they are being retired.
_RETIRED_STATUSES = ("deprecated", "removed")
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class RogueEvent:
    """An event name the code sends that the plan does not declare."""

    name: str
    sites: tuple[str, ...]


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of the active events of one owner or one plan file."""

    key: str
    active: int
    tracked: int
    dead: tuple[str, ...]

    @property
    def percent(self) -> float:
        return _percent(self.tracked, self.active)


@dataclass(frozen=True)
class CoverageReport:
    """How far the code covers the plan. ``percent`` is tracked active events / active events."""

    active: int
    tracked: int
    dead: tuple[str, ...]
    rogue: tuple[RogueEvent, ...]
    must_track_missing: tuple[str, ...]
    # Deprecated or removed events that code still sends, with their call sites.
    retired_tracked: tuple[RogueEvent, ...]
    dynamic_calls: int
    dynamic_sites: tuple[str, ...]
    by_owner: tuple[GroupCoverage, ...]
    by_file: tuple[GroupCoverage, ...]

    @property
    def percent(self) -> float:
        return _percent(self.tracked, self.active)


def _percent(tracked: int, active: int) -> float:
    # With nothing active there is nothing to miss.
    return 100.0 if active == 0 else round(100.0 * tracked / active, 2)


def compute_coverage(plan: Plan, calls: Sequence[TrackingCall]) -> CoverageReport:
    """Compare the plan's events with the events that ``calls`` send."""
    sites = sites_by_event(calls)
    events = sorted(plan.events.values(), key=lambda e: e.name)
    active = [e for e in events if e.status == "active"]
    unresolved = unresolved_calls(calls)
    return CoverageReport(
        active=len(active),
        tracked=sum(1 for e in active if e.name in sites),
        dead=tuple(e.name for e in events if e.status in _LIVE_STATUSES and e.name not in sites),
        rogue=tuple(
            RogueEvent(name, tuple(found))
            for name, found in sorted(sites.items())
            if name not in plan.events
        ),
        must_track_missing=tuple(
            e.name for e in events if e.must_track and e.status != "removed" and e.name not in sites
        ),
        retired_tracked=tuple(
            RogueEvent(e.name, tuple(sites[e.name]))
            for e in events
            if e.status in _RETIRED_STATUSES and e.name in sites
        ),
        dynamic_calls=len(unresolved),
        dynamic_sites=tuple(site(c) for c in unresolved),
        by_owner=_groups(events, sites, lambda e: e.owner or NO_OWNER),
        by_file=_groups(events, sites, lambda e: e.location.path),
    )


def _groups(
    events: Sequence[EventSpec], sites: dict[str, list[str]], key: Callable[[EventSpec], str]
) -> tuple[GroupCoverage, ...]:
    grouped: dict[str, list[EventSpec]] = {}
    for ev in events:
        grouped.setdefault(key(ev), []).append(ev)
    out = []
    for name in sorted(grouped):
        members = grouped[name]
        active = [e for e in members if e.status == "active"]
        out.append(
            GroupCoverage(
                key=name,
                active=len(active),
                tracked=sum(1 for e in active if e.name in sites),
                dead=tuple(
                    e.name for e in members if e.status in _LIVE_STATUSES and e.name not in sites
                ),
            )
        )
    return tuple(out)


def coverage_passes(report: CoverageReport, pct: float) -> bool:
    """True when coverage is at least ``pct`` percent (``--fail-under``), compared without rounding."""
    if report.active == 0:
        return True
    # Exact arithmetic, so 2 of 3 events passes --fail-under 66.66 but not 66.67.
    return Fraction(report.tracked * 100, report.active) >= Fraction(str(pct))


def render_coverage_text(report: CoverageReport) -> str:
    """A report for the terminal."""
    lines = [
        f"Coverage: {report.percent:.1f}% ({report.tracked} of {report.active} active events tracked)"
    ]

    def section(title: str, items: Sequence[str]) -> None:
        if items:
            lines.append("")
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)

    section("Must-track events with no call site", report.must_track_missing)
    section("Dead events (planned or active, never tracked)", report.dead)
    section(
        "Rogue events (tracked, not in the plan)",
        [f"{r.name}  {', '.join(r.sites)}" for r in report.rogue],
    )
    section(
        "Deprecated or removed events still tracked",
        [f"{r.name}  {', '.join(r.sites)}" for r in report.retired_tracked],
    )
    section("Calls with a dynamic or unresolved event name", report.dynamic_sites)
    for title, groups in (("By owner", report.by_owner), ("By plan file", report.by_file)):
        if groups:
            lines.append("")
            lines.append(f"{title}:")
            width = max(len(g.key) for g in groups)
            lines.extend(
                f"  {g.key:<{width}}  {g.percent:5.1f}%  {g.tracked}/{g.active}" for g in groups
            )
    return "\n".join(lines) + "\n"


def coverage_to_data(report: CoverageReport) -> dict[str, Any]:
    """The report as JSON-ready data; the shape is documented in docs/plan-tooling.md."""

    def group(g: GroupCoverage) -> dict[str, Any]:
        return {
            "key": g.key,
            "active": g.active,
            "tracked": g.tracked,
            "percent": g.percent,
            "dead": list(g.dead),
        }

    return {
        "percent": report.percent,
        "active": report.active,
        "tracked": report.tracked,
        "dead": list(report.dead),
        "must_track_missing": list(report.must_track_missing),
        "rogue": [{"name": r.name, "sites": list(r.sites)} for r in report.rogue],
        "retired_tracked": [{"name": r.name, "sites": list(r.sites)} for r in report.retired_tracked],
        "dynamic_calls": report.dynamic_calls,
        "dynamic_sites": list(report.dynamic_sites),
        "by_owner": [group(g) for g in report.by_owner],
        "by_file": [group(g) for g in report.by_file],
    }


def render_coverage_json(report: CoverageReport) -> str:
    """The report as a JSON document, for dashboards and CI."""
    return json.dumps(coverage_to_data(report), indent=2) + "\n"
