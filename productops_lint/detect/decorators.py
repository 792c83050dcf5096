"""Decorators that send what the decorated function returns: ``@send_telemetry def f(): return "Name", {...}``."""

from __future__ import annotations

from typing import Mapping

from ..registry.model import ArgSpec
from .extract import find_arg, posthog_args
from .presets import Tracker
from .values import CallSite, DecoratedName, FunctionInfo, Returned


def derive_decorator(tracker: Tracker, call: CallSite, functions: Mapping[str, FunctionInfo]) -> tuple[str, Tracker] | None:
    """The decorator whose inner function passes ``func(...)``'s result into ``tracker``, if ``call`` does.

    Recognised: ``output = func(*args, **kwargs)`` then ``tracker(*output)`` (the tuple fills the
    tracker's positions from the splat on) or ``tracker(output)`` at the event position.
    """
    if call.function is None:
        return None
    decorator = functions.get(call.function.rpartition(".")[0])
    named = _names_decorated(tracker, call, decorator)
    if named is not None:
        return named
    if tracker.shape != "args" or tracker.event.position is None:
        return None
    positional = [a for a in call.args if a.keyword is None and a.star != "**"]
    for at, arg in enumerate(positional):
        if not isinstance(arg.value, Returned):
            continue
        if decorator is None or not decorator.params or decorator.params[0].name != arg.value.param:
            return None
        event, props = tracker.event.position, tracker.properties.position
        if arg.star == "*":
            if event < at:
                return None
            spec = ArgSpec(event - at)
            props_spec = ArgSpec(props - at) if props is not None and props >= at else ArgSpec()
        elif at == event:
            spec, props_spec = ArgSpec(None), ArgSpec()
        else:
            return None
        return decorator.qualname, Tracker(
            sdk=decorator.qualname,
            shape="returns",
            event=spec,
            properties=props_spec,
            affix=tracker.affix,
            extra_keys=tracker.extra_keys,
            via=(decorator.qualname, *(tracker.via or (tracker.sdk,))),
        )
    return None


def _names_decorated(tracker: Tracker, call: CallSite, decorator: FunctionInfo | None) -> tuple[str, Tracker] | None:
    """A decorator whose inner function sends ``func.__name__``: each decorated function is an event.

    ``def track(func): @wraps(func) def inner(*a, **k): ...; mp.track(uid, func.__name__, {...})``.
    """
    if decorator is None or not decorator.params or tracker.shape not in ("args", "posthog"):
        return None
    event = posthog_args(call.args)[0] if tracker.shape == "posthog" else find_arg(call.args, tracker.event)
    if event is None or event.value != DecoratedName(decorator.params[0].name):
        return None
    return decorator.qualname, Tracker(
        sdk=decorator.qualname,
        shape="names",
        affix=tracker.affix,
        opaque_properties=True,
        via=(decorator.qualname, *(tracker.via or (tracker.sdk,))),
    )


def names_decorated(call: CallSite) -> bool:
    """Whether ``call`` sends the decorated function's name (the decorator's own sending call)."""
    return any(isinstance(a.value, DecoratedName) for a in call.args)


def forwards_returned(call: CallSite) -> bool:
    """Whether ``call`` passes on the decorated function's result (the decorator's own sending call)."""
    return any(isinstance(a.value, Returned) for a in call.args)
