"""JSON Schema per event, the format Segment Protocols, Amplitude Data and RudderStack plans share."""

from __future__ import annotations

import json
from typing import Any, Mapping

from ...types import Location, Problem, UserError
from ..model import EventSpec, Plan, PropertySpec
from .common import ImportResult, IssueLog, blank_to_placeholder, checked_status

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_SIMPLE_TYPES = {"string", "integer", "number", "boolean", "array", "object"}
# Plan fields that JSON Schema has no word for; they travel under this key and round-trip exactly.
EXTENSION = "x-productops"
_EXTENSION_KEYS = ("owner", "status", "epic", "replaced_by", "sunset", "must_track", "area", "meta")
# Keywords read into the plan, and annotations that carry nothing the plan would check.
_HANDLED = {"type", "format", "enum", "const", "pattern", "description", "x-pii", "x-productops-type"}
_ANNOTATIONS = {"title", "examples", "default", "$comment", "readOnly", "writeOnly", "$id", "$schema"}
_UNSUPPORTED = {"oneOf", "anyOf", "allOf", "not", "$ref", "if", "then", "else"}
_EVENT_KEYS = {"name", "description", "schema", EXTENSION}


def property_schema(p: PropertySpec) -> dict[str, Any]:
    """Draft-07 schema of one property."""
    out: dict[str, Any] = {}
    if p.type == "datetime":
        out.update(type="string", format="date-time")
    elif p.type in _SIMPLE_TYPES:
        out["type"] = p.type
    elif p.type != "enum":
        # A type this version does not know still round-trips, without claiming a JSON type.
        out["x-productops-type"] = p.type
    if p.values or p.type == "enum":
        out["enum"] = list(p.values)
    if p.pattern is not None:
        out["pattern"] = p.pattern
    if p.description:
        out["description"] = p.description
    out["x-pii"] = p.pii
    return out


def event_schema(ev: EventSpec) -> dict[str, Any]:
    """One event as ``{"name", "description", "schema", "x-productops"}``."""
    schema: dict[str, Any] = {
        "$schema": DRAFT_07,
        "title": ev.name,
        "type": "object",
        "properties": {name: property_schema(p) for name, p in ev.properties.items()},
    }
    if ev.required_properties:
        schema["required"] = ev.required_properties
    # The linter flags undeclared properties, so the schema forbids them too.
    schema["additionalProperties"] = False
    extension = {key: getattr(ev, key) for key in _EXTENSION_KEYS}
    extension["meta"] = dict(ev.meta)
    return {"name": ev.name, "description": ev.description, "schema": schema, EXTENSION: extension}


def export_json_schema(plan: Plan) -> dict[str, Any]:
    """The whole plan as ``{"events": [...]}``, in plan order."""
    return {"events": [event_schema(ev) for ev in plan.events.values()]}


def render_json_schema(plan: Plan) -> str:
    return json.dumps(export_json_schema(plan), indent=2, ensure_ascii=False, default=str) + "\n"


