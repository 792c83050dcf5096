"""Lifecycle checks (PO3xx): events the plan has deprecated or removed."""

from __future__ import annotations

from typing import Iterator

from ..registry.model import EventSpec, Plan
from ..types import Diagnostic, Fix, Severity, TrackingCall
from .base import Check, CheckContext, Invalid, Valid
from .fixes import rename_event_fix
from .properties import planned_event

_HEAD = "import analytics\n\n"


def _replacement_fix(call: TrackingCall, spec: EventSpec, plan: Plan) -> tuple[Fix | None, str | None]:
    """Rename to the event's replacement, when the plan has that replacement as a live event."""
    target = plan.get(spec.replaced_by) if spec.replaced_by else None
    # Renaming to an event that is missing or removed itself would trade one finding for another.
    if target is None or target.status == "removed":
        return None, None
    return rename_event_fix(call, target.name, "safe")


class DeprecatedEvent(Check):
    """
    ## What it does
    Checks for tracking calls that send an event the plan marks `status: deprecated`.

    ## Why is this bad?
    A deprecated event still arrives, but ProductOps has planned its end: dashboards are moving to
    its replacement, and after its `sunset` date it may be dropped by the pipeline.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Signed Up")
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Account Created", {"plan": "free"})
    ```

    ## Fix safety
    The fix renames the event to its `replaced_by` event, where the name is spelled (possibly a
    constant in another module). It is safe: ProductOps declared the replacement. It is withheld
    when the constant is also read elsewhere for other purposes, and when the replacement is not a
    live event of the plan. The replacement may declare other properties; `PO201` and `PO202` report
    them after the rename.

    ## Known problems
    Names built at run time are not checked.
    """

    code = "PO301"
    name = "deprecated-event"
    default_severity = Severity.WARNING
    fix_safety = "safe"
    valid = (Valid(_HEAD + 'analytics.track("user-1", "Account Created", {"plan": "free"})\n'),)
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Signed Up")\n',
            ("Event `Signed Up` is deprecated and replaced by `Account Created` (sunset `2025-12-31`)",),
            _HEAD + 'analytics.track("user-1", "Account Created")\n',
        ),
        Invalid(
            _HEAD + 'SIGNED_UP = "Signed Up"\n\nanalytics.track("user-1", SIGNED_UP)\nprint(SIGNED_UP)\n',
            ("Event `Signed Up` is deprecated and replaced by `Account Created` (sunset `2025-12-31`)",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or spec.status != "deprecated":
            return
        message = f"Event `{spec.name}` is deprecated"
        if spec.replaced_by:
            message += f" and replaced by `{spec.replaced_by}`"
        if spec.sunset:
            message += f" (sunset `{spec.sunset}`)"
        fix, note = _replacement_fix(call, spec, ctx.plan)
        yield self.diagnostic(call, message, fix=fix, note=note)


class RemovedEvent(Check):
    """
    ## What it does
    Checks for tracking calls that send an event the plan marks `status: removed`.

    ## Why is this bad?
    A removed event is no longer analysed and may be dropped by the pipeline: the call costs
    network and quota for data nobody reads, and whatever it measured is now measured elsewhere,
    or not at all.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Coupon Applied")
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})
    ```

    ## Fix safety
    When the plan names a `replaced_by` event, the fix renames the event to it, where the name is
    spelled. It is safe, with the same limits as `PO301`. Without a replacement there is no fix:
    delete the call, or ask ProductOps to restore the event.

    ## Known problems
    Names built at run time are not checked.
    """

    code = "PO302"
    name = "removed-event"
    fix_safety = "safe"
    valid = (Valid(_HEAD + 'analytics.track("user-1", "Checkout Started", {"cart_value": 19.9})\n'),)
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Coupon Applied")\n',
            ("Event `Coupon Applied` was removed from the tracking plan and replaced by `Checkout Started`",),
            _HEAD + 'analytics.track("user-1", "Checkout Started")\n',
        ),
        Invalid(
            _HEAD + 'analytics.track("user-1", "Banner Clicked")\n',
            ("Event `Banner Clicked` was removed from the tracking plan",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        spec = planned_event(call, ctx)
        if spec is None or spec.status != "removed":
            return
        message = f"Event `{spec.name}` was removed from the tracking plan"
        if spec.replaced_by:
            message += f" and replaced by `{spec.replaced_by}`"
        fix, note = _replacement_fix(call, spec, ctx.plan)
        yield self.diagnostic(call, message, fix=fix, note=note)


__all__ = ["DeprecatedEvent", "RemovedEvent"]
