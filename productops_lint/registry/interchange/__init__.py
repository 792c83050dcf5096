"""Plan import and export: JSON Schema per event, CSV, and the ``calls`` inventory, all to rule-file YAML."""

from __future__ import annotations

import json

from ..model import Plan
from .common import (
    PLACEHOLDER_DESCRIPTION,
    ImportIssue,
    ImportReport,
    ImportResult,
    event_to_data,
    events_to_yaml,
)
from .csv_table import COLUMNS, export_csv, import_csv
from .inventory import import_calls_inventory
from .json_schema import export_json_schema, import_json_schema, render_json_schema

EXPORT_FORMATS = ("json-schema", "csv")
IMPORT_FORMATS = ("json-schema", "csv", "calls")


def export_plan(plan: Plan, fmt: str) -> str:
    """The plan as text in one of ``EXPORT_FORMATS``."""
    if fmt == "json-schema":
        return render_json_schema(plan)
    if fmt == "csv":
        return export_csv(plan)
    raise ValueError(f"unknown export format `{fmt}`")


def import_plan(text: str, fmt: str, source: str) -> ImportResult:
    """Events from text in one of ``IMPORT_FORMATS``; ``source`` names it in the report."""
    if fmt == "json-schema":
        return import_json_schema(text, source)
    if fmt == "csv":
        return import_csv(text, source)
    if fmt == "calls":
        return import_calls_inventory(text, source)
    raise ValueError(f"unknown import format `{fmt}`")


def detect_format(name: str, text: str) -> str | None:
    """Guess the import format from a file name and its text: CSV by suffix, JSON by its shape."""
    if name.lower().endswith((".csv", ".tsv")):
        return "csv"
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    # The inventory is an array of calls; an array of named event entries is JSON Schema export.
    if isinstance(doc, dict) and "events" in doc:
        return "json-schema"
    if isinstance(doc, list):
        if all(isinstance(x, dict) and "path" in x and "line" in x for x in doc):
            return "calls"
        if all(isinstance(x, dict) and "name" in x for x in doc):
            return "json-schema"
    return None


__all__ = [
    "COLUMNS",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "PLACEHOLDER_DESCRIPTION",
    "ImportIssue",
    "ImportReport",
    "ImportResult",
    "detect_format",
    "event_to_data",
    "events_to_yaml",
    "export_csv",
    "export_json_schema",
    "export_plan",
    "import_calls_inventory",
    "import_csv",
    "import_json_schema",
    "import_plan",
    "render_json_schema",
]
