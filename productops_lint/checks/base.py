"""The shape every check shares: metadata, self-documenting examples, and the per-call entry point."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterator, Mapping

from ..types import Diagnostic, Fix, Severity, Span, TrackingCall

if TYPE_CHECKING:
    from ..registry.model import Plan


@dataclass(frozen=True)
class Valid:
    """Code on which the check reports nothing (with the shared example plan)."""

    code: str
    # Config fields (``Config`` attribute names) the example runs with, besides selecting the check.
    config: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code on which the check reports exactly ``messages``; ``fixed`` is the code after its fixes.

    ``fixed`` is compared after applying safe *and* unsafe fixes; None means no fix is offered.
    """

    code: str
    messages: tuple[str, ...]
    fixed: str | None = None
    # Config fields (``Config`` attribute names) the example runs with, besides selecting the check.
    config: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    """What a check may look at besides the call: the plan, and every call of the run (for cross-call checks)."""

    plan: "Plan"


class Check:
    """Base class. Subclasses set the class attributes and implement :meth:`check_call`."""

    code: ClassVar[str]
    name: ClassVar[str]
    default_severity: ClassVar[Severity] = Severity.ERROR
    # "safe", "unsafe", "sometimes" (both kinds, depending on the case), or None.
    fix_safety: ClassVar[str | None] = None
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        raise NotImplementedError

    # Helpers so every check builds diagnostics the same way.
    def diagnostic(
        self,
        call: TrackingCall,
        message: str,
        span: Span | None = None,
        fix: Fix | None = None,
        note: str | None = None,
        path: str | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            path=path or call.path,
            span=span or call.event_span or call.span,
            message=message,
            severity=self.default_severity,
            fix_title=fix.title if fix else None,
            fix=fix,
            note=note,
        )

    @classmethod
    def documentation(cls) -> str:
        """The docstring, dedented: the check's documentation page body."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first paragraph under "What it does", for tables and SARIF short descriptions."""
        doc = cls.documentation()
        match = re.search(r"## What it does\n(.+?)(\n\n|\Z)", doc, re.S)
        text = match.group(1) if match else doc.split("\n\n", 1)[0]
        return " ".join(text.split())
