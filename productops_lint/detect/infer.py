"""Which callables track: presets, declared wrappers, and wrappers inferred by following parameters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from ..registry.model import ArgSpec, WrapperSpec
from .presets import AMPLITUDE_EVENT, SNOWPLOW_JSON, SNOWPLOW_SELF_DESCRIBING, SNOWPLOW_STRUCTURED, Tracker
from .resolve import Index
from .values import Arg, CallSite, CallVal, Concat, DictItem, DictVal, FunctionInfo, ModuleSummary, Param, Str, Value, params_in

_MAX_ROUNDS = 25


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


def extract(tracker: Tracker, args: Sequence[Arg], index: Index) -> Extracted:
    shape = tracker.shape
    if shape == "posthog":
        event_arg = find_arg(args, ArgSpec(None, "event"))
        positional = [a for a in args if a.keyword is None and not a.star]
        old_signature = event_arg is None and len(positional) >= 2
        if event_arg is None and positional:
            event_arg = positional[1] if old_signature else positional[0]
        props_arg = find_arg(args, ArgSpec(2 if old_signature else None, "properties"))
        return _simple(event_arg, props_arg)
    if shape == "args":
        event_arg = find_arg(args, tracker.event)
        props_arg = find_arg(args, tracker.properties) if tracker.properties != ArgSpec() else None
        kwargs: tuple[Arg, ...] = ()
        if tracker.kwargs_properties:
            skip = set(tracker.own_params)
            kwargs = tuple(a for a in args if a.keyword and a.keyword not in skip)
        ex = _simple(event_arg, props_arg)
        return replace(ex, kwargs=kwargs)
    outer_arg = find_arg(args, tracker.event)
    outer = outer_arg.value if outer_arg else None
    if shape == "amplitude":
        event = _constructed(outer, index, AMPLITUDE_EVENT)
        if event is None:
            return Extracted(None, None, outer, None, False)
        ex = _simple(find_arg(event.args, ArgSpec(0, "event_type")), find_arg(event.args, ArgSpec(None, "event_properties")))
        return replace(ex, outer=outer)
    if shape == "snowplow":
        structured = _constructed(outer, index, SNOWPLOW_STRUCTURED)
        if structured is not None:
            action = find_arg(structured.args, ArgSpec(1, "action"))
            return Extracted(action, action.value if action else None, outer, None, False)
        described = _constructed(outer, index, SNOWPLOW_SELF_DESCRIBING)
        if described is None:
            return Extracted(None, None, outer, None, False)
        inner = find_arg(described.args, ArgSpec(0, "event_json"))
        outer = inner.value if inner else None
    return replace(_self_describing(outer, index), outer=outer_arg.value if outer_arg else None)


def _simple(event_arg: Arg | None, props_arg: Arg | None) -> Extracted:
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
    name: Value | None = None
    if schema is not None:
        resolved = index.value(schema.value)
        # iglu:com.acme/checkout_started/jsonschema/1-0-0 -> checkout_started
        if isinstance(resolved, Str) and resolved.value.count("/") >= 2:
            name = Str(resolved.value.split("/")[-3])
        else:
            name = resolved
    return Extracted(schema, name, value, data.value if data else None, data is not None, derived=True)


def tracker_for(call: CallSite, trackers: dict[str, Tracker], index: Index) -> tuple[str, Tracker] | None:
    for ref in call.refs:
        for canon in sorted(index.canonical(ref)):
            if canon in trackers:
                return canon, trackers[canon]
    return None


def declared_trackers(wrappers: Iterable[WrapperSpec]) -> dict[str, Tracker]:
    return {
        w.qualname: Tracker(w.qualname, event=w.event, properties=w.properties, via=(w.qualname,))
        for w in wrappers
    }


def infer_wrappers(trackers: dict[str, Tracker], modules: Sequence[ModuleSummary], index: Index) -> dict[str, Tracker]:
    """Add every function that forwards a parameter into a tracker's event, to any depth (a fixpoint)."""
    out = dict(trackers)
    by_function: dict[str, tuple[FunctionInfo, list[CallSite], str]] = {}
    for summary in modules:
        for call in summary.calls:
            if call.function and call.function in summary.functions:
                entry = by_function.setdefault(call.function, (summary.functions[call.function], [], summary.path))
                entry[1].append(call)
    for _ in range(_MAX_ROUNDS):
        changed = False
        for qual in sorted(by_function):
            if qual in out:
                continue
            fn, calls, path = by_function[qual]
            for call in calls:
                found = tracker_for(call, out, index)
                derived = _derive(found[1], call, fn, path, index) if found else None
                if derived is not None:
                    out[qual] = derived
                    changed = True
                    break
        if not changed:
            break
    return out


def _derive(tracker: Tracker, call: CallSite, fn: FunctionInfo, path: str, index: Index) -> Tracker | None:
    ex = extract(tracker, call.args, index)
    via = (fn.qualname, *(tracker.via or (tracker.sdk,)))
    own = tuple(p.name for p in fn.params)
    if tracker.shape != "args" and isinstance(ex.outer, Param) and not ex.outer.star:
        # The whole event object (BaseEvent, StructuredEvent) is passed in.
        return replace(tracker, sdk=fn.qualname, event=ArgSpec(ex.outer.index, ex.outer.name), via=via, own_params=own)
    if ex.event is None:
        return None
    name = index.value(ex.event)
    params = params_in(name)
    if len(params) != 1 or params[0].star:
        return None
    param = params[0]
    prefix = suffix = ""
    if isinstance(name, Concat):
        at = name.parts.index(param)
        if not all(isinstance(p, Str) for i, p in enumerate(name.parts) if i != at):
            return None
        prefix = "".join(p.value for p in name.parts[:at])  # type: ignore[union-attr]
        suffix = "".join(p.value for p in name.parts[at + 1 :])  # type: ignore[union-attr]
    props = ArgSpec()
    kwargs = False
    extra: list[object] = list(tracker.extra_keys)
    forwarded: list[Value] = []
    if isinstance(ex.props, DictVal):
        extra.extend((item, path) for item in ex.props.items)
        forwarded.extend(ex.props.spreads)
    elif ex.props is not None:
        forwarded.append(ex.props)
    unknown = False
    for value in forwarded:
        if isinstance(value, Param) and value.star == "**":
            kwargs = True
        elif isinstance(value, Param):
            props = ArgSpec(value.index, value.name)
        else:
            unknown = True
    if tracker.kwargs_properties and any(a.star == "**" and isinstance(a.value, Param) for a in call.args):
        kwargs = True
    if unknown:
        extra.append(None)  # a None entry marks the key set as partial
    return Tracker(
        sdk=fn.qualname,
        event=ArgSpec(param.index, param.name),
        properties=props,
        affix=(tracker.affix[0] + prefix, suffix + tracker.affix[1]),
        extra_keys=tuple(extra),
        kwargs_properties=kwargs,
        own_params=own,
        via=via,
    )


__all__ = ["DictItem", "Extracted", "extract", "find_arg", "infer_wrappers", "declared_trackers", "tracker_for"]
