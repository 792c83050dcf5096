"""The `gitlab` format: a GitLab Code Quality report (a JSON array of Code Climate issues)."""

from __future__ import annotations

import json
from typing import Any, Sequence

from ..baseline import fingerprints
from ..types import Diagnostic, Severity
from . import ReportContext
from ._common import ordered

# GitLab's scale is info/minor/major/critical/blocker. The top two are kept for crashes and
# security holes, which a tracking-plan mismatch is not; an error that fails the run is `major`.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def to_data(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> list[dict[str, Any]]:
    """The report as plain data (what :func:`render` serializes)."""
    items = ordered(diagnostics)
    return [
        {
            "type": "issue",
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            # GitLab matches issues between the base and head pipelines by this, so it must not
            # change when lines move: it is the baseline fingerprint.
            "fingerprint": fp,
            "severity": SEVERITY[d.severity],
            "location": {
                "path": d.path,
                "lines": {"begin": d.span.start_line, "end": d.span.end_line},
            },
        }
        for d, fp in zip(items, fingerprints(items, ctx.sources))
    ]


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    return json.dumps(to_data(diagnostics, ctx), indent=2, ensure_ascii=False) + "\n"
