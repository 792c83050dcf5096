"""Helpers the renderers share: ordering, the check catalogue, 1-based positions, URIs and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence
from urllib.parse import quote

from ..types import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from ..checks.base import Check
    from . import ReportContext


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics by file, then position, so every format lists them the same way."""
    return sorted(diagnostics, key=lambda d: (d.path, d.span, d.code, d.message))


def catalogue(ctx: "ReportContext") -> Mapping[str, type["Check"]]:
    """The check classes for rule metadata; the full catalogue is imported only when asked for."""
    if ctx.checks is not None:
        return ctx.checks
    from .. import checks

    return checks.all_checks()


@dataclass(frozen=True)
class Position:
    """A span as people and most CI systems count: 1-based lines and columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, span: Span) -> "Position":
        return cls(span.start_line, span.start_col + 1, span.end_line, span.end_col + 1)


def message_with_note(d: Diagnostic) -> str:
    """The message, plus the note on its own line when there is one (formats with a single text field)."""
    return f"{d.message}\nnote: {d.note}" if d.note else d.message


def artifact_uri(path: str, root: str) -> tuple[str, bool]:
    """A URI for ``path`` and whether it is relative to ``root`` (else it is an absolute file URI)."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute() or PurePath(path).is_absolute():
        try:
            posix = PurePath(path).relative_to(PurePath(root)).as_posix()
        except ValueError:
            return PurePath(path).as_uri(), False
    return quote(PurePosixPath(posix).as_posix()), True


def root_uri(root: str) -> str | None:
    """``root`` as a directory file URI (trailing slash), or None when it is relative and so unknown."""
    pure = PurePath(root)
    if not pure.is_absolute():
        return None
    return pure.as_uri().rstrip("/") + "/"


@dataclass(frozen=True)
class Counts:
    """How many problems of each kind, for summaries."""

    total: int
    by_severity: Mapping[Severity, int]
    files: int
    safe_fixes: int
    unsafe_fixes: int

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic]) -> "Counts":
        severities = Counter(d.severity for d in diagnostics)
        fixes = Counter(d.fix.applicability for d in diagnostics if d.fix is not None)
        return cls(
            total=len(diagnostics),
            by_severity={s: severities.get(s, 0) for s in Severity},
            files=len({d.path for d in diagnostics}),
            safe_fixes=fixes.get("safe", 0),
            unsafe_fixes=fixes.get("unsafe", 0),
        )


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"
