"""Read a tracker's arguments at one call: the event name, the properties, and the event object they came from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from ..registry.model import ArgSpec
from .presets import (
    EVENT_OBJECTS,
    SNOWPLOW_JSON,
    SNOWPLOW_SELF_DESCRIBING,
    SNOWPLOW_STRUCTURED,
    Tracker,
)
from .resolve import Index
from .values import Arg, CallVal, DictItem, DictVal, Param, Ref, Str, Unknown, Value


@dataclass(frozen=True)
class Extracted:
    """What a tracker's arguments say at one call."""

    event_arg: Arg | None
    event: Value | None
    # The argument at the tracker's event position (a BaseEvent for Amplitude), for forwarding.
    outer: Value | None
    props: Value | None
    has_props_arg: bool
    # Keyword arguments that become properties (wrappers forwarding **kwargs).
    kwargs: tuple[Arg, ...] = ()
    # A derived name (Snowplow schema URI) cannot be edited in place.
    derived: bool = False
    # The event carries no property dict (Snowplow structured event): keys are unknown.
    opaque: bool = False
    # What ``outer`` is when it is not the tracker's own argument (the `SelfDescribingJson` inside).
    outer_shape: str | None = None


def find_arg(args: Sequence[Arg], spec: ArgSpec) -> Arg | None:
    if spec.keyword:
        for a in args:
            if a.keyword == spec.keyword:
                return a
    if spec.position is not None:
        positional = [a for a in args if a.keyword is None and a.star != "**"]
        for i, a in enumerate(positional):
            if a.star:  # a *splat before the position hides what lands there
                return None
            if i == spec.position:
                return a
    return None


def _constructed(value: Value | None, index: Index, names: tuple[str, ...]) -> CallVal | None:
    if isinstance(value, CallVal) and any(c in names for r in value.refs for c in index.canonical(r)):
        return value
    return None


def posthog_args(args: Sequence[Arg]) -> tuple[Arg | None, Arg | None]:
    """PostHog `capture`'s event and properties: old `(distinct_id, event, properties)` when two or
    more positional arguments and no `event=` are given, else current `(event, ..., properties=)`."""
    event_arg = find_arg(args, ArgSpec(None, "event"))
    positional = [a for a in args if a.keyword is None and not a.star]
    old_signature = event_arg is None and len(positional) >= 2
    if event_arg is None and positional:
        event_arg = positional[1] if old_signature else positional[0]
    return event_arg, find_arg(args, ArgSpec(2 if old_signature else None, "properties"))


def extract(tracker: Tracker, args: Sequence[Arg], index: Index) -> Extracted:
    shape = tracker.shape
    if shape == "posthog":
        return simple(*posthog_args(args))
    if shape == "returns":
        return Extracted(None, None, None, None, False)
    if shape == "http":
        args = http_args(args, index)
        body = find_arg(args, ArgSpec(None, "json")) or find_arg(args, ArgSpec(None, "data")) or find_arg(args, ArgSpec(None, "content"))
        return payload(body.value if body is not None else None, index)
    if shape == "payload":
        arg = find_arg(args, tracker.event)
        return payload(arg.value if arg is not None else None, index)
    if shape == "args":
        event_arg = find_arg(args, tracker.event)
        props_arg = find_arg(args, tracker.properties) if tracker.properties != ArgSpec() else None
        kwargs: tuple[Arg, ...] = ()
        if tracker.kwargs_properties:
            skip = set(tracker.own_params)
            # A `**splat` at the call is kept: its keys are unknown, which makes the set partial.
            kwargs = tuple(a for a in args if (a.keyword and a.keyword not in skip) or a.star == "**")
        ex = simple(event_arg, props_arg)
        if props_arg is None and tracker.properties != ArgSpec() and any(a.star for a in args):
            # `track(*output)`: a splat may carry the properties, so they are unknown, not absent.
            ex = replace(ex, props=Unknown("passed through a splat"), has_props_arg=True)
        if tracker.event_attrs and ex.event is not None:
            event = with_attrs(ex.event, tracker.event_attrs)
            ex = replace(ex, event=event, outer=event, derived=True)
        return replace(ex, kwargs=kwargs)
    outer_arg = find_arg(args, tracker.event)
    outer = outer_arg.value if outer_arg else None
    if shape in EVENT_OBJECTS:
        kind = EVENT_OBJECTS[shape]
        built = _constructed(outer, index, kind.constructors)
        if built is None:
            return Extracted(None, None, outer, None, False)
        ex = simple(find_arg(built.args, kind.event), find_arg(built.args, kind.properties))
        return replace(ex, outer=outer)
    if shape == "snowplow":
        structured = _constructed(outer, index, SNOWPLOW_STRUCTURED)
        if structured is not None:
            action = find_arg(structured.args, ArgSpec(1, "action"))
            return Extracted(action, action.value if action else None, outer, None, False, opaque=True)
        described = _constructed(outer, index, SNOWPLOW_SELF_DESCRIBING)
        if described is None:
            return Extracted(None, None, outer, None, False)
        inner = find_arg(described.args, ArgSpec(0, "event_json"))
        outer = inner.value if inner else None
        if isinstance(outer, Param) and not outer.star and not outer.attrs:
            # `SelfDescribing(event_json=param)`: the wrapper takes the `SelfDescribingJson` whole.
            return Extracted(None, None, outer, None, False, outer_shape="snowplow_sdj")
    return replace(_self_describing(outer, index), outer=outer_arg.value if outer_arg else None)


