"""The plan as a spreadsheet: one CSV row per property, with the event's columns repeated on each."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Mapping

from ...types import Location, Problem, UserError
from ..model import PROPERTY_TYPES, EventSpec, Plan, PropertySpec
from .common import ImportResult, IssueLog, blank_to_placeholder, checked_status, parse_bool

EVENT_COLUMNS = (
    "event",
    "description",
    "owner",
    "status",
    "replaced_by",
    "sunset",
    "epic",
    "must_track",
    "area",
    "meta",
)
PROPERTY_COLUMNS = ("property", "type", "values", "required", "pii", "property_description", "pattern")
COLUMNS = EVENT_COLUMNS + PROPERTY_COLUMNS
# Headers people write by hand in spreadsheets, folded onto ours.
_ALIASES = {
    "name": "event",
    "event_name": "event",
    "event_description": "description",
    "property_name": "property",
    "property_type": "type",
}


def _bool(flag: bool) -> str:
    return "true" if flag else ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def export_csv(plan: Plan) -> str:
    """One row per property; an event without properties gets one row with empty property cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for ev in plan.events.values():
        event_cells = [
            ev.name,
            ev.description,
            ev.owner or "",
            ev.status,
            ev.replaced_by or "",
            ev.sunset or "",
            ev.epic or "",
            _bool(ev.must_track),
            ev.area or "",
            _json(dict(ev.meta)) if ev.meta else "",
        ]
        if not ev.properties:
            writer.writerow(event_cells + [""] * len(PROPERTY_COLUMNS))
        for p in ev.properties.values():
            writer.writerow(
                event_cells
                + [
                    p.name,
                    p.type,
                    # JSON keeps value types (1 vs "1") that a plain list would lose.
                    _json(list(p.values)) if p.values else "",
                    _bool(p.required),
                    _bool(p.pii),
                    p.description,
                    "" if p.pattern is None else p.pattern,
                ]
            )
    return out.getvalue()


def _header(name: str) -> str:
    folded = name.strip().lower().replace(" ", "_").replace("-", "_")
    return _ALIASES.get(folded, folded)


def import_csv(text: str, source: str = "<csv>") -> ImportResult:
    """Events from CSV rows; event columns come from an event's first row, later rows may leave them empty."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise UserError(Problem(Location(source), f"invalid CSV: {exc}")) from None
    if not rows:
        raise UserError(Problem(Location(source), "the CSV file is empty"))
    headers = [_header(h) for h in rows[0]]
    if "event" not in headers:
        raise UserError(Problem(Location(source, 1), "no `event` column"))
    log = IssueLog()
    for h, raw in zip(headers, rows[0]):
        if h not in COLUMNS:
            log.add("row 1", f"column `{raw}` is not mapped; ignored")
    firsts: dict[str, tuple[int, dict[str, str]]] = {}
    props: dict[str, dict[str, PropertySpec]] = {}
    for number, cells in enumerate(rows[1:], start=2):
        # The first occurrence of a header wins, like a reader scanning left to right.
        row: dict[str, str] = {}
        for h, cell in zip(headers, cells):
            row.setdefault(h, cell)
        if not any(c.strip() for c in cells):
            continue
        where = f"row {number}"
        name = row.get("event", "").strip()
        if not name:
            log.add(where, "no event name; row skipped")
            continue
        if name not in firsts:
            firsts[name] = (number, row)
            props[name] = {}
        else:
            _check_repeat(firsts[name], row, where, log)
        prop = row.get("property", "").strip()
        if not prop:
            continue
        if prop in props[name]:
            log.add(where, f"duplicate property `{prop}` of `{name}`; kept the first")
            continue
        props[name][prop] = _property(prop, row, where, Location(source, number), log)
    events = [
        _event(name, number, row, props[name], Location(source, number), log)
        for name, (number, row) in firsts.items()
    ]
    return log.result(source, events)


def _check_repeat(
    first: tuple[int, Mapping[str, str]], row: Mapping[str, str], where: str, log: IssueLog
) -> None:
    number, first_row = first
    for col in EVENT_COLUMNS[1:]:
        value = row.get(col, "")
        if value and value != first_row.get(col, ""):
            log.add(where, f"`{col}` differs from row {number}; kept row {number}'s value")


def _flag(row: Mapping[str, str], col: str, where: str, log: IssueLog) -> bool:
    value = parse_bool(row.get(col, ""))
    if value is None:
        log.add(where, f"`{col}` is `{row[col]}`, not a yes/no value; read as no")
        return False
    return value


def _optional(row: Mapping[str, str], col: str) -> str | None:
    value = row.get(col, "")
    return value if value else None


def _event(
    name: str,
    number: int,
    row: Mapping[str, str],
    properties: dict[str, PropertySpec],
    loc: Location,
    log: IssueLog,
) -> EventSpec:
    where = f"row {number}"
    meta: Any = {}
    if row.get("meta"):
        try:
            meta = json.loads(row["meta"])
        except json.JSONDecodeError:
            meta = None
        if not isinstance(meta, dict):
            log.add(where, "`meta` is not a JSON object; ignored")
            meta = {}
    return EventSpec(
        name=name,
        description=blank_to_placeholder(row.get("description")),
        owner=_optional(row, "owner"),
        status=checked_status(row.get("status") or "active", where, log),
        replaced_by=_optional(row, "replaced_by"),
        sunset=_optional(row, "sunset"),
        epic=_optional(row, "epic"),
        must_track=_flag(row, "must_track", where, log),
        area=_optional(row, "area"),
        properties=properties,
        meta=meta,
        location=loc,
    )


def _property(name: str, row: Mapping[str, str], where: str, loc: Location, log: IssueLog) -> PropertySpec:
    kind = row.get("type", "").strip() or "string"
    if kind not in PROPERTY_TYPES:
        log.add(where, f"unknown type `{kind}` of `{name}`; typed as `string`")
        kind = "string"
    return PropertySpec(
        name=name,
        type=kind,
        values=_values(row.get("values", ""), kind, where, log),
        required=_flag(row, "required", where, log),
        pii=_flag(row, "pii", where, log),
        description=row.get("property_description", ""),
        pattern=_optional(row, "pattern"),
        location=loc,
    )


def _values(cell: str, kind: str, where: str, log: IssueLog) -> tuple[Any, ...]:
    """A JSON array (what export writes) or ``a|b|c`` (what people type), read per the property's type."""
    if not cell.strip():
        return ()
    if cell.lstrip().startswith("["):
        try:
            parsed = json.loads(cell)
        except json.JSONDecodeError:
            log.add(where, "`values` looks like JSON but is not; read as `|`-separated text")
        else:
            if isinstance(parsed, list):
                return tuple(parsed)
    return tuple(_coerce(part.strip(), kind) for part in cell.split("|"))


def _coerce(text: str, kind: str) -> Any:
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and parse_bool(text) is not None and text:
        return parse_bool(text)
    return text
