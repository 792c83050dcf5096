"""The `json` format: a versioned document described in docs/json-format.md and schema/report.schema.json."""

from __future__ import annotations

# Absolute imports are the default, so this is the standard library's json, not this module.
import json
from typing import Any, Sequence

from ..baseline import fingerprints
from ..types import Diagnostic, Edit, Fix
from . import TOOL_NAME, ReportContext
from ._common import Position, catalogue, ordered

# Bump only for incompatible changes (a key renamed, removed or retyped); adding keys keeps it.
JSON_FORMAT_VERSION = 1


def _position(position: Position) -> dict[str, int]:
    return {
        "line": position.line,
        "column": position.column,
        "end_line": position.end_line,
        "end_column": position.end_column,
    }


def _edit(edit: Edit) -> dict[str, Any]:
    return {"path": edit.path, **_position(Position.of(edit.span)), "replacement": edit.replacement}


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "title": fix.title,
        "applicability": fix.applicability,
        "edits": [_edit(e) for e in fix.edits],
    }


def to_data(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> dict[str, Any]:
    """The report as plain data (what :func:`render` serializes)."""
    items = ordered(diagnostics)
    checks = catalogue(ctx) if items else {}
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": ctx.tool_version},
        "diagnostics": [
            {
                "code": d.code,
                "name": checks[d.code].name if d.code in checks else None,
                "severity": d.severity.value,
                "path": d.path,
                **_position(Position.of(d.span)),
                "message": d.message,
                "note": d.note,
                "fix": _fix(d.fix),
                "fingerprint": fp,
            }
            for d, fp in zip(items, fingerprints(items, ctx.sources))
        ],
    }


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    return json.dumps(to_data(diagnostics, ctx), indent=2, ensure_ascii=False) + "\n"
