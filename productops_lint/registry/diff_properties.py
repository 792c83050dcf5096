"""How one event's properties changed between two plans, and which of those changes break calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .model import EventSpec, PropertySpec

# Type changes that accept every value the old type accepted, so existing calls stay valid.
_WIDENINGS = {("integer", "number"), ("enum", "string"), ("datetime", "string")}


@dataclass(frozen=True)
class Change:
    """One change. ``field`` names the attribute that changed for *_changed kinds."""

    kind: str
    event: str
    message: str
    breaking: bool = False
    # Why the change breaks code that tracks the event; empty when it does not.
    why: str = ""
    property: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None


def show(value: Any) -> str:
    return "nothing" if value is None else f"`{value}`"


def _values(values: Sequence[Any]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def property_changes(old: EventSpec, new: EventSpec) -> list[Change]:
    ev = new.name
    out: list[Change] = []
    for name in sorted(set(old.properties) | set(new.properties)):
        a, b = old.properties.get(name), new.properties.get(name)
        if a is None and b is not None:
            out.append(
                Change(
                    "property_added",
                    ev,
                    f"Property `{name}` added to `{ev}`" + (" as required" if b.required else ""),
                    breaking=b.required,
                    why="calls that do not send it become invalid" if b.required else "",
                    property=name,
                    after=b.type,
                )
            )
        elif b is None and a is not None:
            out.append(
                Change(
                    "property_removed",
                    ev,
                    f"Property `{name}` removed from `{ev}`",
                    breaking=True,
                    why="calls that send it become invalid",
                    property=name,
                    before=a.type,
                )
            )
        elif a is not None and b is not None:
            out.extend(_property_field_changes(ev, a, b))
    return out


def _key(value: Any) -> tuple[bool, Any]:
    # True == 1 in Python, but a plan that swaps one for the other has changed.
    return (isinstance(value, bool), value)


def _property_field_changes(ev: str, a: PropertySpec, b: PropertySpec) -> list[Change]:
    out: list[Change] = []
    name, where = a.name, f"`{ev}.{a.name}`"

    def change(field: str, message: str, why: str = "", before: Any = None, after: Any = None) -> None:
        out.append(Change("property_changed", ev, message, bool(why), why, name, field, before, after))

    if a.type != b.type:
        why = "" if (a.type, b.type) in _WIDENINGS else "values of the old type may be rejected"
        change("type", f"Type of {where} changed from `{a.type}` to `{b.type}`", why, a.type, b.type)
    if a.required != b.required:
        state = "required" if b.required else "optional"
        why = "calls that omit it become invalid" if b.required else ""
        change("required", f"Property `{name}` of `{ev}` became {state}", why, a.required, b.required)
    out.extend(_value_changes(ev, a, b))
    if a.pattern != b.pattern:
        why = "values that do not match it become invalid" if b.pattern is not None else ""
        message = f"Pattern of {where} changed from {show(a.pattern)} to {show(b.pattern)}"
        change("pattern", message, why, a.pattern, b.pattern)
    if a.pii != b.pii:
        state = "now marked PII" if b.pii else "no longer marked PII"
        change("pii", f"Property `{name}` of `{ev}` {state}", before=a.pii, after=b.pii)
    if a.description != b.description:
        change("description", f"Description of {where} changed", before=a.description, after=b.description)
    return out


def _value_changes(ev: str, a: PropertySpec, b: PropertySpec) -> list[Change]:
    """Allowed values: a new restriction or a dropped value breaks calls; added values do not."""
    old, new = list(a.values), list(b.values)
    old_keys, new_keys = [_key(v) for v in old], [_key(v) for v in new]
    dropped = [v for v, k in zip(old, old_keys) if k not in new_keys]
    gained = [v for v, k in zip(new, new_keys) if k not in old_keys]
    # A mere reordering is not reported: the order of allowed values carries no meaning.
    if not dropped and not gained:
        return []
    where = f"`{ev}.{a.name}`"

    def change(message: str, why: str = "") -> Change:
        return Change("property_changed", ev, message, bool(why), why, a.name, "values", old, new)

    if not old:
        message = f"Property `{a.name}` of `{ev}` restricted to {_values(new)}"
        return [change(message, "other values become invalid")]
    if not new:
        return [change(f"Property `{a.name}` of `{ev}` no longer restricted to listed values")]
    out = []
    if dropped:
        message = f"Values {_values(dropped)} removed from {where}"
        out.append(change(message, "calls that send them become invalid"))
    if gained:
        out.append(change(f"Values {_values(gained)} added to {where}"))
    return out
