"""Snowplow schema checks (PO1xx): a self-describing event whose schema version the plan does not know."""

from __future__ import annotations

from typing import Iterator

from ..registry.iglu import other_versions
from ..types import Diagnostic, TrackingCall
from .base import Check, CheckContext, Invalid, Valid


class UnknownSchemaVersion(Check):
    """
    ## What it does
    Checks that a Snowplow self-describing event sends a schema version the tracking plan names,
    when the plan names that schema by its full URI (`iglu:vendor/name/jsonschema/1-0-0`).

    ## Why is this bad?
    Snowplow validates each event against the exact schema version it names. A version the plan
    (and so, usually, the schema registry) does not hold fails validation in the pipeline and the
    event lands in the failed-events stream instead of the warehouse.

    ## Example
    ```python
    from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker

    tracker = Tracker("shop", [])
    tracker.track(SelfDescribing(SelfDescribingJson("iglu:com.acme/form_submitted/jsonschema/1-0-1", {"form": "signup"})))
    ```

    Use instead:
    ```python
    from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker

    tracker = Tracker("shop", [])
    tracker.track(SelfDescribing(SelfDescribingJson("iglu:com.acme/form_submitted/jsonschema/1-0-0", {"form": "signup"})))
    ```

    ## Known problems
    A plan that names the schema as `vendor/name` accepts every version, so nothing is reported
    then. A URI whose schema the plan does not name at all is `PO101`'s finding.
    """

    code = "PO105"
    name = "unknown-schema-version"
    valid = (
        Valid(
            "from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker\n\n"
            "tracker = Tracker('shop', [])\n"
            "tracker.track(SelfDescribing(SelfDescribingJson('iglu:com.acme/form_submitted/jsonschema/1-0-0', {'form': 'signup'})))\n"
        ),
        Valid(
            "from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker\n\n"
            "tracker = Tracker('shop', [])\n"
            "tracker.track(SelfDescribing(SelfDescribingJson('iglu:com.acme/link_clicked/jsonschema/2-1-0', {'url': '/'})))\n"
        ),
    )
    invalid = (
        Invalid(
            "from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker\n\n"
            "tracker = Tracker('shop', [])\n"
            "tracker.track(SelfDescribing(SelfDescribingJson('iglu:com.acme/form_submitted/jsonschema/1-0-1', {'form': 'signup'})))\n",
            (
                "Schema `iglu:com.acme/form_submitted/jsonschema/1-0-1` is a version the tracking plan "
                "does not name (it names `1-0-0`)",
            ),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        name = call.event if call.event_kind in ("literal", "constant") else None
        if name is None or ctx.plan.get(name) is not None:
            return
        known = other_versions(name, ctx.plan.events)
        if known:
            listed = ", ".join(f"`{v}`" for v in known)
            yield self.diagnostic(call, f"Schema `{name}` is a version the tracking plan does not name (it names {listed})")
