"""A first plan from what the code already tracks: the JSON inventory that ``productops-lint calls`` prints."""

from __future__ import annotations

import json
from typing import Any, Mapping

from ...types import Location, Problem, UserError
from ..model import EventSpec, PropertySpec, plan_type_of
from .common import PLACEHOLDER_DESCRIPTION, ImportResult, IssueLog


def _merged_type(kinds: set[str]) -> str | None:
    if kinds == {"integer", "number"}:
        return "number"
    if len(kinds) == 1:
        return next(iter(kinds))
    return None


def _keys(props: list[Any], where: str, log: IssueLog) -> list[tuple[str, str | None]]:
    """(key, inferred type) per property: plain strings, or objects with ``key`` and maybe ``value``."""
    out: list[tuple[str, str | None]] = []
    for j, item in enumerate(props):
        if isinstance(item, str):
            out.append((item, None))
        elif isinstance(item, Mapping) and isinstance(key := item.get("key", item.get("name")), str):
            out.append((key, plan_type_of(item.get("value"))))
        else:
            log.add(f"{where}/properties/{j}", "property is neither a key nor an object with `key`; skipped")
    return out


def import_calls_inventory(text: str, source: str = "<calls>") -> ImportResult:
    """One event per resolved name, with the union of its call sites' property keys."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(Problem(Location(source, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}")) from None
    if not isinstance(doc, list):
        message = "expected a JSON array of calls (`productops-lint calls --format json`)"
        raise UserError(Problem(Location(source), message))
    log = IssueLog()
    # event -> property -> inferred types; insertion order keeps properties in first-seen order.
    found: dict[str, dict[str, set[str]]] = {}
    for i, call in enumerate(doc):
        where = f"/{i}"
        if not isinstance(call, Mapping):
            log.add(where, "not a call object; skipped")
            continue
        at = f"{call.get('path', '?')}:{call.get('line', '?')}"
        name = call.get("event")
        if call.get("dynamic") or not isinstance(name, str) or not name:
            kind = call.get("event_kind") or ("dynamic" if call.get("dynamic") else "unresolved")
            expr = call.get("event_expr") or "?"
            log.add(where, f"{kind} event name `{expr}` at {at} cannot be imported")
            continue
        props = found.setdefault(name, {})
        raw = call.get("properties")
        if raw is None:
            log.add(where, f"properties of `{name}` at {at} are not statically known")
            continue
        if not isinstance(raw, list):
            log.add(f"{where}/properties", "expected a list; ignored")
            continue
        if call.get("partial"):
            message = f"some properties of `{name}` at {at} are passed dynamically; only the known ones are imported"
            log.add(where, message)
        for key, kind in _keys(raw, where, log):
            kinds = props.setdefault(key, set())
            if kind is not None:
                kinds.add(kind)
    events = []
    for name in sorted(found):
        properties = {}
        for key, kinds in found[name].items():
            kind = _merged_type(kinds)
            if kinds and kind is None:
                log.add(name, f"property `{key}` is sent as {', '.join(sorted(kinds))}; typed as `string`")
            properties[key] = PropertySpec(name=key, type=kind or "string", location=Location(source))
        events.append(
            EventSpec(
                name=name,
                description=PLACEHOLDER_DESCRIPTION,
                properties=properties,
                location=Location(source),
            )
        )
    return log.result(source, events)

