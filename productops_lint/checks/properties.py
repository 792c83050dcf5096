"""Property-key checks against the plan (PO201, PO202): required keys present, every key declared."""

from __future__ import annotations

from typing import Iterator

from ..registry.model import EventSpec, normalize_name
from ..types import Diagnostic, TrackingCall
from .base import Check, CheckContext, Invalid, Valid
from .fixes import rename_key_fix, unique_suggestion

_HEAD = "import analytics\n\n"


def planned_event(call: TrackingCall, ctx: CheckContext) -> EventSpec | None:
    """The plan's event for a call whose name is known exactly, else None."""
    if call.event is None or call.event_kind not in ("literal", "constant"):
        return None
    return ctx.plan.get(call.event)


class MissingRequiredProperty(Check):
    """
    ## What it does
    Checks that a tracking call passes every property its event declares as `required`.

    ## Why is this bad?
    Reports and funnels filter and group by required properties; an event without them is counted
    nowhere, or in an "(empty)" bucket that nobody reads.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Order Completed", {"order_id": "o-1"})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})
    ```

    ## Known problems
    Calls whose properties are not known statically (a variable, a function's result) or only
    partly known (a `**spread`) are skipped, since the missing key may be in the part not seen.
    """

    code = "PO201"
    name = "missing-required-property"
    valid = (
        Valid(_HEAD + 'analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})\n'),
        Valid(
            _HEAD + "def complete(user_id: str, extra: dict) -> None:\n"
            '    analytics.track(user_id, "Order Completed", {"order_id": "o-1", **extra})\n'
        ),
    )
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Order Completed", {"order_id": "o-1"})\n',
            ("Required property `revenue` is missing for event `Order Completed`",),
        ),
        Invalid(
            _HEAD + 'analytics.track("user-1", "Account Created")\n',
            ("Required property `plan` is missing for event `Account Created`",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or call.properties is None or call.partial:
            return
        passed = {p.key for p in call.properties}
        for name in spec.required_properties:
            if name not in passed:
                yield self.diagnostic(call, f"Required property `{name}` is missing for event `{spec.name}`")


class UndeclaredProperty(Check):
    """
    ## What it does
    Checks that every property key passed at a tracking call is declared for its event.

    ## Why is this bad?
    An undeclared key is usually a typo (`cart_valeu`) that leaves the real property empty, or a new
    property that nobody documented, so analysts do not know it exists or what it means.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Checkout Started", {"cart_valeu": 19.9})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})
    ```

    ## Fix safety
    The fix renames the key to the one declared key it most likely meant, when that key is not
    passed already. It is unsafe: the key may be a genuinely new property that should be declared.

    ## Known problems
    Keys that come from a `**spread` of a dictionary built elsewhere are only checked when their
    value is known statically.
    """

    code = "PO202"
    name = "undeclared-property"
    fix_safety = "unsafe"
    valid = (Valid(_HEAD + 'analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})\n'),)
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Checkout Started", {"cart_valeu": 19.9})\n',
            ("Property `cart_valeu` is not declared for event `Checkout Started`",),
            _HEAD + 'analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})\n',
        ),
        Invalid(
            _HEAD + 'analytics.track("user-1", "Report Exported", dict(formt="csv"))\n',
            ("Property `formt` is not declared for event `Report Exported`",),
            _HEAD + 'analytics.track("user-1", "Report Exported", dict(format="csv"))\n',
        ),
        Invalid(
            _HEAD + "analytics.track(\n"
            '    "user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0, "discount": 5}\n'
            ")\n",
            ("Property `discount` is not declared for event `Order Completed`",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or not call.properties:
            return
        passed = {p.key for p in call.properties}
        free = [name for name in spec.properties if name not in passed]
        for prop in call.properties:
            if prop.key in spec.properties:
                continue
            target = _closest_key(prop.key, free)
            fix = rename_key_fix(call, prop, target, "unsafe") if target else None
            message = f"Property `{prop.key}` is not declared for event `{spec.name}`"
            yield self.diagnostic(call, message, span=prop.key_span, fix=fix, path=prop.path or call.path)


def _closest_key(key: str, candidates: list[str]) -> str | None:
    """The one declared key that ``key`` most likely meant, or None when none or several fit."""
    same = [c for c in candidates if normalize_name(c) == normalize_name(key)]
    if same:
        return same[0] if len(same) == 1 else None
    target, unique = unique_suggestion(key, candidates)
    return target if unique else None


__all__ = ["MissingRequiredProperty", "UndeclaredProperty", "planned_event"]
