"""Import and export: JSON Schema per event, CSV, the calls inventory, and the YAML they produce."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
import yaml
from plan_tooling_helpers import content, events_from_yaml, plan_of

from productops_lint.registry.interchange import (
    COLUMNS,
    PLACEHOLDER_DESCRIPTION,
    detect_format,
    events_to_yaml,
    export_csv,
    export_json_schema,
    import_calls_inventory,
    import_csv,
    import_json_schema,
)
from productops_lint.types import UserError

PLAN = """
events:
  - name: Order Completed
    description: A customer paid for an order.
    owner: checkout
    area: Shop
    epic: SHOP-12
    must_track: true
    meta: {dashboard: "https://bi.example/orders"}
    properties:
      order_id: {type: string, required: true}
      revenue: {type: number, required: true}
      payment: {type: enum, values: [card, paypal]}
      email: {type: string, pii: true, pattern: "^.+@.+$"}
      delivered_at: {type: datetime}
  - name: Signed Up
    description: Old name of Account Created.
    status: deprecated
    replaced_by: Account Created
    sunset: "2025-12-31"
"""


def _issues(result) -> list[str]:
    return [str(i) for i in result.report.issues]


# --- JSON Schema export ---------------------------------------------------------------------


def test_json_schema_export_is_valid_draft_07_that_checks_payloads():
    entry = export_json_schema(plan_of(PLAN))["events"][0]
    schema = entry["schema"]
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    good = {"order_id": "o1", "revenue": 9.5, "payment": "card", "email": "a@b.c"}
    assert not list(validator.iter_errors(good))
    bad = {
        "revenue": "9.5",  # wrong type
        "payment": "cash",  # not an allowed value
        "email": "nobody",  # does not match the pattern
        "coupon": "X",  # not declared
    }
    failed = {e.validator for e in validator.iter_errors(bad)}
    assert failed == {"required", "type", "enum", "pattern", "additionalProperties"}


def test_json_schema_export_carries_plan_fields_and_pii():
    first, second = export_json_schema(plan_of(PLAN))["events"]
    assert first["x-productops"] == {
        "owner": "checkout",
        "status": "active",
        "epic": "SHOP-12",
        "replaced_by": None,
        "sunset": None,
        "must_track": True,
        "area": "Shop",
        "meta": {"dashboard": "https://bi.example/orders"},
    }
    props = first["schema"]["properties"]
    assert props["email"]["x-pii"] is True and props["order_id"]["x-pii"] is False
    assert props["delivered_at"] == {"type": "string", "format": "date-time", "x-pii": False}
    assert props["payment"] == {"enum": ["card", "paypal"], "x-pii": False}
    assert first["schema"]["required"] == ["order_id", "revenue"]
    assert second["x-productops"]["status"] == "deprecated"
    assert "required" not in second["schema"]


# --- JSON Schema import ---------------------------------------------------------------------


def test_json_schema_import_reports_what_it_cannot_map_with_pointers():
    doc = {
        "events": [
            {
                "name": "Order Completed",
                "schema": {
                    "type": "object",
                    "properties": {
                        "a": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "b": {"type": "float"},
                        "c": {"type": ["string", "null"]},
                        "d": {"type": "array", "items": {"type": "string"}},
                        "e": {"type": "integer", "minimum": 0, "title": "ignored quietly"},
                        "f/g": {"type": "string", "format": "email"},
                    },
                    "required": ["a", "zzz"],
                    "additionalProperties": False,
                },
            },
            {"name": "Order Completed", "schema": {}},
            {"description": "no name"},
        ]
    }
    result = import_json_schema(json.dumps(doc), "plan.json")
    p = "/events/0/schema"
    assert _issues(result) == [
        f"{p}/required: required property `zzz` is not declared; ignored",
        f"{p}/properties/a/oneOf: unsupported JSON Schema construct `oneOf`; ignored",
        f"{p}/properties/a: no `type`; typed as `string`",
        f"{p}/properties/b/type: unknown type `float`; typed as `string`",
        f"{p}/properties/c/type: `null` is not a plan type; the property is optional instead",
        f"{p}/properties/d/items: keyword `items` is not carried by the plan; ignored",
        f"{p}/properties/e/minimum: keyword `minimum` is not carried by the plan; ignored",
        f"{p}/properties/f~1g/format: format `email` is not carried by the plan; ignored",
        "/events/1: duplicate event name `Order Completed` (first at /events/0); skipped",
        "/events/2: entry has no event name; skipped",
    ]
    (event,) = result.events
    assert event.description == PLACEHOLDER_DESCRIPTION
    assert {n: p.type for n, p in event.properties.items()} == {
        "a": "string",
        "b": "string",
        "c": "string",
        "d": "array",
        "e": "integer",
        "f/g": "string",
    }
    assert event.required_properties == ["a"]


def test_json_schema_import_unwraps_segment_style_schemas_and_notes_open_objects():
    doc = [
        {
            "name": "Product Viewed",
            "description": "Saw a product.",
            "schema": {
                "type": "object",
                "properties": {
                    "context": {},
                    "properties": {
                        "type": "object",
                        "properties": {"sku": {"type": "string"}, "kind": {"const": "book"}},
                        "required": ["sku"],
                    },
                },
            },
        }
    ]
    result = import_json_schema(json.dumps(doc), "segment.json")
    (event,) = result.events
    assert event.required_properties == ["sku"]
    assert event.properties["kind"].values == ("book",)
    assert _issues(result) == [
        "/0/schema/properties/properties: undeclared properties are allowed here, but the plan rejects them"
    ]


def test_json_schema_import_rejects_what_is_not_json():
    with pytest.raises(UserError) as err:
        import_json_schema('{"events": [', "broken.json")
    assert str(err.value).startswith("broken.json:1:")


def test_what_the_rule_file_loader_would_reject_is_reported_against_the_output():
    ext = {"epic": "not a key", "status": "gone", "replaced_by": "B"}
    doc = {"events": [{"name": "A", "x-productops": ext, "schema": {"additionalProperties": False}}]}
    result = import_json_schema(json.dumps(doc), "a.json")
    assert _issues(result) == [
        "/events/0/x-productops/status: unknown status `gone`; imported as `active`",
        "output:4: `replaced_by` of event `A` names `B`, which is not an event of the plan",
        "output:5: `epic` of event `A` is `not a key`, which does not look like `SHOP-123`",
    ]
    assert result.yaml.splitlines()[3:5] == ["  replaced_by: B", "  epic: not a key"]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_export_has_one_row_per_property_and_one_for_a_bare_event():
    rows = list(csv.DictReader(io.StringIO(export_csv(plan_of(PLAN)))))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["event"], r["property"]) for r in rows] == [
        ("Order Completed", "order_id"),
        ("Order Completed", "revenue"),
        ("Order Completed", "payment"),
        ("Order Completed", "email"),
        ("Order Completed", "delivered_at"),
        ("Signed Up", ""),
    ]
    assert {r["owner"] for r in rows[:5]} == {"checkout"}
    assert rows[2]["values"] == '["card", "paypal"]'
    assert rows[5]["replaced_by"] == "Account Created"


def test_csv_import_reads_hand_written_sheets_and_reports_by_row():
    sheet = (
        "Event Name,Owner,Property Name,Type,Values,Required,Colour\n"
        "Checkout Started,checkout,step,integer,1|2|3,yes,red\n"
        "Checkout Started,growth,step,string,,,\n"
        "Checkout Started,,method,enum,card|paypal,maybe,\n"
        ",,orphan,string,,,\n"
        "Checkout Started,,speed,velocity,,,\n"
        ",,,,,,\n"
        "Help Opened,,,,,,\n"
    )
    result = import_csv(sheet, "plan.csv")
    assert _issues(result) == [
        "row 1: column `Colour` is not mapped; ignored",
        "row 3: `owner` differs from row 2; kept row 2's value",
        "row 3: duplicate property `step` of `Checkout Started`; kept the first",
        "row 4: `required` is `maybe`, not a yes/no value; read as no",
        "row 5: no event name; row skipped",
        "row 6: unknown type `velocity` of `speed`; typed as `string`",
    ]
    checkout, help_opened = result.events
    assert checkout.owner == "checkout" and checkout.description == PLACEHOLDER_DESCRIPTION
    assert checkout.properties["step"].values == (1, 2, 3)
    assert checkout.properties["step"].required is True
    assert checkout.properties["method"].values == ("card", "paypal")
    assert help_opened.properties == {}


def test_csv_import_needs_an_event_column():
    with pytest.raises(UserError, match="no `event` column"):
        import_csv("property,type\nx,string\n", "p.csv")


# --- calls inventory ------------------------------------------------------------------------


INVENTORY = [
    {"path": "shop/pay.py", "line": 10, "column": 5, "sdk": "segment", "event": "Order Completed",
     "dynamic": False, "event_expr": "'Order Completed'", "properties": ["order_id", "revenue"],
     "partial": False, "via": []},
    {"path": "shop/api.py", "line": 3, "column": 1, "sdk": "segment", "event": "Order Completed",
     "dynamic": False, "event_expr": "ORDER_COMPLETED",
     "properties": [{"key": "order_id", "value": "o1"}, {"key": "revenue", "value": 10},
                    {"key": "coupon", "value": None}],
     "partial": True, "via": ["shop.track"]},
    {"path": "shop/api.py", "line": 9, "column": 1, "sdk": "segment", "event": "Order Completed",
     "dynamic": False, "event_expr": "ORDER_COMPLETED",
     "properties": [{"key": "revenue", "value": 9.5}, {"key": "order_id", "value": 7}],
     "partial": False, "via": []},
    {"path": "web/x.py", "line": 2, "column": 1, "sdk": "posthog", "event": None, "dynamic": True,
     "event_kind": "dynamic",
     "event_expr": 'f"{page} Viewed"', "properties": None, "partial": False, "via": []},
    {"path": "web/y.py", "line": 4, "column": 1, "sdk": "posthog", "event": "order_completed",
     "dynamic": False, "event_expr": "'order_completed'", "properties": None, "partial": False, "via": []},
    {"path": "web/z.py", "line": 8, "column": 1, "sdk": "segment", "event": None, "dynamic": False,
     "event_kind": "unresolved", "event_expr": "payload['name']", "properties": [], "partial": False, "via": []},
]


def test_inventory_import_merges_call_sites_and_infers_types():
    result = import_calls_inventory(json.dumps(INVENTORY), "calls.json")
    (order,) = result.events
    assert order.description == PLACEHOLDER_DESCRIPTION
    assert {n: p.type for n, p in order.properties.items()} == {
        "order_id": "string",  # sent as a string and as an integer
        "revenue": "number",  # integer and float widen to number
        "coupon": "string",  # never a known value
    }
    assert _issues(result) == [
        "/1: some properties of `Order Completed` at shop/api.py:3 are passed dynamically; "
        "only the known ones are imported",
        '/3: dynamic event name `f"{page} Viewed"` at web/x.py:2 cannot be imported',
        "/4: properties of `order_completed` at web/y.py:4 are not statically known",
        "/5: unresolved event name `payload['name']` at web/z.py:8 cannot be imported",
        "Order Completed: property `order_id` is sent as integer, string; typed as `string`",
        "`order_completed`: differs from `Order Completed` only in case or separators; not imported",
    ]


def test_inventory_must_be_a_list():
    with pytest.raises(UserError, match="expected a JSON array"):
        import_calls_inventory('{"calls": []}', "calls.json")


# --- YAML and format detection --------------------------------------------------------------


def test_yaml_follows_the_rule_file_format_and_omits_defaults():
    text = events_to_yaml(plan_of(PLAN).events.values())
    doc = yaml.safe_load(text)
    assert list(doc) == ["events"]
    first, second = doc["events"]
    assert list(first) == ["name", "description", "owner", "epic", "must_track", "area", "properties", "meta"]
    assert first["properties"]["order_id"] == {"type": "string", "required": True}
    assert second == {
        "name": "Signed Up",
        "description": "Old name of Account Created.",
        "status": "deprecated",
        "replaced_by": "Account Created",
        "sunset": "2025-12-31",
    }
    assert content(events_from_yaml(text)) == content(plan_of(PLAN))


def test_yaml_output_loads_with_the_real_loader():
    loader = pytest.importorskip("productops_lint.registry.loader")
    text = import_calls_inventory(json.dumps(INVENTORY), "calls.json").yaml
    plan = loader.load_plan([("rules/imported.yaml", text)])
    assert set(plan.events) == {"Order Completed"}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("plan.csv", "event\nA\n", "csv"),
        ("plan.json", '{"events": []}', "json-schema"),
        ("x.json", '[{"name": "A", "schema": {}}]', "json-schema"),
        ("calls.json", json.dumps(INVENTORY), "calls"),
        ("notes.txt", "hello", None),
    ],
)
def test_format_detection(name, text, expected):
    assert detect_format(name, text) == expected
