"""PO101-PO104 on hand-built calls against the example plan."""

from __future__ import annotations

from dataclasses import replace

import pytest
from check_helpers import EVENT_SPAN, PATH, example_plan, make_call, messages, plan_from_yaml, run

from productops_lint.checks.names import (
    DynamicEventName,
    NonConventionalEventName,
    UnknownEvent,
    UnresolvedEventName,
)
from productops_lint.registry.conventions import event_name_problems
from productops_lint.types import Severity


def test_planned_event_is_known() -> None:
    assert run(UnknownEvent, make_call("Order Completed")) == []


@pytest.mark.parametrize("status_event", ["Signed Up", "Coupon Applied"])
def test_deprecated_and_removed_events_are_known_here(status_event: str) -> None:
    # Their lifecycle is PO3xx's business; reporting them as unknown would be wrong and twice.
    assert run(UnknownEvent, make_call(status_event)) == []


@pytest.mark.parametrize("written", ["order completed", "order_completed", "ORDER-COMPLETED", "orderCompleted"])
def test_case_or_separator_variant_gets_a_safe_fix(written: str) -> None:
    [diag] = run(UnknownEvent, make_call(written))
    assert diag.message == f"Event `{written}` is not in the tracking plan; did you mean `Order Completed`?"
    assert diag.fix is not None and diag.fix.applicability == "safe"
    assert diag.fix_title == "Rename to `Order Completed`"
    assert diag.fix.edits[0].replacement == '"Order Completed"'
    assert (diag.code, diag.path, diag.span, diag.severity) == ("PO101", PATH, EVENT_SPAN, Severity.ERROR)


def test_near_spelling_gets_an_unsafe_fix() -> None:
    [diag] = run(UnknownEvent, make_call("Checkout Stared"))
    assert diag.message == "Event `Checkout Stared` is not in the tracking plan; did you mean `Checkout Started`?"
    assert diag.fix is not None and diag.fix.applicability == "unsafe"


def test_unrelated_name_gets_no_suggestion() -> None:
    [diag] = run(UnknownEvent, make_call("Wishlist Shared"))
    assert diag.message == "Event `Wishlist Shared` is not in the tracking plan"
    assert diag.fix is None and diag.note is None


def test_removed_event_is_never_suggested() -> None:
    [diag] = run(UnknownEvent, make_call("Banner Clicke"))
    assert diag.message == "Event `Banner Clicke` is not in the tracking plan"


def test_ambiguous_near_spelling_is_suggested_without_a_fix() -> None:
    plan = plan_from_yaml("events:\n  - name: Order Completed\n  - name: Order Competed\n")
    [diag] = run(UnknownEvent, make_call("Order Complete"), plan)
    assert "did you mean `Order Completed`?" in diag.message
    assert diag.fix is None


def test_two_plan_events_folding_to_the_same_name_give_no_suggestion() -> None:
    plan = plan_from_yaml("events:\n  - name: Order Completed\n  - name: order_completed\n")
    [diag] = run(UnknownEvent, make_call("order-completed"), plan)
    assert diag.message == "Event `order-completed` is not in the tracking plan"


def test_shared_constant_keeps_the_suggestion_and_explains_the_missing_fix() -> None:
    call = make_call("Order complete", "constant", constant="app.events.ORDER", other_uses=2)
    [diag] = run(UnknownEvent, call)
    assert diag.fix is None and diag.fix_title is None
    assert diag.note == "The constant `app.events.ORDER` is also used elsewhere (2 places), so it is not renamed"
    assert diag.path == PATH  # reported at the call, even though the fix would land in the constant's module


def test_wrapper_prefix_is_kept_out_of_the_rewritten_literal() -> None:
    call = make_call("Order completed", affix=("Order ", ""), via=("app.track_order",))
    [diag] = run(UnknownEvent, call)
    assert diag.fix is not None and diag.fix.edits[0].replacement == '"Completed"'


