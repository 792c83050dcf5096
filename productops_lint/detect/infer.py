"""Which callables track: presets, declared wrappers, and wrappers inferred by following parameters."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from ..registry.model import ArgSpec, WrapperSpec
from .decorators import derive_decorator
from .extract import Extracted, extract, find_arg, http_args, with_attrs
from .modules import module_name
from .presets import EVENT_OBJECTS, INGESTION_URLS, SNOWPLOW_STRUCTURED, Tracker
from .resolve import Index
from .unique import resolved_name, rule_label
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
    Value,
    params_in,
)

_MAX_ROUNDS = 25
# Shapes whose argument is an event object; a wrapper may take that whole object as a parameter.
_OBJECT_SHAPES = (*EVENT_OBJECTS, "snowplow", "snowplow_sdj")
# Shapes whose event is a key of a JSON payload (hand-written HTTP), which a wrapper may take whole.
_PAYLOAD_SHAPES = ("http", "payload")


def posts_to_ingestion(args: Sequence[Arg], index: Index) -> bool:
    """Whether an HTTP call's URL is a vendor's ingestion endpoint (its static text names one)."""
    url = find_arg(http_args(args, index), ArgSpec(0, "url"))
    if url is None:
        return False
    value = index.value(url.value)
    parts = value.parts if isinstance(value, Concat) else (value,)
    text = "".join(p.value for p in parts if isinstance(p, Str)).lower()
    return any(endpoint in text for endpoint in INGESTION_URLS)


def callee_names(ref: str, index: Index) -> list[str]:
    """What a callee ref may name: its canonical names, then the ref as written, which is how a
    declared factory result is named (`shop.make_client().track`) when the factory's own return
    resolves to something else."""
    names = sorted(index.canonical(ref))
    return names if ref in names else [*names, ref]


def tracker_for(call: CallSite, trackers: dict[str, Tracker], index: Index) -> tuple[str, Tracker] | None:
    for ref in call.refs:
        for canon in callee_names(ref, index):
            if canon in trackers:
                tracker = trackers[canon]
                if not tracker.via and index.in_project(canon):
                    continue  # a project module that shares the SDK's name (`analytics.py`) is not the SDK
                if tracker.shape == "http" and not posts_to_ingestion(call.args, index):
                    continue  # any other HTTP request
                return canon, (_complete(canon, tracker, index) if tracker.declared else tracker)
    return None


def _complete(qual: str, tracker: Tracker, index: Index) -> Tracker:
    """Fill the missing half of a declared ``event: 1`` or ``event: name`` from the function's signature."""
    with index.loading():  # the declaring module need not hold a tracking call itself
        # A declared class (a context manager such as `with track_handler(event=...)`) is called
        # through its `__init__`.
        info = index.function(qual) or (index.function(f"{qual}.__init__") if index.class_info(qual) else None)
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


def declared_name(qualname: str, roots: Sequence[str]) -> str:
    """A declared wrapper's name as resolution spells it: `tools/send-metrics.py:track` becomes the
    module name the tool gives that file (`tools.send-metrics.track`); other names are kept."""
    path, sep, rest = qualname.partition(".py:")
    return f"{module_name(path + '.py', roots)}.{rest}" if sep else qualname


def declared_trackers(wrappers: Iterable[WrapperSpec], roots: Sequence[str] = (".",)) -> dict[str, Tracker]:
    out: dict[str, Tracker] = {}
    for w in wrappers:
        name = declared_name(w.qualname, roots)
        out[name] = Tracker(name, event=w.event, properties=w.properties, via=(name,), declared=True)
    return out


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
                unique_name = resolved_name(call, index.unique_attrs)
                if derived is not None and unique_name is not None:
                    derived = replace(derived, via=(derived.via[0], rule_label(unique_name), *derived.via[1:]))
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
        # A base class's module holds no tracking call, so the pre-filter may not have read it.
        with index.loading():
            bases = [(b, index.class_info(b)) for b in index.mro(cls)[1:]]
        for base, info in bases:
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
        called |= reached(summary, trackers, inferred, index)
    return {k: (replace(t, called=False) if k in inferred and k not in called else t) for k, t in trackers.items()}


def reached(summary: ModuleSummary, trackers: dict[str, Tracker], among: set[str] | dict[str, Tracker], index: Index) -> set[str]:
    """The wrappers in ``among`` that this module calls or decorates with (from other functions)."""
    out: set[str] = set()
    for fn in summary.functions.values():
        for refs in fn.decorators:
            out.update(c for r in refs for c in index.canonical(r) if c in among)
    for call in summary.calls:
        found = tracker_for(call, trackers, index)
        if found is not None and found[0] in among and call.function != found[0]:
            out.update((found[0], found[1].sdk))  # an override reached through its base counts
    return out


