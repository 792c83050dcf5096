"""Property-value checks against the plan (PO203, PO204): declared types, allowed values, patterns."""

from __future__ import annotations

import re
from typing import Iterator

from ..registry.model import PropertySpec
from ..types import UNKNOWN, Diagnostic, PropertyArg, Span, TrackingCall, UserError
from ..userregex import user_pattern
from .base import Check, CheckContext, Invalid, Valid
from .properties import planned_event
from .values import fits_type, is_scalar, kind_of, same_value, show, show_choice

_HEAD = "import analytics\n\n"


class PropertyTypeMismatch(Check):
    """
    ## What it does
    Checks that literal property values have the type their property declares: `string`,
    `integer`, `number` (an integer or a float), `boolean`, `datetime` (an ISO-8601 string such as
    `2024-05-01T10:00:00Z`), `array` or `object`.

    ## Why is this bad?
    Analytics tools fix a property's type from the first values they see. A number sent as a string
    (`"42.00"`) cannot be summed or averaged, and a mix of types splits or drops data.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": "42.00"})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})
    ```

    ## Known problems
    Only values written as literals (or constants bound to literals) are checked. `None` is not
    reported: it means "no value", which every type allows. `True` is a boolean, never an integer.
    """

    code = "PO203"
    name = "property-type-mismatch"
    valid = (
        Valid(
            _HEAD + "analytics.track(\n"
            '    "user-1",\n'
            '    "Order Completed",\n'
            '    {"order_id": "o-1", "revenue": 42, "delivered_at": "2024-05-01T10:00:00Z", "is_gift": False},\n'
            ")\n"
        ),
    )
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": "42.00"})\n',
            ("Property `revenue` of event `Order Completed` expects `number`, got string `'42.00'`",),
        ),
        Invalid(
            _HEAD + "analytics.track(\n"
            '    "user-1",\n'
            '    "Order Completed",\n'
            '    {"order_id": "o-1", "revenue": 42.0, "is_gift": 1, "delivered_at": "tomorrow"},\n'
            ")\n",
            (
                "Property `is_gift` of event `Order Completed` expects `boolean`, got integer `1`",
                "Property `delivered_at` of event `Order Completed` expects `datetime`, got string `'tomorrow'`",
            ),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or not call.properties:
            return
        for prop in call.properties:
            declared = spec.properties.get(prop.key)
            if declared is None or prop.value is UNKNOWN or prop.value is None:
                continue
            if not fits_type(prop.value, declared.type):
                message = (
                    f"Property `{prop.key}` of event `{spec.name}` expects `{declared.type}`, "
                    f"got {kind_of(prop.value)} `{show(prop.value)}`"
                )
                yield self.diagnostic(call, message, span=_value_span(prop), path=prop.path or call.path)


def _value_span(prop: PropertyArg) -> Span:
    # Point at the offending value when its position is known, else at its key.
    return prop.value_span or prop.key_span


class InvalidPropertyValue(Check):
    """
    ## What it does
    Checks that literal property values are among the property's declared `values`, and match its
    `pattern` (a regular expression searched in the string, as in JSON Schema).

    ## Why is this bad?
    Dashboards group by the values the plan lists. A value outside them (`gold` among `free`, `pro`,
    `team`; `usd` where currency codes are upper case) lands in a group nobody looks at.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Account Created", {"plan": "gold"})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Account Created", {"plan": "pro"})
    ```

    ## Known problems
    Only scalar values written as literals are checked; arrays and objects are not compared with
    `values`. A `pattern` that is not a valid regular expression is reported by
    `productops-lint registry check`, not here.
    """

    code = "PO204"
    name = "invalid-property-value"
    valid = (
        Valid(_HEAD + 'analytics.track("user-1", "Account Created", {"plan": "pro"})\n'),
        Valid(
            _HEAD + "analytics.track(\n"
            '    "user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0, "currency": "EUR"}\n'
            ")\n"
        ),
    )
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Account Created", {"plan": "gold"})\n',
            ("Property `plan` of event `Account Created` has value `'gold'`, expected one of `free`, `pro`, `team`",),
        ),
        Invalid(
            _HEAD + "analytics.track(\n"
            '    "user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0, "currency": "usd"}\n'
            ")\n",
            ("Property `currency` of event `Order Completed` has value `'usd'`, which does not match `^[A-Z]{3}$`",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or not call.properties:
            return
        for prop in call.properties:
            declared = spec.properties.get(prop.key)
            if declared is None or not is_scalar(prop.value):
                continue
            where = f"Property `{prop.key}` of event `{spec.name}` has value `{show(prop.value)}`"
            span, path = _value_span(prop), prop.path or call.path
            if declared.values and not any(same_value(prop.value, v) for v in declared.values):
                allowed = ", ".join(f"`{show_choice(v)}`" for v in declared.values)
                yield self.diagnostic(call, f"{where}, expected one of {allowed}", span=span, path=path)
            elif declared.pattern and isinstance(prop.value, str) and not _search(declared, prop.value):
                yield self.diagnostic(call, f"{where}, which does not match `{declared.pattern}`", span=span, path=path)


def _search(declared: PropertySpec, value: str) -> bool:
    """Whether ``value`` matches the declared pattern; one too slow is a UserError at the property's line."""
    assert declared.pattern is not None
    try:
        re.compile(declared.pattern)
        compiled = user_pattern(declared.pattern, 0, declared.location)
    except (re.error, UserError):
        # A broken pattern is the plan's problem, reported where the plan is checked.
        return True
    return compiled.search(value) is not None


__all__ = ["InvalidPropertyValue", "PropertyTypeMismatch"]
