"""A PR check's result as Markdown: the sticky comment's "Epic" and "Launch checklist" sections, and check-run text."""

from __future__ import annotations

from .types import ACTION_REQUIRED, FAILURE, NEUTRAL, SUCCESS, CheckResult, ItemResult

CONCLUSION_ICONS = {SUCCESS: "✅", FAILURE: "❌", ACTION_REQUIRED: "⚠️", NEUTRAL: "➖"}
STATUS_ICONS = {"passed": "✅", "failed": "❌", "pending": "⏳", "n/a": "➖", "optional": "◻️"}


def _cell(text: str) -> str:
    # A pipe or a newline would end the table cell early.
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def status_cell(item: ItemResult) -> str:
    label = item.status if item.required or item.status in ("optional", "passed", "n/a") else f"{item.status} (not required)"
    return f"{STATUS_ICONS.get(item.status, '')} {label}".strip()


def items_table(result: CheckResult) -> str:
    """One row per item: status, item (and whether it is automatic or optional), owner, details."""
    if not result.items:
        return ""
    with_owner = any(i.owner for i in result.items)
    head = "| Status | Item |" + (" Owner |" if with_owner else "") + " Details |"
    rule = "| --- | --- |" + (" --- |" if with_owner else "") + " --- |"
    rows = [head, rule]
    for item in result.items:
        kinds = [k for k, on in (("automatic", item.automatic), ("optional", not item.required)) if on]
        name = _cell(item.title) + (f" _({', '.join(kinds)})_" if kinds else "")
        owner = f" {_cell(item.owner or '')} |" if with_owner else ""
        rows.append(f"| {status_cell(item)} | {name} |{owner} {_cell(item.reason)} |")
    return "\n".join(rows)


def section(result: CheckResult) -> str:
    """The sticky-comment section body (the front end adds the `### Epic` / `### Launch checklist` heading)."""
    parts = [f"{CONCLUSION_ICONS.get(result.conclusion, '')} **{result.title}**".strip()]
    if result.summary:
        parts.append(result.summary)
    table = items_table(result)
    # The epic's only item repeats its summary; a table earns its place from two rows up.
    if table and (len(result.items) > 1 or result.name.endswith("launch-checklist")):
        parts.append(table)
    if result.text:
        parts.append(result.text)
    return "\n\n".join(parts)


def check_text(result: CheckResult) -> str:
    """The check run's `output.text`: the how-to text, then the items table."""
    return "\n\n".join(part for part in (result.text, items_table(result)) if part)


def plain(result: CheckResult) -> str:
    """The result for a terminal or an Actions log."""
    lines = [f"{result.name}: {result.conclusion}: {result.title}"]
    for item in result.items:
        lines.append(f"  [{item.status}] {item.title}" + (f": {item.reason}" if item.reason else ""))
    if result.text:
        lines += ["", *("  " + line for line in result.text.splitlines())]
    return "\n".join(lines)
