"""Small value algebra: joining string parts, and what a name bound several times is worth."""

from __future__ import annotations

import re

from .values import CallVal, Checked, Concat, DictVal, Element, Lit, Param, Ref, Str, Unknown, Value

CYCLE = Unknown("reads itself")


def empty_default(value: Value) -> bool:
    """An empty dict or None: the usual default a properties parameter is replaced with."""
    return (isinstance(value, DictVal) and not value.items and not value.spreads) or value == Lit(None)


def static_parts(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    return tuple(p for p in pattern.split(text) if p)


def flatten(*values: Value) -> Value:
    parts: list[Value] = []
    for v in values:
        parts.extend(v.parts if isinstance(v, Concat) else (v,))
    return parts[0] if len(parts) == 1 else Concat(tuple(parts))


def combine(values: list[Value]) -> Value:
    values = [v for v in values if v is not CYCLE] or values
    if not values:
        return Unknown("unbound name")
    params = [v for v in values if isinstance(v, Param)]
    if len(set(params)) == 1 and all(v in params or empty_default(v) for v in values):
        return params[0]  # `if not props: props = {}` keeps the parameter's meaning
    first = values[0]
    if all(v == first for v in values):
        return first
    if all(isinstance(v, Str) for v in values):
        if len({v.value for v in values}) == 1:  # type: ignore[union-attr]
            return first
        return Unknown("assigned several different values")
    if all(isinstance(v, Ref) for v in values):
        return Ref(tuple(sorted({r for v in values for r in v.refs})))  # type: ignore[union-attr]
    return Unknown("assigned several values")


def checked(values: list[Value]) -> Checked | None:
    """A parameter and its rebindings to calls that are given it (`action = check(action)`,
    `a, action = validate(a, action)`): kept as the parameter if those calls pass it on."""
    values = [v for v in values if v is not CYCLE]
    params = {v for v in values if isinstance(v, Param)}
    if len(params) != 1:
        return None
    param = params.pop()
    if param.star or param.attrs:
        return None
    through = [v for v in values if not isinstance(v, Param)]
    if not through or not all(isinstance(v, (CallVal, Element)) for v in through):
        return None
    calls = [v.call if isinstance(v, Element) else v for v in through]
    if not all(any(a.value == param and not a.star for a in c.args) for c in calls):  # type: ignore[union-attr]
        return None
    return Checked(param, tuple(through))  # type: ignore[arg-type]
