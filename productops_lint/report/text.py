"""The `text` format: one `path:line:col: CODE message` line per finding, then a summary (colour optional)."""

from __future__ import annotations

import io
from typing import Sequence

from ..types import Diagnostic, Severity
from . import ReportContext
from ._common import Counts, ordered, plural

# A line is built as (text, rich style) segments, so the plain and coloured outputs cannot drift apart.
Segment = tuple[str, str]
Line = list[Segment]

_CODE_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold blue",
}


def _diagnostic_lines(d: Diagnostic) -> list[Line]:
    # Only a safe fix is applied by `--fix` alone, so only it earns the marker (as in Ruff).
    fixable = d.fix is not None and d.fix.applicability == "safe"
    head: Line = [
        (d.path, "bold"),
        (":", "cyan"),
        (str(d.line), ""),
        (":", "cyan"),
        (str(d.column), ""),
        (":", "cyan"),
        (" ", ""),
        (d.code, _CODE_STYLE[d.severity]),
        (" [*]" if fixable else "", "cyan"),
        (" ", ""),
        (d.message, ""),
    ]
    lines = [head]
    if d.note:
        lines.append([("  note: ", "bold"), (d.note, "")])
    if d.fix_title:
        lines.append([("  help: ", "bold cyan"), (d.fix_title, "")])
    return lines


def _summary(counts: Counts, ctx: ReportContext) -> list[Line]:
    checked = f" ({plural(ctx.files_checked, 'file')} checked)" if ctx.files_checked else ""
    if counts.total == 0:
        lines: list[Line] = [[("All checks passed", "bold green"), (checked, "")]]
    else:
        kinds = [
            plural(counts.by_severity[Severity.ERROR], "error"),
            plural(counts.by_severity[Severity.WARNING], "warning"),
        ]
        if counts.by_severity[Severity.INFO]:
            kinds.append(plural(counts.by_severity[Severity.INFO], "info", "infos"))
        where = plural(counts.files, "file")
        if ctx.files_checked:
            where = f"{counts.files} of {plural(ctx.files_checked, 'file')}"
        text = f"Found {plural(counts.total, 'problem')} ({', '.join(kinds)}) in {where}"
        lines = [[(text, "bold")]]
        fixes = []
        if counts.safe_fixes:
            fixes.append(f"{counts.safe_fixes} fixable with `--fix`")
        if counts.unsafe_fixes:
            more = "more" if counts.safe_fixes else "fixable"
            fixes.append(f"{counts.unsafe_fixes} {more} with `--fix --unsafe-fixes`")
        if fixes:
            lines[0].append(("; " + ", ".join(fixes), ""))
    if ctx.baselined:
        lines.append([(f"{plural(ctx.baselined, 'known problem')} hidden by the baseline", "dim")])
    return lines


def _plain(lines: Sequence[Line]) -> str:
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


def _colored(lines: Sequence[Line]) -> str:
    # Imported here so plain output (pipes, CI logs) never pays for rich.
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        width=100_000,
    )
    for line in lines:
        console.print(Text.assemble(*line), soft_wrap=True)
    return buffer.getvalue()


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    """Findings sorted by file and position, a blank line, then the summary."""
    items = ordered(diagnostics)
    lines: list[Line] = [line for d in items for line in _diagnostic_lines(d)]
    if items:
        lines.append([])
    lines.extend(_summary(Counts.of(items), ctx))
    return _colored(lines) if ctx.color else _plain(lines)
