"""Run the epic and checklist checks for both front ends: tickets resolved once per run, every check concludes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

from .gather import Gathered
from .types import (
    CHECKLIST_CHECK,
    EPIC_CHECK,
    NEUTRAL,
    CheckResult,
    PullRequestFacts,
    Tick,
    Ticket,
    TicketRef,
    TrackerProblem,
)

log = logging.getLogger(__name__)
RECHECK = "recheck"


@dataclass(frozen=True)
class Outcome:
    """The two results a front end publishes."""

    epic: CheckResult
    checklist: CheckResult

    @property
    def results(self) -> tuple[CheckResult, CheckResult]:
        return (self.epic, self.checklist)


def config_error(name: str, error: str) -> CheckResult:
    """Invalid config or rule files: neutral, naming each file and line, never a crash."""
    return CheckResult(
        name, NEUTRAL, "Configuration error on the base branch",
        "The rules of the base branch could not be read, so this check did not run:\n\n"
        f"```text\n{error}\n```",
    )


def crashed(name: str, exc: BaseException) -> CheckResult:
    """A check that raised: neutral with the reason and a re-check button, never a failed PR."""
    return CheckResult(
        name, NEUTRAL, "The check could not complete",
        f"`{type(exc).__name__}: {exc}`\n\nPress **Re-check** (or comment `/productops recheck`) to try again.",
        actions=(RECHECK,),
    )


def _epic_rules(plan: Any) -> Any:
    return getattr(plan, "epics", None)


def resolve_all(refs: Sequence[TicketRef], resolve: Callable[[TicketRef], "Ticket | TrackerProblem"]) -> dict[str, "Ticket | TrackerProblem"]:
    """Each key resolved once per run (the same key in title, branch and commits is one lookup)."""
    resolved: dict[str, Ticket | TrackerProblem] = {}
    for ref in refs:
        if ref.key in resolved:
            continue
        try:
            resolved[ref.key] = resolve(ref)
        except Exception as exc:  # a tracker client bug must not fail the PR either
            log.warning("resolving %s failed: %s", ref.key, exc)
            resolved[ref.key] = TrackerProblem(ref.key, f"{type(exc).__name__}: {exc}")
    return resolved


def run_epic(gathered: Gathered, env: Mapping[str, str], github: Any = None) -> CheckResult:
    from . import epic, keys, trackers

    plan = gathered.config.plan
    # The plan carries both the `epics` rules and the `tickets` keys the refs are matched with.
    refs = keys.find_refs(gathered.facts, plan)
    tracker = trackers.tracker_for(_epic_rules(plan), env, github=github)
    return epic.decide_epic(gathered.facts, plan, refs, resolve_all(refs, tracker.resolve))


def run_checklist(gathered: Gathered, epic_result: CheckResult) -> CheckResult:
    from . import checklist

    return checklist.evaluate(gathered.facts, gathered.config.plan, epic_result)


def run_checks(gathered: Gathered, env: Mapping[str, str], github: Any = None) -> Outcome:
    """Both results; each concludes whatever happens (config error, outage, a bug)."""
    error = gathered.config.error
    if error is not None:
        return Outcome(config_error(EPIC_CHECK, error), config_error(CHECKLIST_CHECK, error))
    try:
        epic_result = run_epic(gathered, env, github)
    except Exception as exc:
        log.exception("the epic check failed")
        epic_result = crashed(EPIC_CHECK, exc)
    try:
        checklist_result = run_checklist(gathered, epic_result)
    except Exception as exc:
        log.exception("the checklist check failed")
        checklist_result = crashed(CHECKLIST_CHECK, exc)
    return Outcome(epic_result, checklist_result)


def merged_body(gathered: Gathered) -> str | None:
    """The PR body with the checklist section inserted or brought up to date; None when unchanged."""
    if gathered.config.plan is None:
        return None
    try:
        from . import body
    except ImportError as exc:  # an install without the checklist library: checks still conclude
        log.warning("no checklist section: %s", exc)
        return None
    return body.merge_body(gathered.facts.body, gathered.facts, gathered.config.plan)


def ticks_of_edit(old_body: str, new_body: str, by: str, at: str) -> list[Tick]:
    """The manual items a person ticked or unticked in one edit of the PR body."""
    try:
        from . import body
    except ImportError as exc:
        log.warning("ticks not recorded: %s", exc)
        return []
    return list(body.diff_ticks(old_body, new_body, by, at))


def with_ticks(facts: PullRequestFacts, ticks: Sequence[Tick]) -> PullRequestFacts:
    return replace(facts, ticks=tuple(ticks))


def section_markdown(result: CheckResult) -> str:
    """The result as a sticky-comment section (Markdown)."""
    from .render import section

    return section(result)


def plain_text(result: CheckResult) -> str:
    """The result for a terminal or an Actions log."""
    from .render import plain

    return plain(result)
