"""Where the plan's events are tracked: tracking calls grouped by the event name they resolve to."""

from __future__ import annotations

from typing import Sequence

from ..types import TrackingCall

# A call whose name is built at run time cannot be tied to one event, even when a guess exists.
_UNRESOLVED_KINDS = ("dynamic", "unresolved")


def resolved_event(call: TrackingCall) -> str | None:
    """The event name a call sends, or None when it is only known at run time."""
    if call.event is None or call.event_kind in _UNRESOLVED_KINDS:
        return None
    return call.event


def site(call: TrackingCall) -> str:
    """``path:line`` of a call, as people click on it."""
    return f"{call.path}:{call.line}"


def sites_by_event(calls: Sequence[TrackingCall]) -> dict[str, list[str]]:
    """Event name -> sorted, de-duplicated ``path:line`` of every call that sends it."""
    out: dict[str, set[tuple[str, int]]] = {}
    for call in calls:
        name = resolved_event(call)
        if name is not None:
            out.setdefault(name, set()).add((call.path, call.line))
    return {name: [f"{p}:{line}" for p, line in sorted(found)] for name, found in out.items()}


def unresolved_calls(calls: Sequence[TrackingCall]) -> list[TrackingCall]:
    """Calls whose event name is dynamic or could not be resolved, in source order."""
    return sorted(
        (c for c in calls if resolved_event(c) is None), key=lambda c: (c.path, c.line, c.column)
    )
