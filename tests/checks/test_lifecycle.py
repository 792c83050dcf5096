"""PO301-PO302 on hand-built calls against the example plan."""

from __future__ import annotations

from check_helpers import CONSTANTS_PATH, make_call, messages, plan_from_yaml, run

from productops_lint.checks.lifecycle import DeprecatedEvent, RemovedEvent
from productops_lint.types import Severity


def test_deprecated_event_names_replacement_and_sunset_with_a_safe_fix() -> None:
    [diag] = run(DeprecatedEvent, make_call("Signed Up"))
    assert diag.message == "Event `Signed Up` is deprecated and replaced by `Account Created` (sunset `2025-12-31`)"
    assert diag.severity == Severity.WARNING
    assert diag.fix is not None and diag.fix.applicability == "safe"
    assert diag.fix_title == "Rename to `Account Created`"
    assert diag.fix.edits[0].replacement == '"Account Created"'


def test_deprecated_event_through_a_constant_is_fixed_in_the_constants_module() -> None:
    [diag] = run(DeprecatedEvent, make_call("Signed Up", "constant", constant="app.events.SIGNED_UP"))
    assert diag.fix is not None and diag.fix.edits[0].path == CONSTANTS_PATH


def test_deprecated_shared_constant_is_not_renamed() -> None:
    call = make_call("Signed Up", "constant", constant="app.events.SIGNED_UP", other_uses=1)
    [diag] = run(DeprecatedEvent, call)
    assert diag.fix is None
    assert diag.note == "The constant `app.events.SIGNED_UP` is also used elsewhere (1 place), so it is not renamed"


def test_deprecated_without_replacement_or_sunset() -> None:
    plan = plan_from_yaml("events:\n  - name: Page Viewed\n    status: deprecated\n")
    [diag] = run(DeprecatedEvent, make_call("Page Viewed"), plan)
    assert diag.message == "Event `Page Viewed` is deprecated"
    assert diag.fix is None


def test_no_fix_towards_a_replacement_missing_from_the_plan() -> None:
    plan = plan_from_yaml("events:\n  - name: Page Viewed\n    status: deprecated\n    replaced_by: Screen Viewed\n")
    [diag] = run(DeprecatedEvent, make_call("Page Viewed"), plan)
    assert diag.message == "Event `Page Viewed` is deprecated and replaced by `Screen Viewed`"
    assert diag.fix is None


def test_no_fix_towards_a_removed_replacement() -> None:
    plan = plan_from_yaml(
        "events:\n  - name: Page Viewed\n    status: deprecated\n    replaced_by: Screen Viewed\n"
        "  - name: Screen Viewed\n    status: removed\n"
    )
    assert run(DeprecatedEvent, make_call("Page Viewed"), plan)[0].fix is None


def test_active_planned_and_unknown_events_are_not_lifecycle_findings() -> None:
    plan = plan_from_yaml("events:\n  - name: Page Viewed\n    status: planned\n")
    assert run(DeprecatedEvent, make_call("Page Viewed"), plan) == []
    assert run(RemovedEvent, make_call("Page Viewed"), plan) == []
    assert run(DeprecatedEvent, make_call("Order Completed")) == []
    assert run(RemovedEvent, make_call("Wishlist Shared")) == []


def test_removed_event_with_replacement_gets_a_safe_fix() -> None:
    [diag] = run(RemovedEvent, make_call("Coupon Applied"))
    assert diag.message == (
        "Event `Coupon Applied` was removed from the tracking plan and replaced by `Checkout Started`"
    )
    assert diag.severity == Severity.ERROR
    assert diag.fix is not None and diag.fix.applicability == "safe"


def test_removed_event_without_replacement_has_no_fix() -> None:
    [diag] = run(RemovedEvent, make_call("Banner Clicked"))
    assert diag.message == "Event `Banner Clicked` was removed from the tracking plan"
    assert diag.fix is None


def test_lifecycle_fix_rewrites_only_the_part_the_wrapper_does_not_add() -> None:
    plan = plan_from_yaml(
        "events:\n  - name: web Signed Up\n    status: deprecated\n    replaced_by: web Account Created\n"
        "  - name: web Account Created\n"
    )
    [diag] = run(DeprecatedEvent, make_call("web Signed Up", affix=("web ", "")), plan)
    assert diag.fix is not None and diag.fix.edits[0].replacement == '"Account Created"'


def test_dynamic_names_are_not_checked_for_lifecycle() -> None:
    assert messages(RemovedEvent, make_call("Coupon Applied", "dynamic")) == []
