"""Run the enabled checks over resolved tracking calls, applying the configured severities."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator

from ..config import Config, is_enabled, severity_for
from ..registry.model import Plan
from ..types import Diagnostic, TrackingCall
from . import all_checks
from .base import Check, CheckContext


def enabled_checks(config: Config) -> list[Check]:
    return [cls() for code, cls in all_checks().items() if is_enabled(config, code)[0]]


def run_checks(
    calls: Iterable[TrackingCall], plan: Plan, config: Config, checks: list[Check] | None = None
) -> Iterator[Diagnostic]:
    checks = enabled_checks(config) if checks is None else checks
    ctx = CheckContext(plan=plan)
    for call in calls:
        if call.role == "sink":
            continue  # its wrapper's call sites carry the name and are checked instead
        for check in checks:
            for diagnostic in check.check_call(call, ctx):
                level = severity_for(config, diagnostic.code, check.default_severity)
                yield diagnostic if diagnostic.severity == level else replace(diagnostic, severity=level)