def _pointer_part(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def import_json_schema(text: str, source: str = "<json>") -> ImportResult:
    """Events from an ``{"events": [...]}`` document (or a bare list of event entries)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(Problem(Location(source, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}")) from None
    if isinstance(doc, Mapping) and isinstance(doc.get("events"), list):
        entries, base = doc["events"], "/events"
    elif isinstance(doc, list):
        entries, base = doc, ""
    else:
        raise UserError(Problem(Location(source), 'expected {"events": [...]} or a list of events'))
    log = IssueLog()
    seen: dict[str, str] = {}
    events: list[EventSpec] = []
    for i, entry in enumerate(entries):
        where = f"{base}/{i}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str) or not entry["name"]:
            log.add(where, "entry has no event name; skipped")
            continue
        name = entry["name"]
        if name in seen:
            log.add(where, f"duplicate event name `{name}` (first at {seen[name]}); skipped")
            continue
        seen[name] = where
        events.append(_event(entry, where, Location(source), log))
    return log.result(source, events)


def _event(entry: Mapping[str, Any], where: str, loc: Location, log: IssueLog) -> EventSpec:
    for key in entry:
        if key not in _EVENT_KEYS:
            log.add(f"{where}/{_pointer_part(str(key))}", f"key `{key}` is not mapped; ignored")
    ext = entry.get(EXTENSION) or {}
    if not isinstance(ext, Mapping):
        log.add(f"{where}/{EXTENSION}", "expected an object; ignored")
        ext = {}
    for key in ext:
        if key not in _EXTENSION_KEYS:
            log.add(f"{where}/{EXTENSION}/{_pointer_part(str(key))}", f"key `{key}` is not mapped; ignored")
    meta = ext.get("meta") or {}
    if not isinstance(meta, Mapping):
        log.add(f"{where}/{EXTENSION}/meta", "expected an object; ignored")
        meta = {}
    schema = entry.get("schema") or {}
    description = entry.get("description")
    if description is None and isinstance(schema, Mapping):
        description = schema.get("description")
    sunset = ext.get("sunset")
    return EventSpec(
        name=entry["name"],
        description=blank_to_placeholder(description),
        owner=ext.get("owner"),
        status=checked_status(ext.get("status", "active"), f"{where}/{EXTENSION}/status", log),
        replaced_by=ext.get("replaced_by"),
        sunset=None if sunset is None else str(sunset),
        epic=ext.get("epic"),
        must_track=bool(ext.get("must_track", False)),
        area=ext.get("area"),
        properties=_properties(schema, f"{where}/schema", loc, log),
        meta=dict(meta),
        location=loc,
    )


def _unwrap(schema: Mapping[str, Any], where: str) -> tuple[Mapping[str, Any], str]:
    """Segment-style schemas nest the event's properties under ``properties.properties``."""
    props = schema.get("properties")
    if isinstance(props, Mapping) and set(props) <= {"properties", "context", "traits"}:
        inner = props.get("properties")
        if isinstance(inner, Mapping) and ("properties" in inner or inner.get("type") == "object"):
            return inner, f"{where}/properties/properties"
    return schema, where


def _properties(schema: Any, where: str, loc: Location, log: IssueLog) -> dict[str, PropertySpec]:
    if not isinstance(schema, Mapping):
        log.add(where, "schema is not an object; no properties imported")
        return {}
    schema, where = _unwrap(schema, where)
    for key in sorted(_UNSUPPORTED & set(schema)):
        log.add(f"{where}/{_pointer_part(key)}", f"unsupported JSON Schema construct `{key}`; ignored")
    if schema.get("additionalProperties", True) is not False:
        log.add(where, "undeclared properties are allowed here, but the plan rejects them")
    for key in ("patternProperties", "dependencies", "propertyNames"):
        if key in schema:
            log.add(f"{where}/{key}", f"`{key}` is not carried by the plan; ignored")
    props = schema.get("properties") or {}
    if not isinstance(props, Mapping):
        log.add(f"{where}/properties", "expected an object; no properties imported")
        return {}
    required = schema.get("required") or []
    if not isinstance(required, list):
        log.add(f"{where}/required", "expected a list; ignored")
        required = []
    for name in required:
        if name not in props:
            log.add(f"{where}/required", f"required property `{name}` is not declared; ignored")
    return {
        str(name): _property(
            str(name), sub, name in required, f"{where}/properties/{_pointer_part(str(name))}", loc, log
        )
        for name, sub in props.items()
    }


def _property(
    name: str, sub: Any, required: bool, where: str, loc: Location, log: IssueLog
) -> PropertySpec:
    if not isinstance(sub, Mapping):
        log.add(where, "schema is not an object; typed as `string`")
        return PropertySpec(name=name, required=required, location=loc)
    for key in sub:
        if key in _UNSUPPORTED:
            log.add(f"{where}/{_pointer_part(key)}", f"unsupported JSON Schema construct `{key}`; ignored")
        elif key not in _HANDLED and key not in _ANNOTATIONS and not str(key).startswith("x-"):
            message = f"keyword `{key}` is not carried by the plan; ignored"
            log.add(f"{where}/{_pointer_part(str(key))}", message)
    values: tuple[Any, ...] = ()
    if "enum" in sub:
        if isinstance(sub["enum"], list):
            values = tuple(sub["enum"])
        else:
            log.add(f"{where}/enum", "expected a list; ignored")
    elif "const" in sub:
        values = (sub["const"],)
    pattern = sub.get("pattern")
    return PropertySpec(
        name=name,
        type=_type(sub, where, log),
        values=values,
        required=required,
        pii=bool(sub.get("x-pii", False)),
        description=str(sub.get("description", "") or ""),
        pattern=None if pattern is None else str(pattern),
        location=loc,
    )


def _type(sub: Mapping[str, Any], where: str, log: IssueLog) -> str:
    if "x-productops-type" in sub:
        return str(sub["x-productops-type"])
    raw = sub.get("type")
    if raw is None:
        if "enum" in sub:
            return "enum"
        if "const" not in sub:
            log.add(where, "no `type`; typed as `string`")
        return "string"
    kinds = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    if "null" in kinds and len(kinds) > 1:
        log.add(f"{where}/type", "`null` is not a plan type; the property is optional instead")
        kinds = [k for k in kinds if k != "null"]
    if len(kinds) != 1:
        log.add(f"{where}/type", f"type `{json.dumps(raw)}` has no single plan type; typed as `string`")
        return "string"
    kind = kinds[0]
    fmt = sub.get("format")
    if kind == "string" and fmt in ("date-time", "date"):
        if fmt == "date":
            log.add(f"{where}/format", "format `date` imported as `datetime`")
        return "datetime"
    if fmt is not None:
        log.add(f"{where}/format", f"format `{fmt}` is not carried by the plan; ignored")
    if kind not in _SIMPLE_TYPES:
        log.add(f"{where}/type", f"unknown type `{kind}`; typed as `string`")
        return "string"
    return kind
