"""Functions that hand back what they were given (validators, identity functions), read from their `return`s.

``action = check(action)`` or ``uid, action = validate(uid, action)`` rebinds a wrapper's parameter;
when the callee's ``return`` gives that argument back unchanged (``def check(item): ...; return
item``), the name still is the parameter, and the function stays a wrapper.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from .values import Arg, CallVal, Checked, Element, FunctionInfo, ListVal, Param, Unknown, Value

if TYPE_CHECKING:
    from .resolve import Index

_MAX_DEPTH = 8


def passable(value: Value) -> bool:
    """Whether a returned value is built from the function's parameters, so a caller can follow it."""
    if isinstance(value, Param):
        return not value.star and not value.attrs
    if isinstance(value, Checked):
        return True
    if isinstance(value, ListVal):
        return any(passable(item) for item in value.items)
    if isinstance(value, CallVal):
        return any(passable(a.value) for a in value.args if not a.star)
    return False


def resolve_checked(index: "Index", value: Checked, depth: int = 0) -> Value:
    """The parameter, when every call it was rebound to returns it unchanged; else why not."""
    for through in value.through:
        if _result(index, through, depth + 1) != value.param:
            call = through.call if isinstance(through, Element) else through
            return Unknown(f"`{value.param.name}` is rebound to what `{call.refs[0]}` returns")
    return value.param


def _result(index: "Index", value: Value, depth: int) -> Value | None:
    """What ``value`` evaluates to once pass-through calls are replaced by what they hand back."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, Checked):
        resolved = resolve_checked(index, value, depth)
        return None if isinstance(resolved, Unknown) else resolved
    if isinstance(value, Element):
        return _returned(index, value.call, value.index, depth + 1)
    if isinstance(value, CallVal):
        return _returned(index, value, None, depth + 1)
    return value


def _returned(index: "Index", call: CallVal, element: int | None, depth: int) -> Value | None:
    """What ``call`` returns (its element ``element``), when each function it may name passes its input on."""
    results: list[Value | None] = []
    for ref in call.refs:
        for canon in index.canonical(ref):
            # `pkg.Checks().check` is the method `pkg.Checks.check`.
            fn = index.function(canon.replace("()", ""))
            if fn is None or fn.passes is None:
                return None
            item: Value = fn.passes
            if element is not None:
                if not isinstance(item, ListVal) or element >= len(item.items):
                    return None
                item = item.items[element]
            results.append(_result(index, _substituted(index, item, fn, call.args, depth), depth + 1))
    if not results or any(r is None or r != results[0] for r in results):
        return None
    return results[0]


def _substituted(index: "Index", value: Value, fn: FunctionInfo, args: Sequence[Arg], depth: int) -> Value:
    """``value``, written in ``fn``'s parameters, in terms of the arguments given at one call."""
    if isinstance(value, Param):
        found = _argument(value, args)
        return found if found is not None else Unknown(f"`{value.name}` is not given at the call")
    if isinstance(value, ListVal):
        return ListVal(tuple(_substituted(index, v, fn, args, depth) for v in value.items))
    if isinstance(value, CallVal):
        return CallVal(value.refs, tuple(replace(a, value=_substituted(index, a.value, fn, args, depth)) for a in value.args))
    if isinstance(value, Element):
        call = _substituted(index, value.call, fn, args, depth)
        return Element(call, value.index) if isinstance(call, CallVal) else Unknown("bound by unpacking")
    if isinstance(value, Checked):
        given = _substituted(index, value.param, fn, args, depth)
        for through in value.through:
            if _result(index, _substituted(index, through, fn, args, depth), depth + 1) != given:
                return Unknown(f"`{value.param.name}` is rebound by a call")
        return given
    return value


def _argument(param: Param, args: Sequence[Arg]) -> Value | None:
    """The value a call gives ``param`` (by position or keyword), or None when it cannot be told."""
    position = 0
    for a in args:
        if a.star:
            if a.keyword is None and a.star == "*" and param.index is not None and position <= param.index:
                return None  # a `*args` splat before the position: which element lands there is unknown
            continue
        if a.keyword is None:
            if position == param.index:
                return a.value
            position += 1
        elif a.keyword == param.name:
            return a.value
    return None
