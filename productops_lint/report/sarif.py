"""The `sarif` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..baseline import fingerprints
from ..types import Diagnostic, Edit, Fix, Severity
from . import TOOL_NAME, ReportContext
from ._common import Position, artifact_uri, catalogue, message_with_note, ordered, root_uri

if TYPE_CHECKING:
    from ..checks.base import Check

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# Versioned per the SARIF convention for partialFingerprints keys; bump if the fingerprint changes.
FINGERPRINT_KEY = "productopsLint/v1"

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _section(doc: str, heading: str) -> str:
    """The body of a ``## heading`` section of a check's documentation, whitespace collapsed."""
    match = re.search(rf"^##\s*{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", doc, re.S | re.M)
    return " ".join(match.group(1).split()) if match else ""


def _rule(code: str, check: type["Check"] | None) -> dict[str, Any]:
    if check is None:
        # A code outside the catalogue still needs a rule so `ruleIndex` can point somewhere.
        return {"id": code, "shortDescription": {"text": code}}
    doc = check.documentation()
    summary = check.summary() or check.name
    full = " ".join(p for p in (_section(doc, "What it does"), _section(doc, "Why is this bad?")) if p)
    return {
        "id": code,
        "name": check.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full or summary},
        "help": {"text": doc or summary, "markdown": doc or summary},
        "defaultConfiguration": {"level": LEVEL[check.default_severity]},
    }


def _rules(diagnostics: Sequence[Diagnostic], checks: Mapping[str, type["Check"]]) -> list[dict[str, Any]]:
    # Every check is listed, not just those that fired, so viewers can show what was checked.
    codes = sorted(set(checks) | {d.code for d in diagnostics})
    return [_rule(code, checks.get(code)) for code in codes]


def _artifact_location(path: str, root: str) -> dict[str, str]:
    uri, relative = artifact_uri(path, root)
    return {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}


def _region(position: Position) -> dict[str, int]:
    return {
        "startLine": position.line,
        "startColumn": position.column,
        "endLine": position.end_line,
        "endColumn": position.end_column,
    }


def _fix(fix: Fix, root: str) -> dict[str, Any]:
    by_path: dict[str, list[Edit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": _artifact_location(path, root),
                "replacements": [
                    {
                        "deletedRegion": _region(Position.of(edit.span)),
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in edits
                ],
            }
            for path, edits in by_path.items()
        ],
        # SARIF has no notion of fix safety; keep ours so consumers can tell.
        "properties": {"applicability": fix.applicability},
    }


def _result(d: Diagnostic, fp: str, rule_index: int, root: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVEL[d.severity],
        "message": {"text": message_with_note(d)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(d.path, root),
                    "region": _region(Position.of(d.span)),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
    }
    if d.fix is not None:
        result["fixes"] = [_fix(d.fix, root)]
    return result


def to_data(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> dict[str, Any]:
    """The SARIF log as plain data (what :func:`render` serializes)."""
    items = ordered(diagnostics)
    rules = _rules(items, catalogue(ctx))
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": ctx.tool_version,
                "informationUri": ctx.information_uri,
                "rules": rules,
            }
        },
        # Columns count characters (libcst's convention), not SARIF's default UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(d, fp, index[d.code], ctx.root)
            for d, fp in zip(items, fingerprints(items, ctx.sources))
        ],
    }
    base = root_uri(ctx.root)
    if base is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    return json.dumps(to_data(diagnostics, ctx), indent=2, ensure_ascii=False) + "\n"