@pytest.mark.parametrize("kind", ["dynamic", "unresolved"])
def test_names_not_known_exactly_are_left_to_other_checks(kind: str) -> None:
    assert run(UnknownEvent, make_call("Order Complete", kind)) == []
    assert run(NonConventionalEventName, make_call("order_complete", kind)) == []


def test_constant_kind_is_checked_like_a_literal() -> None:
    assert messages(UnknownEvent, make_call("Wishlist Shared", "constant", constant="app.events.W")) == [
        "Event `Wishlist Shared` is not in the tracking plan"
    ]


def test_unconventional_unknown_name_lists_every_reason() -> None:
    plan = example_plan()
    plan = replace(plan, conventions=replace(plan.conventions, event=replace(plan.conventions.event, max_length=10)))
    reasons = event_name_problems("wishlist_share", plan.conventions.event)
    assert len(reasons) >= 2  # style, tense and length at least
    assert messages(NonConventionalEventName, make_call("wishlist_share"), plan) == [
        f"Event name `wishlist_share` does not follow the naming conventions: {'; '.join(reasons)}"
    ]


def test_conventional_unknown_name_passes() -> None:
    assert run(NonConventionalEventName, make_call("Wishlist Shared")) == []


def test_plan_events_are_not_held_to_the_conventions_here() -> None:
    plan = plan_from_yaml(
        "conventions:\n  event_name: {style: snake_case}\nevents:\n  - name: Order Completed\n"
    )
    assert run(NonConventionalEventName, make_call("Order Completed"), plan) == []
    assert len(run(NonConventionalEventName, make_call("Order Refunded"), plan)) == 1


def test_reserved_prefix_is_reported_with_the_full_wrapped_name() -> None:
    call = make_call("$Order Refunded", affix=("$", ""))
    [message] = messages(NonConventionalEventName, call)
    assert "reserved prefix `$`" in message


def test_dynamic_name_shows_static_parts_and_plan_events_they_could_spell() -> None:
    call = make_call(None, "dynamic", parts=(" Exported",), expr='f"{kind} Exported"')
    [diag] = run(DynamicEventName, call)
    assert diag.message == "Event name is built at run time (static parts: ` Exported`); it may be `Report Exported`"
    assert diag.severity == Severity.WARNING


def test_dynamic_name_parts_must_appear_in_order() -> None:
    call = make_call(None, "dynamic", parts=("Completed", "Order"))
    assert messages(DynamicEventName, call) == ["Event name is built at run time (static parts: `Completed`, `Order`)"]


def test_dynamic_name_hint_respects_the_wrapper_affix() -> None:
    call = make_call(None, "dynamic", parts=("Start",), affix=("Checkout ", ""))
    assert messages(DynamicEventName, call) == [
        "Event name is built at run time (static parts: `Start`); it may be `Checkout Started`"
    ]
    call = make_call(None, "dynamic", parts=("Start",), affix=("Order ", ""))
    assert messages(DynamicEventName, call) == ["Event name is built at run time (static parts: `Start`)"]


def test_dynamic_name_matching_too_many_events_gives_no_hint() -> None:
    call = make_call(None, "dynamic", parts=("e",))
    assert messages(DynamicEventName, call) == ["Event name is built at run time (static parts: `e`)"]


def test_dynamic_name_without_static_parts_shows_the_expression() -> None:
    call = make_call(None, "dynamic", parts=(), expr='"{}".format(name)')
    assert messages(DynamicEventName, call) == [
        'Event name `"{}".format(name)` is built at run time with no static part'
    ]


def test_static_names_are_not_dynamic() -> None:
    assert run(DynamicEventName, make_call("Wishlist Shared")) == []
    assert run(DynamicEventName, make_call(None, "unresolved")) == []


def test_unresolved_name_shows_the_expression() -> None:
    [diag] = run(UnresolvedEventName, make_call(None, "unresolved", expr='step["event"]'))
    assert diag.message == 'Event name `step["event"]` cannot be resolved statically'
    assert diag.severity == Severity.WARNING
    assert run(UnresolvedEventName, make_call("Order Completed")) == []
