"""Built-in tracker presets: which callables of each SDK track events, and where the name and properties are."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..registry.model import ArgSpec
from .values import DictItem


@dataclass(frozen=True)
class Tracker:
    """How to read one tracking callable's arguments.

    ``shape`` says how the event is carried:
    - ``args``: the event name and properties are arguments (``event``/``properties`` specs);
    - ``posthog``: PostHog ``capture``, old ``(distinct_id, event, properties)`` or current
      ``(event, distinct_id=..., properties=...)`` signature, told apart per call;
    - ``amplitude``: the argument is an Amplitude ``BaseEvent(event_type, ..., event_properties=)``;
    - ``intercom``: the argument is an Intercom ``CreateDataEventRequestWith*(event_name=, metadata=)``
      (``amplitude`` and ``intercom`` are the EVENT_OBJECTS shapes);
    - ``snowplow``: the argument is a Snowplow ``StructuredEvent``/``SelfDescribing`` event;
    - ``snowplow_sdj``: the argument is a ``SelfDescribingJson(schema, data)`` (older API);
    - ``returns``: a decorator; each function it decorates returns ``(event, properties)`` and the
      decorator sends it (``event``/``properties`` positions index the returned tuple, or the event
      is the whole returned value when ``event.position`` is None).
    """

    sdk: str
    shape: str = "args"
    event: ArgSpec = ArgSpec()
    properties: ArgSpec = ArgSpec()
    # Wrappers: keys the wrapper adds, forwarding of **kwargs as properties, and the wrapper chain.
    affix: tuple[str, str] = ("", "")
    # The event name is this attribute path of the event argument (`event.name` of an event object).
    event_attrs: tuple[str, ...] = ()
    # (item, path of the file that spells it) per key; a None entry marks the key set as partial.
    extra_keys: tuple[tuple[DictItem, str] | None, ...] = ()
    kwargs_properties: bool = False
    own_params: tuple[str, ...] = ()
    via: tuple[str, ...] = field(default=())
    # The SDK call carries no property dict (Snowplow structured events), so keys are unknown, not none.
    opaque_properties: bool = False
    # Declared in config or rules: a spec given only by position or keyword is completed from the signature.
    declared: bool = False
    # False for an inferred wrapper nobody in the tree calls: its own forwarding call is then reported.
    called: bool = True


def _segment_like(sdk: str, modules: tuple[str, ...]) -> dict[str, Tracker]:
    spec = Tracker(sdk, event=ArgSpec(1, "event"), properties=ArgSpec(2, "properties"))
    out: dict[str, Tracker] = {}
    for mod in modules:
        out[f"{mod}.track"] = spec
        for client in ("Client", "client.Client"):
            out[f"{mod}.{client}().track"] = spec
    return out


PRESETS: dict[str, dict[str, Tracker]] = {
    # analytics-python (`import analytics`) and segment-analytics-python (`segment.analytics`).
    "segment": _segment_like("segment", ("analytics", "segment.analytics")),
    # rudder-sdk-python ships `rudderstack.analytics`; older releases `rudder_analytics`.
    "rudderstack": _segment_like("rudderstack", ("rudderstack.analytics", "rudder_analytics")),
    "posthog": {
        f"{target}.capture": Tracker("posthog", shape="posthog")
        for target in ("posthog", "posthog.Posthog()", "posthog.Client()", "posthog.client.Client()")
    },
    "mixpanel": {
        "mixpanel.Mixpanel().track": Tracker(
            "mixpanel", event=ArgSpec(1, "event_name"), properties=ArgSpec(2, "properties")
        ),
    },
    "amplitude": {
        f"{client}.track": Tracker("amplitude", shape="amplitude", event=ArgSpec(0, "event"))
        for client in ("amplitude.Amplitude()", "amplitude.client.Amplitude()")
    },
    "snowplow": {
        **{
            f"{t}.track": Tracker("snowplow", shape="snowplow", event=ArgSpec(0, "event"))
            for t in ("snowplow_tracker.Tracker()", "snowplow_tracker.tracker.Tracker()", "snowplow_tracker.Snowplow.get_tracker()")
        },
        **{
            f"{t}.track_struct_event": Tracker("snowplow", event=ArgSpec(1, "action"), opaque_properties=True)
            for t in ("snowplow_tracker.Tracker()", "snowplow_tracker.tracker.Tracker()")
        },
        **{
            f"{t}.track_self_describing_event": Tracker("snowplow", shape="snowplow_sdj", event=ArgSpec(0, "event_json"))
            for t in ("snowplow_tracker.Tracker()", "snowplow_tracker.tracker.Tracker()")
        },
    },
    # customerio 3.x: `CustomerIO(site_id, api_key).track(customer_id, name, data=None, id=None,
    # timestamp=None)`; 2.x took the data as `**data`, so other keywords are properties too.
    # customerio-cdp-analytics (Data Pipelines) is Segment's client as `customerio.analytics`.
    "customerio": {
        **{
            f"{client}.{method}": Tracker(
                "customerio", event=ArgSpec(1, "name"), properties=ArgSpec(2, "data"),
                kwargs_properties=True, own_params=(first, "name", "data", "id", "timestamp"),
            )
            for client in ("customerio.CustomerIO()", "customerio.track.CustomerIO()")
            for method, first in (("track", "customer_id"), ("track_anonymous", "anonymous_id"))
        },
        **{
            f"{client}.backfill": Tracker(
                "customerio", event=ArgSpec(1, "name"), kwargs_properties=True,
                own_params=("customer_id", "name", "timestamp"),
            )
            for client in ("customerio.CustomerIO()", "customerio.track.CustomerIO()")
        },
        **_segment_like("customerio", ("customerio.analytics",)),
    },
    # june-analytics-python ships Segment's client as `june.analytics`.
    "june": _segment_like("june", ("june.analytics",)),
    # heapapi (a community client, unofficial): `HeapAPIClient(app_id).track(identity,
    # event, properties=None)`. Heap's own server-side API is HTTP: the `http` preset.
    "heap": {
        "heapapi.HeapAPIClient().track": Tracker("heap", event=ArgSpec(1, "event"), properties=ArgSpec(2, "properties")),
    },
    # python-intercom: 4.x and later (`intercom.Intercom`) take `events.create(request=
    # CreateDataEventRequestWith{UserId,Email,Id}(event_name=..., metadata=...))`; 3.x
    # `intercom.client.Client().events.create(event_name=..., metadata=...)`; 2.x the class
    # method `intercom.Event.create(...)`, keywords only.
    "intercom": {
        **{
            f"{client}.events.create": Tracker("intercom", shape="intercom", event=ArgSpec(None, "request"))
            for client in (
                "intercom.Intercom()", "intercom.AsyncIntercom()", "intercom.client.Intercom()", "intercom.client.AsyncIntercom()",
            )
        },
        **{
            f"{target}.create": Tracker("intercom", event=ArgSpec(None, "event_name"), properties=ArgSpec(None, "metadata"))
            for target in ("intercom.client.Client().events", "intercom.Event", "intercom.event.Event")
        },
    },
    # Hand-written HTTP to a vendor's ingestion API: only a call whose URL resolves to one of
    # INGESTION_URLS counts (`tracker_for`); the event is the body's `event` key.
    "http": {
        client: Tracker("http", shape="http", event=ArgSpec(0, "url"))
        for client in (
            "requests.post", "requests.api.post", "requests.Session().post", "requests.sessions.Session().post",
            "httpx.post", "httpx.Client().post", "httpx.AsyncClient().post", "urllib.request.urlopen",
        )
    },
}

# Ingestion endpoints whose JSON body names the event under `event` (host and path, lower case).
INGESTION_URLS = (
    "posthog.com/capture", "posthog.com/i/v0/e", "api.segment.io/v1/track", "segmentapis.com/v1/track",
    "rudderstack.com/v1/track", "rudderlabs.com/v1/track", "heapanalytics.com/api/track", "api.mixpanel.com/track",
)

# Constructors whose instances carry the event for the ``amplitude``/``snowplow`` shapes.
AMPLITUDE_EVENT = ("amplitude.BaseEvent", "amplitude.event.BaseEvent")
SNOWPLOW_STRUCTURED = ("snowplow_tracker.StructuredEvent", "snowplow_tracker.events.StructuredEvent")
SNOWPLOW_SELF_DESCRIBING = ("snowplow_tracker.SelfDescribing", "snowplow_tracker.events.SelfDescribing")
SNOWPLOW_JSON = ("snowplow_tracker.SelfDescribingJson", "snowplow_tracker.self_describing_json.SelfDescribingJson")
INTERCOM_EVENT = tuple(
    f"intercom{package}.CreateDataEventRequestWith{cls}"
    for cls, module in (("UserId", "user_id"), ("Email", "email"), ("Id", "id"))
    for package in ("", ".types", f".types.create_data_event_request_with_{module}")
)


@dataclass(frozen=True)
class EventObject:
    """An event passed as one object: its constructors, and where the name and properties are among their arguments."""

    constructors: tuple[str, ...]
    event: ArgSpec
    properties: ArgSpec


# Shapes whose tracker argument is such an object, by shape name.
EVENT_OBJECTS = {
    "amplitude": EventObject(AMPLITUDE_EVENT, ArgSpec(0, "event_type"), ArgSpec(None, "event_properties")),
    "intercom": EventObject(INTERCOM_EVENT, ArgSpec(None, "event_name"), ArgSpec(None, "metadata")),
}


def preset_trackers(names: tuple[str, ...] | None) -> dict[str, Tracker]:
    """Trackers of the named presets (all of them when ``names`` is None)."""
    selected = PRESETS if names is None else {n: PRESETS[n] for n in names if n in PRESETS}
    out: dict[str, Tracker] = {}
    for table in selected.values():
        out.update(table)
    return out


def unknown_presets(names: tuple[str, ...] | None) -> list[str]:
    return [n for n in names or () if n not in PRESETS]
