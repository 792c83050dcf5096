"""PO201-PO206 on hand-built calls against the example plan."""

from __future__ import annotations

from typing import Any

import pytest
from check_helpers import PATH, make_call, messages, plan_from_yaml, prop, run

from productops_lint.checks.properties import MissingRequiredProperty, UndeclaredProperty
from productops_lint.checks.property_names import NonConventionalPropertyName, UndeclaredPiiProperty
from productops_lint.checks.property_values import InvalidPropertyValue, PropertyTypeMismatch
from productops_lint.types import UNKNOWN, Edit, Span

ORDER = {"order_id": "o-1", "revenue": 42.0}


def test_every_missing_required_property_is_reported() -> None:
    assert messages(MissingRequiredProperty, make_call("Order Completed", props={"currency": "EUR"})) == [
        "Required property `order_id` is missing for event `Order Completed`",
        "Required property `revenue` is missing for event `Order Completed`",
    ]


def test_no_properties_at_all_misses_the_required_ones() -> None:
    assert messages(MissingRequiredProperty, make_call("Account Created", props=())) == [
        "Required property `plan` is missing for event `Account Created`"
    ]


def test_required_properties_passed_satisfy_the_check() -> None:
    assert run(MissingRequiredProperty, make_call("Order Completed", props=ORDER)) == []


@pytest.mark.parametrize(
    "call",
    [
        make_call("Order Completed", props=None),
        make_call("Order Completed", props={"order_id": "o-1"}, partial=True),
        make_call("Wishlist Shared", props={}),
        make_call("Order Completed", "dynamic", props={}),
    ],
    ids=["unknown-properties", "spread", "unknown-event", "dynamic-name"],
)
def test_required_check_skips_calls_it_cannot_judge(call: Any) -> None:
    assert run(MissingRequiredProperty, call) == []


def test_undeclared_key_is_reported_on_the_key_with_an_unsafe_rename() -> None:
    key = prop("cart_valeu", 19.9, source="'cart_valeu'")
    [diag] = run(UndeclaredProperty, make_call("Checkout Started", props=[key]))
    assert diag.message == "Property `cart_valeu` is not declared for event `Checkout Started`"
    assert diag.span == key.key_span and diag.path == PATH
    assert diag.fix is not None and diag.fix.applicability == "unsafe"
    assert diag.fix_title == "Rename to `cart_value`"
    assert diag.fix.edits == (Edit(PATH, key.key_span, "'cart_value'"),)


def test_key_differing_in_case_and_separators_is_renamed() -> None:
    [diag] = run(UndeclaredProperty, make_call("Checkout Started", props={"cartValue": 19.9}))
    assert diag.fix is not None and diag.fix.edits[0].replacement == '"cart_value"'


def test_no_rename_to_a_key_already_passed() -> None:
    call = make_call("Checkout Started", props={"cart_value": 19.9, "cart_valeu": 19.9})
    [diag] = run(UndeclaredProperty, call)
    assert diag.message == "Property `cart_valeu` is not declared for event `Checkout Started`"
    assert diag.fix is None


def test_no_rename_when_several_declared_keys_are_as_close() -> None:
    plan = plan_from_yaml("events:\n  - name: Item Added\n    properties: {item_id: string, item_ids: array}\n")
    [diag] = run(UndeclaredProperty, make_call("Item Added", props={"item_idz": 1}), plan)
    assert diag.fix is None


def test_keyword_key_is_renamed_as_an_identifier() -> None:
    call = make_call("Report Exported", props=[prop("formt", "csv", source="formt")])
    [diag] = run(UndeclaredProperty, call)
    assert diag.fix is not None and diag.fix.edits[0].replacement == "format"


def test_key_written_in_another_module_is_reported_there() -> None:
    key = prop("cart_valeu", 1, path="app/defaults.py")
    [diag] = run(UndeclaredProperty, make_call("Checkout Started", props=[key]))
    assert diag.path == "app/defaults.py"
    assert diag.fix is not None and diag.fix.edits[0].path == "app/defaults.py"


def test_undeclared_check_needs_a_planned_event() -> None:
    assert run(UndeclaredProperty, make_call("Wishlist Shared", props={"anything": 1})) == []
    assert run(UndeclaredProperty, make_call("Order Completed", props=None)) == []


@pytest.mark.parametrize(
    ("declared", "value", "fits"),
    [
        ("string", "o-1", True),
        ("string", 1, False),
        ("integer", 3, True),
        ("integer", 3.0, False),
        ("integer", True, False),
        ("number", 3, True),
        ("number", 3.5, True),
        ("number", False, False),
        ("number", "42.00", False),
        ("boolean", False, True),
        ("boolean", 1, False),
        ("datetime", "2024-05-01", True),
        ("datetime", "2024-05-01T10:00:00Z", True),
        ("datetime", "2024-05-01 10:00:00.123+02:00", True),
        ("datetime", "2024-02-30", False),
        ("datetime", "2024-05-01T25:00", False),
        ("datetime", "tomorrow", False),
        ("datetime", 1714557600, False),
        ("array", [1, 2], True),
        ("array", {"a": 1}, False),
        ("object", {"a": 1}, True),
        ("object", [], False),
        ("enum", 7, True),
        ("made_up_type", 7, True),
    ],
)
def test_value_against_declared_type(declared: str, value: Any, fits: bool) -> None:
    plan = plan_from_yaml(f"events:\n  - name: Thing Done\n    properties: {{p: {declared}}}\n")
    found = run(PropertyTypeMismatch, make_call("Thing Done", props={"p": value}), plan)
    assert (found == []) == fits


