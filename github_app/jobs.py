"""What `productops-app jobs` shows: each job's delivery, event, repo, PR and head, as a table or JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Mapping

from .store_base import JobRecord


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _numbers(items: Any) -> list[int]:
    found = [_dict(item).get("number") for item in items] if isinstance(items, list) else []
    return [n for n in found if isinstance(n, int)]


def describe(record: JobRecord) -> dict[str, Any]:
    """The fields an operator needs to recognise a job, read from its stored delivery."""
    payload = _dict(record.data.get("payload"))
    action = payload.get("action")
    name = str(record.data.get("name", "?"))
    event = f"{name}.{action}" if isinstance(action, str) else name
    pr, suite, run = _dict(payload.get("pull_request")), _dict(payload.get("check_suite")), _dict(payload.get("check_run"))
    issue = _dict(payload.get("issue"))
    prs = _numbers([pr or issue]) or _numbers(suite.get("pull_requests")) or _numbers(run.get("pull_requests"))
    head = _dict(pr.get("head")).get("sha") or suite.get("head_sha") or run.get("head_sha")
    return {
        "id": record.id,
        "state": record.state,
        "delivery": str(record.data.get("delivery", record.id)),
        "event": event,
        "repo": _dict(payload.get("repository")).get("full_name"),
        "prs": prs,
        "head": head if isinstance(head, str) else None,
        "attempts": record.attempts,
        "at": datetime.fromtimestamp(record.at, timezone.utc).isoformat(timespec="seconds"),
        "owner": record.owner,
        "reason": record.reason,
    }


_COLUMNS = ("state", "delivery", "event", "repo", "prs", "head", "attempts", "at")


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row[column]
    if column == "prs":
        return ",".join(f"#{n}" for n in value) or "-"
    if column == "head":
        return value[:7] if value else "-"
    return "-" if value is None else str(value)


def as_text(records: list[JobRecord]) -> str:
    """An aligned table, one job a line; a dead job's reason on the line below it."""
    if not records:
        return "no jobs queued, running or dead\n"
    rows = [describe(record) for record in records]
    cells = [[column.upper() for column in _COLUMNS]] + [[_cell(row, c) for c in _COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells[:1]]
    for row, line in zip(rows, cells[1:]):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if row["reason"]:
            lines.append(f"    reason: {row['reason']}")
    return "\n".join(lines) + "\n"


def as_json(records: list[JobRecord]) -> str:
    return json.dumps([describe(record) for record in records], indent=2) + "\n"
