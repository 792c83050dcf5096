"""Fixit 2 peer rule: the closest Fixit gets to productops-lint's unknown-event check.

Flags ``analytics.track(user, "Name", ...)`` (Segment) and ``track_event(user, "Name", ...)``
(the app's wrapper) when the literal event name is not in the tracking plan. Calls are found by
qualified name (QualifiedNameProvider), so ``import segment.analytics as analytics`` and
``from app.tracking.client import track_event`` resolve as they do for productops-lint.

What Fixit cannot do in one rule, and so this rule does not: follow a name through a constant
or enum defined in another module, infer wrappers, or read the plan from YAML (the names are
inlined below, the same list as bench/gen_corpus.py's PLAN_EVENTS; a test keeps them in step).
"""

from __future__ import annotations

import libcst as cst
from fixit import Invalid, LintRule, Valid
from libcst.metadata import QualifiedNameProvider

PLAN_EVENTS = frozenset(
    {
        "Account Created",
        "Account Deleted",
        "Cart Viewed",
        "Checkout Started",
        "Coupon Applied",
        "Invite Sent",
        "Order Completed",
        "Order Refunded",
        "Payment Failed",
        "Plan Upgraded",
        "Product Added",
        "Product Removed",
        "Product Viewed",
        "Report Exported",
        "Search Performed",
        "Signup Started",
        "Subscription Cancelled",
        "Trial Started",
    }
)
SEGMENT_TRACK = frozenset({"analytics.track", "segment.analytics.track"})


def _is_tracking_call(names: set[str]) -> bool:
    return any(n in SEGMENT_TRACK or n == "track_event" or n.endswith(".track_event") for n in names)


class UnknownTrackingEvent(LintRule):
    """Event names passed to analytics.track / track_event must be in the tracking plan."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    VALID = [
        Valid('import segment.analytics as analytics\nanalytics.track("u1", "Order Completed", {})'),
        Valid('from app.tracking.client import track_event\ntrack_event("u1", "Signup Started")'),
        Valid('import mixpanel\nmixpanel.track("u1", "Anything")'),
    ]
    INVALID = [
        Invalid('import segment.analytics as analytics\nanalytics.track("u1", "Order Complete", {})'),
        Invalid('from app.tracking.client import track_event\ntrack_event("u1", event="Signed Up")'),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        names = {q.name for q in self.get_metadata(QualifiedNameProvider, node.func, set())}
        if not names or not _is_tracking_call(names):
            return
        event_arg = next((a for a in node.args if a.keyword and a.keyword.value == "event"), None)
        if event_arg is None:
            positional = [a for a in node.args if a.keyword is None and not a.star]
            event_arg = positional[1] if len(positional) > 1 else None
        if event_arg is None or not isinstance(event_arg.value, cst.SimpleString):
            return
        name = event_arg.value.evaluated_value
        if isinstance(name, str) and name not in PLAN_EVENTS:
            self.report(event_arg.value, f"Event {name!r} is not in the tracking plan")
