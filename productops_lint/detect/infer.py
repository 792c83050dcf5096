"""Which callables track: presets, declared wrappers, and wrappers inferred by following parameters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from ..registry.model import ArgSpec, WrapperSpec
from .presets import AMPLITUDE_EVENT, SNOWPLOW_JSON, SNOWPLOW_SELF_DESCRIBING, SNOWPLOW_STRUCTURED, Tracker
from .resolve import Index
from .decorators import derive_decorator
from .values import (
    Arg,
    CallSite,
    CallVal,
    Concat,
    DictItem,
    DictVal,
    FunctionInfo,
    ModuleSummary,
    Param,
    Ref,
    Str,
    Unknown,
    Value,
    params_in,
)

_MAX_ROUNDS = 25
# Shapes whose argument is an event object; a wrapper may take that whole object as a parameter.
_OBJECT_SHAPES = ("amplitude", "snowplow", "snowplow_sdj")


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
    if shape == "returns":
        return Extracted(None, None, None, None, False)
    if shape == "args":
        event_arg = find_arg(args, tracker.event)
        props_arg = find_arg(args, tracker.properties) if tracker.properties != ArgSpec() else None
        kwargs: tuple[Arg, ...] = ()
        if tracker.kwargs_properties:
            skip = set(tracker.own_params)
            # A `**splat` at the call is kept: its keys are unknown, which makes the set partial.
            kwargs = tuple(a for a in args if (a.keyword and a.keyword not in skip) or a.star == "**")
        ex = _simple(event_arg, props_arg)
        if props_arg is None and tracker.properties != ArgSpec() and any(a.star for a in args):
            # `track(*output)`: a splat may carry the properties, so they are unknown, not absent.
            ex = replace(ex, props=Unknown("passed through a splat"), has_props_arg=True)
        if tracker.event_attrs and ex.event is not None:
            event = with_attrs(ex.event, tracker.event_attrs)
            ex = replace(ex, event=event, outer=event, derived=True)
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
            return Extracted(action, action.value if action else None, outer, None, False, opaque=True)
        described = _constructed(outer, index, SNOWPLOW_SELF_DESCRIBING)
        if described is None:
            return Extracted(None, None, outer, None, False)
        inner = find_arg(described.args, ArgSpec(0, "event_json"))
        outer = inner.value if inner else None
    return replace(_self_describing(outer, index), outer=outer_arg.value if outer_arg else None)


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
                tracker = trackers[canon]
                if not tracker.via and index.in_project(canon):
                    continue  # a project module that shares the SDK's name (`analytics.py`) is not the SDK
                return canon, (_complete(canon, tracker, index) if tracker.declared else tracker)
    return None


def _complete(qual: str, tracker: Tracker, index: Index) -> Tracker:
    """Fill the missing half of a declared ``event: 1`` or ``event: name`` from the function's signature."""
    info = index.function(qual)
    if info is None:
        return tracker

    def filled(spec: ArgSpec) -> ArgSpec:
        for p in info.params:
            if p.star:
                continue
            if spec.keyword is None and spec.position is not None and p.index == spec.position:
                return ArgSpec(spec.position, p.name)
            if spec.position is None and spec.keyword == p.name:
                return ArgSpec(p.index, spec.keyword)
        return spec

    return replace(tracker, event=filled(tracker.event), properties=filled(tracker.properties))


def declared_trackers(wrappers: Iterable[WrapperSpec]) -> dict[str, Tracker]:
    return {
        w.qualname: Tracker(w.qualname, event=w.event, properties=w.properties, via=(w.qualname,), declared=True)
        for w in wrappers
    }


def infer_wrappers(trackers: dict[str, Tracker], modules: Sequence[ModuleSummary], index: Index) -> dict[str, Tracker]:
    """Add every function that forwards a parameter into a tracker's event, to any depth (a fixpoint)."""
    out = dict(trackers)
    by_function: dict[str, tuple[FunctionInfo, list[CallSite], str]] = {}
    functions = {q: f for summary in modules for q, f in summary.functions.items()}
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
                if found is None:
                    continue
                derived = _derive(found[1], call, fn, path, index)
                if derived is not None:
                    out[qual] = derived
                    changed = True
                    break
                decorator = derive_decorator(found[1], call, functions)
                if decorator is not None and decorator[0] not in out:
                    out[decorator[0]] = decorator[1]
                    changed = True
        changed |= _add_overridden(out, index)
        if not changed:
            break
    return _mark_uncalled(out, set(out) - set(trackers), modules, index)


