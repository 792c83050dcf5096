"""Static property values against declared types, enums and patterns (used by PO203 and PO204)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..registry.model import plan_type_of
from ..types import UNKNOWN, StaticValue

# Date, optional time (with optional fraction) and optional offset; each part is range-checked below.
_ISO_8601 = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"(?:Z|[+-](?P<oh>\d{2}):?(?P<om>\d{2}))?)?"
)


def is_iso_8601(text: str) -> bool:
    """Whether ``text`` is an ISO-8601 date or date-time that analytics tools parse as a timestamp."""
    match = _ISO_8601.fullmatch(text)
    if match is None:
        return False
    try:
        dt.date(int(match["y"]), int(match["mo"]), int(match["d"]))
    except ValueError:
        return False
    limits = {"h": 23, "mi": 59, "s": 59, "oh": 23, "om": 59}
    return all(match[group] is None or int(match[group]) <= top for group, top in limits.items())


def kind_of(value: StaticValue) -> str:
    """The plan's type word for a Python value, as shown in messages."""
    if value is None:
        return "null"
    return plan_type_of(value) or "value"


def fits_type(value: StaticValue, declared: str) -> bool:
    """Whether a known value fits a declared property type; unknown types and `enum` always fit."""
    # bool is a subclass of int in Python, but `True` is no count and no amount.
    if declared == "string":
        return isinstance(value, str)
    if declared == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if declared == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if declared == "boolean":
        return isinstance(value, bool)
    if declared == "datetime":
        # A datetime object is never a literal, so only strings are known statically.
        return isinstance(value, str) and is_iso_8601(value)
    if declared == "array":
        return isinstance(value, (list, tuple))
    if declared == "object":
        return isinstance(value, dict)
    return True


def is_scalar(value: StaticValue) -> bool:
    return value is not UNKNOWN and isinstance(value, (str, int, float, bool))


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps `True` apart from `1`, as JSON does, but lets `1` equal `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return bool(a == b)
    return type(a) is type(b) and a == b


def show(value: StaticValue, limit: int = 40) -> str:
    """A value as Python source, shortened for a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_choice(value: Any) -> str:
    """An enum member as the plan's YAML spells it (`pro`, `3`, `true`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = ["fits_type", "is_iso_8601", "is_scalar", "kind_of", "same_value", "show", "show_choice"]
