"""Shared builders for the plan-tooling tests: plans from rule-file YAML, calls, and plan content."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import yaml

from productops_lint.registry.model import EventSpec, Plan, event_from_data
from productops_lint.types import Location, PropertyArg, Span, TrackingCall


def make_plan(*files: tuple[str, str]) -> Plan:
    """A plan from ``(path, yaml)`` rule files, built with the model's own constructors."""
    events: dict[str, EventSpec] = {}
    for path, text in files:
        doc = yaml.safe_load(text) or {}
        defaults = {k: doc[k] for k in ("owner", "area") if k in doc}
        for i, data in enumerate(doc.get("events") or []):
            events[data["name"]] = event_from_data(data, Location(path, i + 1), defaults)
    return Plan(events=events, files=tuple(p for p, _ in files))


def plan_of(text: str, path: str = "rules/plan.yaml") -> Plan:
    return make_plan((path, text))


def call(
    event: str | None,
    path: str = "app/views.py",
    line: int = 1,
    kind: str = "literal",
    props: Iterable[str] | None = None,
    expr: str | None = None,
) -> TrackingCall:
    properties = None
    if props is not None:
        properties = tuple(PropertyArg(key=k, key_span=Span.point(line)) for k in props)
    return TrackingCall(
        path=path,
        span=Span.point(line, 4),
        sdk="segment",
        event=event,
        event_kind=kind,  # type: ignore[arg-type]
        event_expr=expr or repr(event),
        properties=properties,
    )


def _typed(values: Iterable[Any]) -> tuple[tuple[str, Any], ...]:
    # 1, 1.0 and True compare equal in Python; a round trip must keep them apart.
    return tuple((type(v).__name__, v) for v in values)


def content(events: Plan | Iterable[EventSpec]) -> dict[str, Any]:
    """Everything a plan says about its events, without where it was written."""
    evs: Iterable[EventSpec] = events.events.values() if isinstance(events, Plan) else events
    return {
        ev.name: {
            "description": ev.description,
            "owner": ev.owner,
            "status": ev.status,
            "replaced_by": ev.replaced_by,
            "sunset": ev.sunset,
            "epic": ev.epic,
            "must_track": ev.must_track,
            "area": ev.area,
            "meta": _plain(ev.meta),
            "properties": {
                name: (p.type, _typed(p.values), p.required, p.pii, p.description, p.pattern)
                for name, p in ev.properties.items()
            },
            "property_order": list(ev.properties),
        }
        for ev in evs
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return (type(value).__name__, value)


def events_from_yaml(text: str, path: str = "imported.yaml") -> Plan:
    """Read emitted YAML back the way a rule file is read."""
    return plan_of(text, path)
