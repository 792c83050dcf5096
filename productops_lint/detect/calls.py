"""Turn the call sites of a module into resolved TrackingCalls: event name, properties, wrapper chain."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Iterable, Sequence

from ..registry.model import ArgSpec
from ..types import NameOrigin, PropertyArg, Span, TrackingCall
from .decorators import forwards_returned, names_decorated
from .extract import Extracted, extract, simple
from .infer import tracker_for
from .presets import Tracker
from .resolve import Index
from .unique import resolved_name, rule_label
from .values import (
    Arg,
    CallVal,
    Checked,
    Concat,
    DictItem,
    DictVal,
    FunctionInfo,
    Lit,
    ModuleSummary,
    Param,
    Ref,
    ReturnSite,
    Str,
    Template,
    Unknown,
    Value,
    params_in,
    static_value,
)

# Expression kinds the converter names by their libcst class, said as a reader would.
_NODE_KINDS = {
    "Subscript": "a value read from a container",
    "IfExp": "a conditional expression",
    "Lambda": "a lambda",
    "Await": "an awaited value",
    "ListComp": "a comprehension",
    "GeneratorExp": "a comprehension",
    "NamedExpr": "an assignment expression",
    "UnaryOperation": "an operator expression",
    "Comparison": "a comparison",
    "result of a call": "the result of a call",
}


def unresolved_reason(value: Value | None) -> str:
    """Why a name is `unresolved`, in words, from what resolution stopped at."""
    if value is None:
        return "no event argument at the call"
    if isinstance(value, Param):
        return f"parameter `{'.'.join((value.name, *value.attrs))}` of the enclosing function, which no caller fills"
    if isinstance(value, CallVal):
        return f"the result of calling `{value.refs[0]}`"
    if isinstance(value, Ref):
        return f"`{value.refs[0]}` is not bound to a string"
    if isinstance(value, Checked):
        return f"`{value.param.name}` is rebound to what a call returns"
    if isinstance(value, Unknown):
        return _NODE_KINDS.get(value.reason, value.reason or "an expression this analysis does not follow")
    return "not a string"


def resolve_event(
    value: Value | None, index: Index
) -> tuple[str | None, str, tuple[str, ...], NameOrigin | None]:
    """(name, kind, static parts, origin) of an event-name value."""
    if value is None:
        return None, "unresolved", (), None
    resolved = index.value(value)
    if isinstance(resolved, Str):
        origin = None
        if resolved.span is not None and resolved.path:
            origin = NameOrigin(resolved.path, resolved.span, resolved.source, resolved.const)
        return resolved.value, ("constant" if resolved.const else "literal"), (), origin
    if isinstance(resolved, Concat):
        if all(isinstance(p, Str) for p in resolved.parts):
            return "".join(p.value for p in resolved.parts), "literal", (), None  # type: ignore[union-attr]
        parts = tuple(p.value for p in resolved.parts if isinstance(p, Str) and p.value)
        return None, "dynamic", parts, None
    if isinstance(resolved, Template):
        return None, "dynamic", resolved.parts, None
    return None, "unresolved", (), None


def _property(item: DictItem, path: str, index: Index) -> PropertyArg | None:
    key = index.value(item.key)
    if not isinstance(key, Str):
        return None
    return PropertyArg(
        key=key.value,
        key_span=item.key_span,
        value=static_value(index.value(item.value)),
        value_span=item.value_span,
        path=path,
        key_source=item.key_source,
    )


def resolve_properties(
    value: Value | None, has_arg: bool, tracker: Tracker, kwargs: Sequence[Arg], path: str, index: Index
) -> tuple[tuple[PropertyArg, ...] | None, bool]:
    """(properties or None when unknown, partial)."""
    props: list[PropertyArg] = []
    partial = False
    for entry in tracker.extra_keys:
        if entry is None:
            partial = True
            continue
        item, item_path = entry
        prop = _property(item, item_path, index)
        if prop is None:
            partial = True
        elif not any(p.key == prop.key for p in props):
            props.append(prop)
    for arg in kwargs:
        if arg.star or arg.keyword is None:
            partial = True
            continue
        props.append(PropertyArg(arg.keyword, arg.span, static_value(index.value(arg.value)), arg.span, path, ""))
    if has_arg and value is not None:
        resolved = index.value(value)
        if isinstance(resolved, DictVal):
            for item in resolved.items:
                prop = _property(item, path, index)
                if prop is None:
                    partial = True
                else:
                    props = [p for p in props if p.key != prop.key] + [prop]
            if resolved.spreads:
                partial = True
        elif isinstance(resolved, Lit) and resolved.value is None:
            pass
        elif not tracker.extra_keys and not kwargs:
            return None, False
        else:
            partial = True
    return tuple(props), partial


def module_calls(summary: ModuleSummary, trackers: dict[str, Tracker], index: Index) -> list[TrackingCall]:
    out: list[TrackingCall] = []
    for call in summary.calls:
        found = tracker_for(call, trackers, index)
        if found is None or found[1].shape in ("returns", "names"):
            continue  # applying a decorator by hand is not a send
        _, tracker = found
        ex = extract(tracker, call.args, index)
        role = "site"
        inside = _enclosing_tracker(call.function, trackers, index)
        if inside is not None and (
            isinstance(ex.outer, Param)
            or (ex.event is not None and params_in(index.value(ex.event)))
            or (ex.event is None and _forwards_splats(call.args, ex.outer))
            # A value the wrapper derives from what it was given (`self.batched[key].batch(event)`,
            # `self.event` set in `__init__`): its callers name the event.
            or (ex.event is not None and isinstance(index.value(ex.event), Unknown))
        ):
            if tracker.via:
                continue  # one wrapper forwarding to another: plumbing, the inner SDK call is reported
            # The SDK call inside a wrapper. When the wrapper has callers they carry the name;
            # when it has none this is its only sighting, reported as a site.
            role = "sink" if inside.called else "site"
        if call.function and forwards_returned(call) and call.function.rpartition(".")[0] in trackers:
            continue  # the decorator's own sending call: the decorated functions' returns are reported
        if call.function and names_decorated(call) and call.function.rpartition(".")[0] in trackers:
            role = "sink"  # the decorated functions are reported, each as the event of its name
        unique_name = resolved_name(call, index.unique_attrs)
        if unique_name is not None:  # say which rule typed the receiver, so a reader can judge it
            tracker = replace(tracker, via=(rule_label(unique_name), *(tracker.via or (tracker.sdk,))))
        out.append(_tracking_call(summary.path, call.span, tracker, ex, index, role))
    for fn in summary.functions.values():
        for at, tracker in _returning_decorators(fn, trackers, index):
            if tracker.shape == "names":
                name = Str(fn.qualname.rpartition(".")[2])
                ex = Extracted(None, name, name, None, False, derived=True, opaque=True)
                span = fn.decorator_spans[at] if at < len(fn.decorator_spans) else fn.span
                out.append(_tracking_call(summary.path, span, tracker, ex, index))
                continue
            for site in fn.returns:
                returned = _from_return(tracker, site)
                if returned is not None:
                    out.append(_tracking_call(summary.path, site.span, tracker, returned, index))
    return sorted(out, key=lambda c: c.span)


def _enclosing_tracker(function: str | None, trackers: dict[str, Tracker], index: Index) -> Tracker | None:
    """The tracker whose code holds a call: its function, a function it is nested in (a decorator
    factory's inner wrapper), or the tracker class (a context manager such as
    `with track_handler(event):`) whose method it is."""
    if function is None:
        return None
    if function in trackers:
        return trackers[function]
    qual = function.rpartition(".")[0]
    while qual:
        if qual in trackers and (index.class_info(qual) is not None or index.function(qual) is not None):
            return trackers[qual]
        qual = qual.rpartition(".")[0]
    return None


def _forwards_splats(args: Sequence[Arg], outer: Value | None) -> bool:
    """``*args``/``**kwargs`` of the enclosing function passed on, to the SDK or its event object."""
    inner = outer.args if isinstance(outer, CallVal) else ()
    return any(a.star and isinstance(a.value, Param) and a.value.star for a in (*args, *inner))


def _returning_decorators(fn: FunctionInfo, trackers: dict[str, Tracker], index: Index) -> list[tuple[int, Tracker]]:
    """The event-sending decorators of ``fn``, with their place in its decorator list."""
    found: list[tuple[int, Tracker]] = []
    for at, refs in enumerate(fn.decorators):
        for canon in sorted({c for r in refs for c in index.canonical(r)}):
            tracker = trackers.get(canon)
            if tracker is not None and tracker.shape in ("returns", "names"):
                found.append((at, tracker))
                break
    return found


def _from_return(tracker: Tracker, site: ReturnSite) -> Extracted | None:
    """The event and properties a decorated function hands its decorator at one ``return``."""
    if not site.is_tuple and isinstance(site.args[0].value, Lit) and site.args[0].value.value is None:
        return None  # `return None`: nothing is sent

    def element(spec: ArgSpec) -> Arg | None:
        if spec.position is None:
            return None
        return site.args[spec.position] if site.is_tuple and spec.position < len(site.args) else None

    event_arg = site.args[0] if tracker.event.position is None and not site.is_tuple else element(tracker.event)
    props_arg = element(tracker.properties)
    if not site.is_tuple and tracker.event.position is not None:
        # A returned variable (`return result`): unpacked by the decorator, so nothing is known.
        return Extracted(None, None, None, Unknown("returned value"), True)
    return simple(event_arg, props_arg)


def _tracking_call(
    path: str, span: Span, tracker: Tracker, ex: Extracted, index: Index, role: str = "site"
) -> TrackingCall:
    name, kind, parts, origin = resolve_event(ex.event, index)
    if ex.derived:
        origin = None
    if name is not None:
        name = tracker.affix[0] + name + tracker.affix[1]
    props, partial = resolve_properties(ex.props, ex.has_props_arg, tracker, ex.kwargs, path, index)
    if tracker.opaque_properties or ex.opaque:
        props, partial = None, False
    reason = unresolved_reason(index.value(ex.event) if ex.event is not None else None) if kind == "unresolved" else ""
    return TrackingCall(
        unresolved_reason=reason,
        path=path,
        span=span,
        sdk=tracker.sdk,
        event=name,
        event_kind=kind,  # type: ignore[arg-type]
        event_expr=ex.event_arg.source if ex.event_arg else "",
        event_span=ex.event_arg.span if ex.event_arg else None,
        event_parts=parts,
        affix=tracker.affix,
        origin=origin,
        properties=props,
        partial=partial,
        via=tracker.via,
        role=role,  # type: ignore[arg-type]
    )


def count_other_uses(calls: Iterable[TrackingCall], modules: Sequence[ModuleSummary]) -> list[TrackingCall]:
    """Fill ``origin.other_uses``: reads of a module-level constant beyond its use as an event name."""
    calls = list(calls)
    event_uses = Counter(c.origin.constant for c in calls if c.origin and c.origin.constant)
    by_module = {s.module: s for s in modules}
    totals: dict[str, int] = {}
    for const in event_uses:
        module, _, name = const.rpartition(".")
        owner = by_module.get(module)
        if owner is None or name not in owner.symbols:
            totals[const] = event_uses[const]  # a class attribute: reads are not counted (see docs)
            continue
        reads = owner.reads.get(name, 0)
        for s in modules:
            local = s.imports.get(const)
            if local is not None and s.module != module:
                reads += s.reads.get(local, 0)
            reads += s.attr_reads.get(const, 0)  # `events.SHARED` after `from app import events`
        totals[const] = reads
    result = []
    for c in calls:
        if c.origin and c.origin.constant in totals:
            other = max(0, totals[c.origin.constant] - event_uses[c.origin.constant])
            c = replace(c, origin=replace(c.origin, other_uses=other))
        result.append(c)
    return result
