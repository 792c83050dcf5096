"""Round trips: any valid plan survives JSON Schema and CSV export, import, and the YAML rule file."""

from __future__ import annotations

import datetime
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_tooling_helpers import content, plan_of

from productops_lint.registry.diff import diff_plans
from productops_lint.registry.interchange import (
    events_to_yaml,
    export_csv,
    import_csv,
    import_json_schema,
    render_json_schema,
)
from productops_lint.registry.loader import load_plan
from productops_lint.registry.model import (
    EVENT_STATUSES,
    PROPERTY_TYPES,
    EventSpec,
    Plan,
    PropertySpec,
    normalize_name,
)

# Characters that YAML, JSON and CSV each treat specially, plus some beyond ASCII.
_ALPHABET = string.ascii_letters + string.digits + " _-.:#'\"{}[],&*!|>%@`?/\\é日ß"
_RESERVED = ("$", "mp_", "amplitude_")


def _name() -> st.SearchStrategy[str]:
    return st.text(_ALPHABET, min_size=1, max_size=16).filter(
        lambda s: s == s.strip() and not s.lower().startswith(_RESERVED)
    )


_text = st.text(_ALPHABET + "\n", max_size=40)
_described = _text.filter(lambda s: bool(s.strip()))
_maybe_text = st.none() | _name()
_scalar = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False) | _text
_meta = st.dictionaries(
    _name(), st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_name(), inner, max_size=3), max_leaves=6), max_size=3
)
_PATTERNS = ("^[A-Z]{3}$", "^.+@.+$", r"\d+", "a|b", "#x: y", "'q'", "^[a-z_]+$")


@st.composite
def _property(draw: Any, name: str) -> PropertySpec:
    kind = draw(st.sampled_from(PROPERTY_TYPES))
    values: tuple[Any, ...] = ()
    pool = {
        "string": _text,
        "enum": _text,
        "datetime": _text,
        "integer": st.integers(-1000, 1000),
        "number": st.integers(-1000, 1000) | st.floats(-1e9, 1e9, allow_nan=False),
        "boolean": st.booleans(),
    }.get(kind)
    # The rule format requires values for enums and allows them for scalar types only.
    if pool is not None and (kind == "enum" or draw(st.booleans())):
        values = tuple(draw(st.lists(pool, min_size=1, max_size=4, unique_by=lambda v: (type(v) is bool, v))))
    return PropertySpec(
        name=name,
        type=kind,
        values=values,
        required=draw(st.booleans()),
        pii=draw(st.booleans()),
        description=draw(_text),
        pattern=draw(st.none() | st.sampled_from(_PATTERNS)),
    )


@st.composite
def _event(draw: Any, name: str) -> EventSpec:
    prop_names = draw(st.lists(_name(), max_size=4, unique_by=normalize_name))
    return EventSpec(
        name=name,
        description=draw(_described),
        owner=draw(_maybe_text),
        status=draw(st.sampled_from(EVENT_STATUSES)),
        sunset=draw(st.none() | st.dates(datetime.date(2000, 1, 1)).map(datetime.date.isoformat)),
        epic=draw(st.none() | st.from_regex(r"[A-Z][A-Z0-9]{0,4}-[0-9]{1,4}", fullmatch=True)),
        must_track=draw(st.booleans()),
        area=draw(_maybe_text),
        properties={n: draw(_property(n)) for n in prop_names},
        meta=draw(_meta),
    )


@st.composite
def plans(draw: Any) -> Plan:
    """Plans the rule-file loader accepts: distinct names, replacements that exist and are not removed."""
    names = draw(st.lists(_name(), min_size=1, max_size=5, unique_by=normalize_name))
    events = [draw(_event(n)) for n in names]
    successors = [e.name for e in events if e.status != "removed"]
    out = {}
    for ev in events:
        others = [n for n in successors if n != ev.name]
        if others and draw(st.booleans()):
            ev = EventSpec(**{**ev.__dict__, "replaced_by": draw(st.sampled_from(others))})
        out[ev.name] = ev
    return Plan(events=out)


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(plans())
def test_generated_plans_are_valid_rule_files(plan):
    loaded = load_plan([("rules/plan.yaml", events_to_yaml(plan.events.values()))])
    assert content(loaded) == content(plan)


@_SETTINGS
@given(plans())
def test_json_schema_round_trip_keeps_every_event_field(plan):
    result = import_json_schema(render_json_schema(plan), "plan.json")
    assert result.report.issues == ()
    assert content(result.events) == content(plan)
    assert content(load_plan([("rules/imported.yaml", result.yaml)])) == content(plan)
    assert diff_plans(plan, result.plan()).is_empty


@_SETTINGS
@given(plans())
def test_csv_round_trip_keeps_every_event_field(plan):
    result = import_csv(export_csv(plan), "plan.csv")
    assert result.report.issues == ()
    assert content(result.events) == content(plan)
    assert content(load_plan([("rules/imported.yaml", result.yaml)])) == content(plan)


RICH = """
events:
  - name: Order Completed
    description: "A customer paid: card, wallet or invoice."
    owner: checkout
    area: Shop
    epic: SHOP-12
    must_track: true
    meta: {dashboard: "https://bi.example/orders", tags: [revenue, core], rank: 1}
    properties:
      order_id: {type: string, required: true, pattern: "^ord_[0-9]+$", description: "Order key"}
      revenue: {type: number, required: true}
      item_count: {type: integer, values: [1, 2, 3]}
      payment: {type: enum, values: [card, paypal, "yes"]}
      email: {type: string, pii: true}
      delivered_at: datetime
      items: array
      address: {type: object, pii: true}
      is_gift: {type: boolean, values: [true]}
  - name: Signed Up
    description: |
      Old name of Account Created.
      Kept for dashboards.
    status: deprecated
    replaced_by: Account Created
    sunset: "2025-12-31"
  - name: Account Created
    description: A visitor created an account.
    owner: growth
"""


def test_rich_plan_round_trips_through_both_formats():
    plan = plan_of(RICH)
    via_json = import_json_schema(render_json_schema(plan), "plan.json")
    via_csv = import_csv(export_csv(plan), "plan.csv")
    assert via_json.report.complete and via_csv.report.complete
    assert content(via_json.events) == content(plan) == content(via_csv.events)
    assert via_json.yaml == via_csv.yaml
