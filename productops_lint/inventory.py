"""The `calls` inventory: every tracking call as JSON (documented shape) or text."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence

from .types import UNKNOWN, PropertyArg, TrackingCall


def _display_path(root: Path, path: str) -> str:
    """Paths relative to the current directory, as people and editors expect."""
    try:
        return os.path.relpath(root / path).replace(os.sep, "/")
    except ValueError:
        return path


def call_record(call: TrackingCall, root: Path, values: bool = False) -> dict[str, Any]:
    """One call as the documented JSON object; ``values`` gives each property as ``{key, value}``."""
    properties: list[Any] | None = call.property_keys
    if values and call.properties is not None:
        properties = [_property(p) for p in call.properties]
    return {
        "path": _display_path(root, call.path),
        "line": call.line,
        "column": call.column,
        "sdk": call.sdk,
        "event": call.event,
        "dynamic": call.event_kind == "dynamic",
        "event_kind": call.event_kind,
        "event_expr": call.event_expr,
        "event_parts": list(call.event_parts),
        "properties": properties,
        "partial": call.partial,
        "via": list(call.via),
        "role": call.role,
        "unresolved_reason": call.unresolved_reason or None,
    }


def _property(prop: PropertyArg) -> dict[str, Any]:
    """The key and, when statically known, a value of the same JSON type (the importer types from it)."""
    out: dict[str, Any] = {"key": prop.key}
    value = prop.value
    if value is UNKNOWN or value is None:
        return out
    if isinstance(value, (bool, int, float, str)):
        out["value"] = value
    elif isinstance(value, list):
        out["value"] = []
    elif isinstance(value, dict):
        out["value"] = {}
    return out


def calls_as_json(calls: Sequence[TrackingCall], root: Path, values: bool = False) -> str:
    return json.dumps([call_record(c, root, values) for c in calls], indent=2)


def calls_as_text(calls: Sequence[TrackingCall], root: Path) -> str:
    lines = []
    for c in calls:
        name = f"`{c.event}`" if c.event is not None else f"<{c.event_kind}: {c.event_expr or '?'}>"
        props = "?" if c.properties is None else ", ".join(c.property_keys or []) + (", ..." if c.partial else "")
        via = f"  via {' -> '.join(c.via)}" if c.via else ""
        via += "  (sink: named by its callers)" if c.role == "sink" else ""
        if c.event_kind == "unresolved" and c.role == "site" and c.unresolved_reason:
            via += f"  (unresolved: {c.unresolved_reason})"
        lines.append(f"{_display_path(root, c.path)}:{c.line}:{c.column}: {c.sdk} {name} {{{props}}}{via}")
    lines.append(f"{len(calls)} tracking call{'s' if len(calls) != 1 else ''}")
    return "\n".join(lines)