def derives_any(summary: ModuleSummary, trackers: dict[str, Tracker], index: Index) -> bool:
    """Whether any function of ``summary`` would become a wrapper, through any tracker its calls may name.

    Inference takes the first tracker a call's names reach; this tries every one, so the answer
    also covers the rounds before ``trackers`` was complete (trackers only ever get added).
    """
    for call in summary.calls:
        fn = summary.functions.get(call.function) if call.function else None
        if fn is None:
            continue
        for ref in call.refs:
            for canon in callee_names(ref, index):
                tracker = trackers.get(canon)
                if tracker is None or (not tracker.via and index.in_project(canon)):
                    continue
                tracker = _complete(canon, tracker, index) if tracker.declared else tracker
                if _derive(tracker, call, fn, summary.path, index) or derive_decorator(tracker, call, summary.functions):
                    return True
    return False


def _derive(tracker: Tracker, call: CallSite, fn: FunctionInfo, path: str, index: Index) -> Tracker | None:
    ex = extract(tracker, call.args, index)
    via = (fn.qualname, *(tracker.via or (tracker.sdk,)))
    own = tuple(p.name for p in fn.params)
    if tracker.shape in _OBJECT_SHAPES and isinstance(ex.outer, Param) and not ex.outer.star and not ex.outer.attrs:
        # The whole event object (BaseEvent, StructuredEvent) is passed in.
        shape = ex.outer_shape or tracker.shape
        return replace(tracker, sdk=fn.qualname, shape=shape, event=ArgSpec(ex.outer.index, ex.outer.name), via=via, own_params=own)
    if tracker.shape in _PAYLOAD_SHAPES and isinstance(ex.outer, Param) and ex.outer.index is not None:
        # The whole JSON payload (`{"event": ..., "properties": ...}`) is passed in.
        return Tracker(fn.qualname, shape="payload", event=ArgSpec(ex.outer.index, ex.outer.name), via=via, own_params=own)
    if ex.event is None:
        return _through_splats(tracker, call, fn, index, via, own)
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
    extra: list[tuple[DictItem, str] | None] = list(tracker.extra_keys)
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


def _through_splats(
    tracker: Tracker, call: CallSite, fn: FunctionInfo, index: Index, via: tuple[str, ...], own: tuple[str, ...]
) -> Tracker | None:
    """A wrapper forwarding ``*args, **kwargs`` into the SDK or its event constructor.

    ``def track(user, *args, **kwargs): tracker.track(StructuredEvent(*args, **kwargs))``: the
    constructor's ``action`` (position 1, or keyword) is the wrapper's position 2, or keyword.
    """
    args: Sequence[Arg] = call.args
    spec, props, opaque = tracker.event, tracker.properties, tracker.opaque_properties
    if tracker.shape == "snowplow" or tracker.shape in EVENT_OBJECTS:
        outer = find_arg(call.args, tracker.event)
        names = SNOWPLOW_STRUCTURED if tracker.shape == "snowplow" else EVENT_OBJECTS[tracker.shape].constructors
        built = outer.value if outer is not None else None
        if not (isinstance(built, CallVal) and any(c in names for r in built.refs for c in index.canonical(r))):
            return None
        args = built.args
        if tracker.shape == "snowplow":
            spec, props, opaque = ArgSpec(1, "action"), ArgSpec(), True
        else:
            spec, props = EVENT_OBJECTS[tracker.shape].event, EVENT_OBJECTS[tracker.shape].properties
    elif tracker.shape != "args":
        return None

    # Positional arguments before the `*args` splat, whether `*args`/`**kwargs` are the wrapper's own.
    before, star = 0, False
    for a in args:
        if a.star == "*":
            star = isinstance(a.value, Param) and a.value.star == "*"
            break
        if a.keyword is None and not a.star:
            before += 1
    dstar = any(a.star == "**" and isinstance(a.value, Param) and a.value.star == "**" for a in args)
    own_positional = sum(p.index is not None for p in fn.params)

    def mapped(inner: ArgSpec) -> ArgSpec:
        position = None
        if star and inner.position is not None and inner.position >= before:
            position = own_positional + inner.position - before
        return ArgSpec(position, inner.keyword if dstar else None)

    event = mapped(spec)
    if event == ArgSpec():
        return None
    return Tracker(
        sdk=fn.qualname,
        event=event,
        properties=mapped(props) if props != ArgSpec() else ArgSpec(),
        opaque_properties=opaque,
        affix=tracker.affix,
        own_params=own,
        via=via,
    )


__all__ = [
    "Extracted",
    "declared_trackers",
    "derives_any",
    "extract",
    "find_arg",
    "infer_wrappers",
    "reached",
    "tracker_for",
    "with_attrs",
]
