"""Publish the PR checks: one check run per check and head (reused, never duplicated), the body edit, sticky sections."""

from __future__ import annotations

import logging
from typing import Sequence

from github.CheckRun import CheckRun

from productops_lint.pr.render import check_text
from productops_lint.pr.run import Outcome, section_markdown
from productops_lint.pr.types import (
    ACTION_REQUIRED,
    CHECKLIST_CHECK,
    EPIC_CHECK,
    FAILURE,
    SUCCESS,
    CheckResult,
    Tick,
)

from .github import RepoClient, now
from .publish import sync_sections
from .render import RECHECK_ACTION, check_result_output, section_block

log = logging.getLogger(__name__)
PR_CHECKS = (EPIC_CHECK, CHECKLIST_CHECK)
_SECTION = {EPIC_CHECK: "epic", CHECKLIST_CHECK: "checklist"}


def open_runs(repo: RepoClient, head_sha: str) -> dict[str, CheckRun]:
    """An in-progress run per PR check on ``head_sha``: our existing run is reused, so a second job for
    the same head (a label, a comment, a recheck) never adds a second run."""
    runs: dict[str, CheckRun] = {}
    for name in PR_CHECKS:
        existing = repo.named_check_runs(name, head_sha)
        fields = {"status": "in_progress", "output": {"title": "Checking", "summary": f"{name} is running."}}
        if existing:
            repo.update_check_run(existing[0], **fields)
            runs[name] = existing[0]
        else:
            runs[name] = repo.create_named_check_run(name, head_sha, started_at=now(), **fields)
    return runs


def ticks_markdown(ticks: Sequence[Tick]) -> str:
    if not ticks:
        return ""
    lines = ["### Ticked in the pull request body", "", "| Item | State | By | When |", "| --- | --- | --- | --- |"]
    lines += [f"| `{t.item}` | {'ticked' if t.checked else 'unticked'} | @{t.by} | {t.at} |" for t in ticks]
    return "\n".join(lines)


def conclude_result(repo: RepoClient, run: CheckRun, result: CheckResult, ticks: Sequence[Tick] = ()) -> None:
    text = "\n\n".join(part for part in (check_text(result), ticks_markdown(ticks)) if part)
    fields: dict[str, object] = {
        "status": "completed", "conclusion": result.conclusion, "completed_at": now(),
        "output": check_result_output(result.title, result.summary, text),
    }
    # A re-check button on every run that did not pass; GitHub keeps the last list sent.
    fields["actions"] = [RECHECK_ACTION] if ("recheck" in result.actions or result.conclusion != SUCCESS) else []
    repo.update_check_run(run, **fields)


def conclude_all(repo: RepoClient, runs: dict[str, CheckRun], conclusion: str, title: str, summary: str) -> None:
    """Best effort: a check run must never stay in progress, whatever stopped the job."""
    for name, run in runs.items():
        try:
            conclude_result(repo, run, CheckResult(name, conclusion, title, summary, actions=("recheck",)))
        except Exception:
            log.exception("could not conclude %s", name)


def sticky_sections(outcome: Outcome) -> dict[str, str]:
    return {_SECTION[r.name]: section_block(_SECTION[r.name], section_markdown(r)) for r in outcome.results}


def worth_a_comment(outcome: Outcome) -> bool:
    """A new sticky comment only when there is something to tell; an existing one is always updated."""
    return outcome.epic.conclusion in (FAILURE, ACTION_REQUIRED) or bool(outcome.checklist.items)


def publish_outcome(
    repo: RepoClient, number: int, runs: dict[str, CheckRun], outcome: Outcome, bot: str, ticks: Sequence[Tick]
) -> None:
    sync_sections(repo, number, sticky_sections(outcome), bot, create=worth_a_comment(outcome))
    conclude_result(repo, runs[EPIC_CHECK], outcome.epic)
    conclude_result(repo, runs[CHECKLIST_CHECK], outcome.checklist, ticks)
