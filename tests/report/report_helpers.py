"""Sample findings, sources and a tiny stand-in check catalogue for the report and baseline tests."""

from __future__ import annotations

from typing import Any

from productops_lint.checks.base import Check
from productops_lint.report import ReportContext
from productops_lint.types import Diagnostic, Edit, Fix, Severity, Span


class UnknownEvent(Check):
    """Flags tracking calls whose event is not in the tracking plan.

    ## What it does
    Checks that every tracked event name is declared in the
    tracking plan.

    ## Why is this bad?
    Events outside the plan land in dashboards nobody reads.

    ## Example
    ```python
    analytics.track(user_id, "Chekout Started")
    ```

    Use instead:
    ```python
    analytics.track(user_id, "Checkout Started")
    ```
    """

    code = "PO101"
    name = "unknown-event"
    default_severity = Severity.ERROR
    fix_safety = "sometimes"


class UndeclaredProperty(Check):
    """## What it does
    Checks that properties are declared for their event.
    """

    code = "PO201"
    name = "undeclared-property"
    default_severity = Severity.WARNING


class DeprecatedEvent(Check):
    """## What it does
    Flags events the plan marks as deprecated.

    ## Why is this bad?
    Deprecated events are about to stop being collected.
    """

    code = "PO301"
    name = "deprecated-event"
    default_severity = Severity.INFO


CHECKS: dict[str, type[Check]] = {c.code: c for c in (UnknownEvent, UndeclaredProperty, DeprecatedEvent)}

CHECKOUT = (
    "import analytics\n"
    "\n"
    "\n"
    "def checkout(user_id, cart):\n"
    '    analytics.track(user_id, "Chekout Started", {"cart_valeu": cart.total})\n'
)
EVENTS = 'SIGNUP = "Sign Up Completed"\n'
SOURCES = {"app/checkout.py": CHECKOUT, "app/events.py": EVENTS}


def diag(
    code: str = "PO101",
    path: str = "app/checkout.py",
    line: int = 5,
    col: int = 29,
    end_line: int | None = None,
    end_col: int | None = None,
    message: str = "Event `Chekout Started` is not in the tracking plan",
    severity: Severity = Severity.ERROR,
    **extra: Any,
) -> Diagnostic:
    span = Span(line, col, line if end_line is None else end_line, col + 17 if end_col is None else end_col)
    return Diagnostic(code=code, path=path, span=span, message=message, severity=severity, **extra)


def rename(path: str, line: int, col: int, end_col: int, text: str, title: str, safe: bool = True) -> Fix:
    return Fix(title, "safe" if safe else "unsafe", (Edit(path, Span(line, col, line, end_col), text),))


def sample() -> list[Diagnostic]:
    """An error with a safe fix, a warning with an unsafe fix, and an info whose fix was withheld."""
    unknown_fix = rename("app/checkout.py", 5, 29, 46, '"Checkout Started"', "Rename to `Checkout Started`")
    property_fix = rename(
        "app/checkout.py", 5, 49, 61, '"cart_value"', "Rename to `cart_value`", safe=False
    )
    return [
        diag(fix=unknown_fix, fix_title=unknown_fix.title),
        diag(
            "PO201",
            col=49,
            end_col=61,
            message="Property `cart_valeu` is not declared for event `Checkout Started`",
            severity=Severity.WARNING,
            fix=property_fix,
            fix_title=property_fix.title,
        ),
        diag(
            "PO301",
            path="app/events.py",
            line=1,
            col=9,
            end_col=28,
            message="Event `Sign Up Completed` is deprecated",
            severity=Severity.INFO,
            note="the constant `SIGNUP` is used 2 more times",
            fix_title="Rename to `Signup Completed`",
        ),
    ]


def context(**changes: Any) -> ReportContext:
    values: dict[str, Any] = {
        "tool_version": "1.2.3",
        "root": ".",
        "sources": SOURCES,
        "files_checked": 7,
        "checks": CHECKS,
    }
    values.update(changes)
    return ReportContext(**values)