def http_args(args: Sequence[Arg], index: Index) -> Sequence[Arg]:
    """The arguments that say where and what an HTTP call sends: `urlopen(Request(url, data=...))`
    is read as the `Request`'s."""
    url = find_arg(args, ArgSpec(0, "url"))
    value = index.value(url.value) if url is not None else None
    if isinstance(value, CallVal) and any(c in _REQUESTS for r in value.refs for c in index.canonical(r)):
        return value.args
    return args


_REQUESTS = ("urllib.request.Request",)


def payload(value: Value | None, index: Index) -> Extracted:
    """The `event` and `properties` keys of a JSON payload: `{...}`, `json.dumps({...})`, the dict a
    builder returns; a whole parameter is the event object a wrapper forwards."""
    value = index.value(value) if value is not None else None
    if isinstance(value, CallVal) and value.args and any(c == "json.dumps" for r in value.refs for c in index.canonical(r)):
        value = index.value(value.args[0].value)
    if isinstance(value, Param) and not value.star and not value.attrs:
        return Extracted(None, None, value, None, False)
    built = False
    if isinstance(value, CallVal):
        value, built = _built_dict(value, index), True
    elif isinstance(value, DictVal) and any(isinstance(s, CallVal) for s in value.spreads):
        # `{**build(...), "event": X}`, or keys set after `payload = build(...)`: the builder's keys first.
        items: list[DictItem] = []
        for spread in value.spreads:
            inner = _built_dict(spread, index) if isinstance(spread, CallVal) else spread
            if isinstance(inner, DictVal):
                items.extend(inner.items)
                built = True
        value = replace(value, items=(*items, *value.items))
    if not isinstance(value, DictVal):
        return Extracted(None, None, None, Unknown("a payload that is not a visible dict"), True)
    found: dict[str, Arg] = {}
    for item in value.items:  # a later `payload["event"] = ...` overrides the first
        key = index.value(item.key)
        if isinstance(key, Str) and key.value in ("event", "properties"):
            found[key.value] = Arg(None, item.value, item.value_span, "")
    # The name written in a builder function is not at this call: no edit in place.
    # `outer` stays unset: only a whole parameter is an event object to forward.
    return replace(simple(found.get("event"), found.get("properties")), outer=None, derived=built)


def _built_dict(call: CallVal, index: Index) -> Value:
    """The dict a project function returns (`payload = build(distinct_id, name, props)`), with
    its parameters replaced by this call's arguments."""
    for canon in sorted({c for r in call.refs for c in index.canonical(r)}):
        with index.loading():
            fn = index.function(canon)
        if fn is None or fn.return_dict is None:
            continue
        args = {}
        for p in fn.params:
            arg = find_arg(call.args, ArgSpec(p.index, p.name)) if not p.star else None
            if arg is not None:
                args[p.name] = arg.value
        items = tuple(
            replace(item, value=args.get(item.value.name, Unknown("a parameter the call does not pass")))
            if isinstance(item.value, Param) and not item.value.attrs and not item.value.star
            else item
            for item in fn.return_dict.items
        )
        return replace(fn.return_dict, items=items)
    return call


def with_attrs(value: Value, attrs: tuple[str, ...]) -> Value:
    """``value.a.b``: the event name read off an event object passed to a wrapper."""
    path = ".".join(attrs)
    if isinstance(value, Param) and not value.star:
        return replace(value, attrs=(*value.attrs, *attrs))
    if isinstance(value, CallVal):
        return Ref(tuple(f"{r}().{path}" for r in value.refs))
    if isinstance(value, Ref):
        return Ref(tuple(f"{r}.{path}" for r in value.refs))
    return Unknown(f"`.{path}` of an unknown object")


def simple(event_arg: Arg | None, props_arg: Arg | None) -> Extracted:
    """What plain event and properties arguments say."""
    return Extracted(
        event_arg,
        event_arg.value if event_arg else None,
        event_arg.value if event_arg else None,
        props_arg.value if props_arg else None,
        props_arg is not None,
    )


def _self_describing(value: Value | None, index: Index) -> Extracted:
    sdj = _constructed(value, index, SNOWPLOW_JSON)
    if sdj is None:
        return Extracted(None, None, value, None, False)
    schema = find_arg(sdj.args, ArgSpec(0, "schema"))
    data = find_arg(sdj.args, ArgSpec(1, "data"))
    # The event is the schema URI the SDK receives (`iglu:com.acme/checkout_started/jsonschema/1-0-0`);
    # the plan may name it whole or as `com.acme/checkout_started` (registry/iglu.py).
    name = index.value(schema.value) if schema is not None else None
    return Extracted(schema, name, value, data.value if data else None, data is not None, derived=True)
