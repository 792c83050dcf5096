"""Leaf module: the frozen value types every layer shares (spans, fixes, diagnostics, tracking calls)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any, Literal


class Severity(str, enum.Enum):
    """How much a finding matters; only ``error`` fails a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(
                f"unknown severity `{value}` (expected one of: error, warning, info)"
            ) from None


@dataclass(frozen=True, order=True)
class Span:
    """A source range. Lines are 1-based; columns are 0-based character offsets (libcst's convention).

    Renderers that show columns to people (text, SARIF, GitHub) add 1.
    """

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int = 0) -> "Span":
        return cls(line, col, line, col)


@dataclass(frozen=True)
class ImportRoot:
    """A folder (relative POSIX path, ``.`` for the project root) that module names are taken below."""

    path: str
    why: str


@dataclass(frozen=True)
class Edit:
    """Replace the text at ``span`` of ``path`` with ``replacement``."""

    path: str
    span: Span
    replacement: str


Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class Fix:
    """A set of edits that together resolve one diagnostic.

    Edits may touch another file than the diagnostic's own (a constant defined elsewhere).
    """

    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    """One finding. The CLI, hooks, SARIF and the GitHub App all render this one object."""

    code: str
    path: str
    span: Span
    message: str
    severity: Severity = Severity.ERROR
    fix_title: str | None = None
    fix: Fix | None = None
    # Why a fix was withheld (e.g. a shared constant); shown next to the message.
    note: str | None = None

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def column(self) -> int:
        """1-based column, as shown to people."""
        return self.span.start_col + 1

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return replace(self, severity=severity)


# A statically known Python value of a property, or UNKNOWN when it cannot be known.
class _Unknown:
    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
StaticValue = str | int | float | bool | None | list[Any] | dict[Any, Any] | _Unknown


@dataclass(frozen=True)
class PropertyArg:
    """One property key passed at a tracking call, with its value when statically known."""

    key: str
    # Where the key is written (a dict key string or a ``dict(k=...)`` keyword), in ``path``.
    key_span: Span
    value: StaticValue = UNKNOWN
    value_span: Span | None = None
    path: str = ""
    # Source text of the key node, so a fix can keep its quoting style.
    key_source: str = ""


@dataclass(frozen=True)
class NameOrigin:
    """Where a resolved event name is spelled out in source, so a fix can edit it there."""

    path: str
    span: Span
    # Source text of the string node (quotes included).
    source: str
    # Qualified name of the constant the literal is bound to, or None for a literal at the call.
    constant: str | None = None
    # How many other places read that constant for something else than an event name.
    other_uses: int = 0


EventKind = Literal["literal", "constant", "dynamic", "unresolved"]


@dataclass(frozen=True)
class TrackingCall:
    """A resolved tracking call: where it is, which SDK or wrapper, the event name and properties."""

    path: str
    span: Span
    sdk: str
    event: str | None
    event_kind: EventKind
    event_expr: str
    event_span: Span | None = None
    # Static fragments of a dynamic name (f-string, %, .format), in order.
    event_parts: tuple[str, ...] = ()
    # Prefix and suffix that wrappers add around the name passed at this call site.
    affix: tuple[str, str] = ("", "")
    origin: NameOrigin | None = None
    properties: tuple[PropertyArg, ...] | None = None
    partial: bool = False
    via: tuple[str, ...] = ()
    # "sink": the SDK call inside a wrapper, whose name its callers decide; they are reported
    # too, so checks look at them, not here. "site": every other call.
    role: Literal["site", "sink"] = "site"
    # Why an `unresolved` name could not be worked out ("a value read from a container").
    unresolved_reason: str = ""

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def column(self) -> int:
        return self.span.start_col + 1

    @property
    def property_keys(self) -> list[str] | None:
        return None if self.properties is None else [p.key for p in self.properties]


@dataclass(frozen=True)
class Location:
    """A place in a rule file or source file, for messages (``file:line:col``)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """A problem in a rule file or config: location plus reason. ``registry check`` lists these."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class UserError(Exception):
    """Bad input that stops a run (exit 2): carries every problem found, each with a location."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Location("<config>"), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))


__all__ = [
    "Applicability",
    "Diagnostic",
    "Edit",
    "EventKind",
    "Fix",
    "Location",
    "NameOrigin",
    "Problem",
    "PropertyArg",
    "Severity",
    "Span",
    "StaticValue",
    "TrackingCall",
    "UNKNOWN",
    "UserError",
]