def _add_overridden(trackers: dict[str, Tracker], index: Index) -> bool:
    """Make ``Base.m`` a tracker when a subclass's override ``Sub.m`` is one.

    Code holds the abstract client (``self.client: TelemetryClient``) and calls ``capture`` on it;
    the override that sends is the only implementation that matters for what is tracked.
    """
    added = False
    for key, tracker in sorted(trackers.items()):
        if not tracker.via:
            continue
        cls, _, method = key.rpartition(".")
        if index.class_info(cls) is None:
            continue
        for base in index.mro(cls)[1:]:
            info = index.class_info(base)
            alias = f"{base}.{method}"
            if info is not None and method in info.methods and alias not in trackers:
                trackers[alias] = tracker
                added = True
    return added


def _mark_uncalled(
    trackers: dict[str, Tracker], inferred: set[str], modules: Sequence[ModuleSummary], index: Index
) -> dict[str, Tracker]:
    """Flag inferred wrappers that no call in the tree reaches, so their own SDK call is still reported.

    A function that merely passes a parameter on (``def checkout(kind): track(uid, kind)``) looks like a
    wrapper; when nothing calls it, hiding its call would lose the only sighting of the event.
    """
    called: set[str] = set()
    for summary in modules:
        for fn in summary.functions.values():
            for refs in fn.decorators:
                called.update(c for r in refs for c in index.canonical(r) if c in inferred)
        for call in summary.calls:
            found = tracker_for(call, trackers, index)
            if found is not None and found[0] in inferred and call.function != found[0]:
                called.update((found[0], found[1].sdk))  # an override reached through its base counts
    return {k: (replace(t, called=False) if k in inferred and k not in called else t) for k, t in trackers.items()}


def _derive(tracker: Tracker, call: CallSite, fn: FunctionInfo, path: str, index: Index) -> Tracker | None:
    ex = extract(tracker, call.args, index)
    via = (fn.qualname, *(tracker.via or (tracker.sdk,)))
    own = tuple(p.name for p in fn.params)
    if tracker.shape in _OBJECT_SHAPES and isinstance(ex.outer, Param) and not ex.outer.star and not ex.outer.attrs:
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
    unknown = False
    forwarded: list[Value] = []
    if isinstance(ex.props, DictVal):
        extra.extend((item, path) for item in ex.props.items)
        forwarded.extend(ex.props.spreads)
    elif ex.props is not None:
        forwarded.append(ex.props)
    for value in forwarded:
        resolved = index.value(value) if isinstance(value, Ref) else value
        if isinstance(resolved, DictVal):  # `{**self.defaults, ...}` with defaults visible
            extra.extend((item, path) for item in resolved.items)
            unknown |= bool(resolved.spreads)
        elif isinstance(value, Param) and value.star == "**":
            kwargs = True
        elif isinstance(value, Param):
            props = ArgSpec(value.index, value.name)
        else:
            unknown = True
    if tracker.kwargs_properties:
        # Forwarding into a **kwargs wrapper: keywords written here are keys this wrapper adds.
        for a in ex.kwargs:
            if a.star and isinstance(a.value, Param) and a.value.star == "**":
                kwargs = True
            elif a.star:
                unknown = True
            else:
                extra.append((DictItem(Str(a.keyword or ""), a.span, "", a.value, a.span), path))
    if unknown:
        extra.append(None)  # a None entry marks the key set as partial
    return Tracker(
        sdk=fn.qualname,
        opaque_properties=tracker.opaque_properties or ex.opaque,
        event=ArgSpec(param.index, param.name),
        event_attrs=param.attrs,
        properties=props,
        affix=(tracker.affix[0] + prefix, suffix + tracker.affix[1]),
        extra_keys=tuple(extra),
        kwargs_properties=kwargs,
        own_params=own,
        via=via,
    )


__all__ = ["DictItem", "Extracted", "extract", "find_arg", "infer_wrappers", "declared_trackers", "tracker_for"]
