"""Hand-built tracking calls and the example plan, so checks can be tested without detection."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Sequence

import yaml

from productops_lint.checks.base import Check, CheckContext
from productops_lint.checks.example_plan import EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML
from productops_lint.registry.model import Plan, conventions_from_data, event_from_data
from productops_lint.types import (
    UNKNOWN,
    Diagnostic,
    Location,
    NameOrigin,
    PropertyArg,
    Span,
    TrackingCall,
)

PATH = "app.py"
CONSTANTS_PATH = "app/events.py"
# `analytics.track("user-1", "<event>", {...})` on line 3: the event literal starts at column 26.
CALL_SPAN = Span(3, 0, 3, 80)
EVENT_SPAN = Span(3, 26, 3, 43)


@lru_cache(maxsize=1)
def example_plan() -> Plan:
    """The shared example plan, through the real loader when it is there."""
    try:
        from productops_lint.registry.loader import load_plan
    except ImportError:
        return plan_from_yaml(EXAMPLE_PLAN_YAML)
    return load_plan([(EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML)])


def plan_from_yaml(text: str) -> Plan:
    """A plan from one rule file's text, built with the model's constructors only."""
    data = yaml.safe_load(text) or {}
    location = Location(EXAMPLE_PLAN_PATH)
    events = [event_from_data(ev, location) for ev in data.get("events") or ()]
    return Plan(events={ev.name: ev for ev in events}, conventions=conventions_from_data(data.get("conventions")))


def prop(
    key: str,
    value: Any = UNKNOWN,
    *,
    source: str | None = None,
    col: int = 46,
    path: str = "",
) -> PropertyArg:
    """A property key as written in a dict literal (or a `dict(k=...)` keyword when ``source`` is bare)."""
    key_source = f'"{key}"' if source is None else source
    key_span = Span(3, col, 3, col + len(key_source))
    value_span = Span(3, key_span.end_col + 2, 3, key_span.end_col + 8)
    return PropertyArg(key, key_span, value, value_span, path, key_source)


def make_call(
    event: str | None,
    kind: str = "literal",
    props: Sequence[PropertyArg] | Mapping[str, Any] | None = (),
    *,
    source: str | None = None,
    constant: str | None = None,
    other_uses: int = 0,
    affix: tuple[str, str] = ("", ""),
    parts: tuple[str, ...] = (),
    expr: str | None = None,
    partial: bool = False,
    via: tuple[str, ...] = (),
) -> TrackingCall:
    """A resolved call; a literal or constant name gets an origin spelling the part written at the site."""
    origin = None
    if event is not None and kind in ("literal", "constant"):
        prefix, suffix = affix
        written = event[len(prefix) : len(event) - len(suffix)]
        text = f'"{written}"' if source is None else source
        if constant:
            origin = NameOrigin(CONSTANTS_PATH, Span(1, 10, 1, 10 + len(text)), text, constant, other_uses)
        else:
            origin = NameOrigin(PATH, Span(3, 26, 3, 26 + len(text)), text)
    if isinstance(props, Mapping):
        props = tuple(prop(k, v) for k, v in props.items())
    elif props is not None:
        props = tuple(props)
    return TrackingCall(
        path=PATH,
        span=CALL_SPAN,
        sdk="segment",
        event=event,
        event_kind=kind,  # type: ignore[arg-type]
        event_expr=expr if expr is not None else (f'"{event}"' if event is not None else "name()"),
        event_span=EVENT_SPAN,
        event_parts=parts,
        affix=affix,
        origin=origin,
        properties=props,
        partial=partial,
        via=via,
    )


def run(check: type[Check], call: TrackingCall, plan: Plan | None = None) -> list[Diagnostic]:
    return list(check().check_call(call, CheckContext(plan or example_plan())))


def messages(check: type[Check], call: TrackingCall, plan: Plan | None = None) -> list[str]:
    return [d.message for d in run(check, call, plan)]