def test_type_mismatch_message_and_span() -> None:
    key = prop("revenue", "42.00")
    [diag] = run(PropertyTypeMismatch, make_call("Order Completed", props=[prop("order_id", "o-1"), key]))
    assert diag.message == "Property `revenue` of event `Order Completed` expects `number`, got string `'42.00'`"
    assert diag.span == key.value_span


def test_long_values_are_shortened_in_messages() -> None:
    [message] = messages(PropertyTypeMismatch, make_call("Order Completed", props={"revenue": "x" * 100}))
    assert message.endswith("got string `'" + "x" * 38 + "…`")


@pytest.mark.parametrize("value", [UNKNOWN, None])
def test_unknown_and_none_values_are_not_typed(value: Any) -> None:
    assert run(PropertyTypeMismatch, make_call("Order Completed", props={"revenue": value})) == []


def test_value_outside_enum() -> None:
    key = prop("plan", "gold")
    [diag] = run(InvalidPropertyValue, make_call("Account Created", props=[key]))
    assert diag.message == (
        "Property `plan` of event `Account Created` has value `'gold'`, expected one of `free`, `pro`, `team`"
    )
    assert diag.span == key.value_span


@pytest.mark.parametrize(("value", "ok"), [(1, True), (1.0, True), (True, False), ("1", False), (2, False)])
def test_enum_compares_like_json(value: Any, ok: bool) -> None:
    plan = plan_from_yaml("events:\n  - name: Step Done\n    properties: {step: {type: enum, values: [1, 3]}}\n")
    assert (run(InvalidPropertyValue, make_call("Step Done", props={"step": value}), plan) == []) == ok


def test_boolean_enum_member_is_shown_as_yaml() -> None:
    plan = plan_from_yaml("events:\n  - name: Step Done\n    properties: {flag: {type: enum, values: [true]}}\n")
    [message] = messages(InvalidPropertyValue, make_call("Step Done", props={"flag": False}), plan)
    assert message.endswith("expected one of `true`")


@pytest.mark.parametrize(("value", "ok"), [("EUR", True), ("usd", False), ("EURO", True), (42, True)])
def test_pattern_is_searched_in_strings(value: Any, ok: bool) -> None:
    # JSON Schema semantics: unanchored search; `EURO` passes `[A-Z]{3}` but not the anchored plan pattern.
    plan = plan_from_yaml("events:\n  - name: Paid\n    properties: {currency: {pattern: '[A-Z]{3}'}}\n")
    assert (run(InvalidPropertyValue, make_call("Paid", props={"currency": value}), plan) == []) == ok


def test_anchored_pattern_message() -> None:
    assert messages(InvalidPropertyValue, make_call("Order Completed", props={"currency": "EURO"})) == [
        "Property `currency` of event `Order Completed` has value `'EURO'`, which does not match `^[A-Z]{3}$`"
    ]


def test_broken_pattern_does_not_crash_the_check() -> None:
    plan = plan_from_yaml("events:\n  - name: Paid\n    properties: {currency: {pattern: '[A-Z'}}\n")
    assert run(InvalidPropertyValue, make_call("Paid", props={"currency": "eur"}), plan) == []


def test_arrays_and_unknown_values_are_not_compared_with_values() -> None:
    call = make_call("Account Created", props={"plan": ["gold"]})
    assert run(InvalidPropertyValue, call) == []
    assert run(InvalidPropertyValue, make_call("Account Created", props={"plan": UNKNOWN})) == []


def test_pii_declared_as_such_passes() -> None:
    assert run(UndeclaredPiiProperty, make_call("Account Created", props={"plan": "pro", "email": "a@b.c"})) == []


def test_pii_looking_property_is_reported_whether_declared_or_not() -> None:
    plan = plan_from_yaml("events:\n  - name: Paid\n    properties: {phone: string}\n")
    call = make_call("Paid", props={"phone": "1", "user_email": "a@b.c", "amount": 3})
    assert messages(UndeclaredPiiProperty, call, plan) == [
        "Property `phone` looks like personal data (matches `phone`) but is not declared `pii: true`",
        "Property `user_email` looks like personal data (matches `e[-_]?mail`) but is not declared `pii: true`",
    ]


def test_pii_is_reported_for_events_outside_the_plan() -> None:
    [diag] = run(UndeclaredPiiProperty, make_call("Wishlist Shared", props=[prop("firstName", "Ada")]))
    assert diag.span == Span(3, 46, 3, 57)


def test_pii_patterns_come_from_the_plan() -> None:
    plan = plan_from_yaml("conventions:\n  pii_patterns: ['^nickname$']\nevents: []\n")
    call = make_call("Wishlist Shared", props={"nickname": "x", "email": "a@b.c"})
    assert messages(UndeclaredPiiProperty, call, plan) == [
        "Property `nickname` looks like personal data (matches `^nickname$`) but is not declared `pii: true`"
    ]


def test_unconventional_property_names_are_reported_unless_declared() -> None:
    plan = plan_from_yaml(
        "conventions:\n  property_name: {style: snake_case}\n"
        "events:\n  - name: Paid\n    properties: {legacyId: string}\n"
    )
    call = make_call("Paid", props={"legacyId": "x", "cartValue": 1, "$set": {}, "ok_name": 2})
    assert messages(NonConventionalPropertyName, call, plan) == [
        "Property name `cartValue` does not follow the naming conventions: is not snake_case",
        "Property name `$set` does not follow the naming conventions: is not snake_case; uses reserved prefix `$`",
    ]


def test_property_names_of_events_outside_the_plan_are_checked() -> None:
    assert len(run(NonConventionalPropertyName, make_call("Wishlist Shared", props={"wishlistSize": 3}))) == 1
    assert run(NonConventionalPropertyName, make_call("Wishlist Shared", props=None)) == []
