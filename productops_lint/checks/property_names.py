"""Property-name checks (PO205, PO206): personal-data-looking names and naming conventions."""

from __future__ import annotations

from typing import Iterator

from ..registry.conventions import looks_like_pii, property_name_problems
from ..types import Diagnostic, TrackingCall
from .base import Check, CheckContext, Invalid, Valid
from .properties import planned_event

_HEAD = "import analytics\n\n"


class UndeclaredPiiProperty(Check):
    """
    ## What it does
    Checks for properties whose name looks like personal data (an e-mail address, a phone number,
    a name, a postal address...) and that the plan does not declare with `pii: true`, including
    properties the plan does not declare at all.

    ## Why is this bad?
    Personal data sent to an analytics tool is subject to data-protection law: it must be known,
    justified, and often masked or kept out of some destinations. A `pii: true` declaration is how
    ProductOps and the privacy team know that the data flows there.

    ## Example
    ```python
    import analytics

    analytics.track(
        "user-1", "Checkout Started", {"cart_value": 19.9, "phone_number": "+33 6 12 34 56 78"}
    )
    ```

    Use instead (send no personal data, or declare it with `pii: true` in the plan):
    ```python
    import analytics

    analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})
    ```

    ## Options
    Reads `conventions.pii_patterns` of the tracking plan: regular expressions searched in property
    names, case-insensitively.

    ## Known problems
    Only names are looked at, not values: an e-mail address sent under `note` goes unnoticed, and a
    harmless `email_opt_in` flag is reported until it is declared.
    """

    code = "PO205"
    name = "undeclared-pii-property"
    valid = (
        Valid(_HEAD + 'analytics.track("user-1", "Account Created", {"plan": "pro", "email": "ada@example.com"})\n'),
    )
    invalid = (
        Invalid(
            _HEAD + "analytics.track(\n"
            '    "user-1", "Checkout Started", {"cart_value": 19.9, "phone_number": "+33 6 12 34 56 78"}\n'
            ")\n",
            ("Property `phone_number` looks like personal data (matches `phone`) but is not declared `pii: true`",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        if not call.properties:
            return
        # Unknown or dynamic events still send the data, so their properties count as undeclared.
        spec = planned_event(call, ctx)
        for prop in call.properties:
            declared = spec.properties.get(prop.key) if spec else None
            if declared is not None and declared.pii:
                continue
            reason = looks_like_pii(prop.key, ctx.plan.conventions)
            if reason:
                message = (
                    f"Property `{prop.key}` looks like personal data (matches `{reason}`) "
                    "but is not declared `pii: true`"
                )
                yield self.diagnostic(call, message, span=prop.key_span, path=prop.path or call.path)


class NonConventionalPropertyName(Check):
    """
    ## What it does
    Checks that property names which the plan does not declare for the event follow the plan's
    property naming conventions (style, reserved prefixes, length).

    ## Why is this bad?
    Analysts query properties by name across events. `cartValue` next to `order_id` means every
    query has to guess the spelling, and the same concept ends up under two names.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Wishlist Shared", {"wishlistSize": 3})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Wishlist Shared", {"wishlist_size": 3})
    ```

    ## Options
    Reads `conventions.property_name` of the tracking plan (`style`, `reserved_prefixes`,
    `max_length`).

    ## Known problems
    Properties the plan declares are not reported here: `productops-lint registry check` validates
    them once, where they are defined.
    """

    code = "PO206"
    name = "non-conventional-property-name"
    valid = (
        Valid(_HEAD + 'analytics.track("user-1", "Wishlist Shared", {"wishlist_size": 3})\n'),
        Valid(_HEAD + 'analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})\n'),
    )
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Wishlist Shared", {"wishlistSize": 3})\n',
            ("Property name `wishlistSize` does not follow the naming conventions: is not snake_case",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        if not call.properties:
            return
        spec = planned_event(call, ctx)
        rules = ctx.plan.conventions.property
        for prop in call.properties:
            if spec is not None and prop.key in spec.properties:
                continue
            problems = property_name_problems(prop.key, rules)
            if problems:
                message = f"Property name `{prop.key}` does not follow the naming conventions: {'; '.join(problems)}"
                yield self.diagnostic(call, message, span=prop.key_span, path=prop.path or call.path)


__all__ = ["NonConventionalPropertyName", "UndeclaredPiiProperty"]
