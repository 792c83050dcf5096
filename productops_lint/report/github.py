"""The `github` format: GitHub Actions workflow commands, which show findings as annotations on the diff."""

from __future__ import annotations

from typing import Sequence

from ..types import Diagnostic, Severity
from . import ReportContext
from ._common import Position, message_with_note, ordered

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message so newlines and `%` survive (the runner decodes these)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value; `:` and `,` would otherwise end the value early."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(d: Diagnostic) -> str:
    position = Position.of(d.span)
    properties = [
        ("file", d.path),
        ("line", str(position.line)),
        ("col", str(position.column)),
        ("endLine", str(position.end_line)),
    ]
    # GitHub uses column ranges only within one line; across lines it keeps just the lines.
    if position.end_line == position.line:
        properties.append(("endColumn", str(position.end_column)))
    properties.append(("title", d.code))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMAND[d.severity]} {joined}::{escape_data(message_with_note(d))}"


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    """One workflow command per finding; nothing at all when clean."""
    del ctx  # Annotations need nothing beyond the diagnostics.
    return "".join(_command(d) + "\n" for d in ordered(diagnostics))
