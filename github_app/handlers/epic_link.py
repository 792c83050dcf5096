"""The PR checks' job: gather once, run the epic and checklist checks, edit the body, publish; always conclude."""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import TYPE_CHECKING, Any, Iterable

from github import GithubException

from productops_lint.pr.run import merged_body, run_checks
from productops_lint.pr.types import CHECKLIST_CHECK, EPIC_CHECK, NEUTRAL

from ..github import RepoClient, is_transient
from ..pr_facts import gather_pull
from ..pr_publish import conclude_all, open_runs, publish_outcome
from ..routing import Router
from ..webhook import Event
from .pull_request import current_pulls, remember_head, superseded

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger(__name__)
router = Router()

PR_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review", "edited", "labeled", "unlabeled")
RECHECK = "recheck"


def _sender(event: Event) -> str:
    return str((event.payload.get("sender") or {}).get("login") or "")


@router.register("pull_request", action=PR_ACTIONS, on_receive=remember_head)
def on_pull_request(ctx: "Context", event: Event) -> None:
    pr = event.payload["pull_request"]
    if event.action == "edited" and _sender(event) == ctx.github.bot_login():
        return  # our own checklist insertion: the run that made it already published these results
    run_for_pulls(ctx, event, [pr["number"]], pr["head"]["sha"])


def _check_run_pulls(event: Event) -> tuple[list[int], str] | None:
    run = event.payload["check_run"]
    if run.get("name") not in (EPIC_CHECK, CHECKLIST_CHECK):
        return None
    prs = run.get("pull_requests") or (run.get("check_suite") or {}).get("pull_requests") or []
    return [p["number"] for p in prs], run["head_sha"]


@router.register("check_run", action="rerequested")
def on_rerun(ctx: "Context", event: Event) -> None:
    found = _check_run_pulls(event)
    if found is not None:
        run_for_pulls(ctx, event, *found)


@router.register("check_suite", action="rerequested")
def on_rerun_all(ctx: "Context", event: Event) -> None:
    """"Re-run all checks" on the PR page re-runs these two as well."""
    suite = event.payload["check_suite"]
    run_for_pulls(ctx, event, [p["number"] for p in suite.get("pull_requests") or []], suite["head_sha"])


@router.register("check_run", action="requested_action")
def on_button(ctx: "Context", event: Event) -> None:
    found = _check_run_pulls(event)
    if found is not None and (event.payload.get("requested_action") or {}).get("identifier") == RECHECK:
        run_for_pulls(ctx, event, *found)


def run_for_pulls(ctx: "Context", event: Event, numbers: Iterable[int], head_sha: str) -> None:
    if event.installation_id is None or event.repo is None:
        log.warning("delivery %s has no installation or repository; ignored", event.delivery)
        return
    fresh = current_pulls(ctx, event, numbers, head_sha)
    if fresh is None:
        return
    repo = ctx.github.repo(event.installation_id, event.repo)
    for number in fresh or repo.pulls_for_commit(head_sha):
        run_pr_checks(ctx, repo, number, head_sha)


def _current(repo: RepoClient, number: int) -> dict[str, Any] | None:
    try:
        return repo.pull_data(number)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise


def run_pr_checks(ctx: "Context", repo: RepoClient, number: int, head_sha: str | None = None) -> None:
    """Check ``number`` at ``head_sha`` (None: whatever its head is now). One job per PR at a time."""
    if head_sha is not None and superseded(ctx, repo.full_name, number, head_sha):
        log.info("%s#%d: %s is no longer the newest head; dropped", repo.full_name, number, head_sha[:7])
        return
    with ctx.store.pr_lock(repo.full_name, number):
        pull = _current(repo, number)
        if pull is None or pull.get("state") != "open" or (head_sha and pull["head"]["sha"] != head_sha):
            log.info("%s#%d moved on, closed or is gone; dropped", repo.full_name, number)
            return
        head_sha = str(pull["head"]["sha"])
        runs = open_runs(repo, head_sha)
        try:
            _check_and_publish(ctx, repo, number, pull, runs)
        except Exception as exc:
            if is_transient(exc) and not ctx.final:
                conclude_all(repo, runs, NEUTRAL, "Interrupted by a GitHub error; retrying",
                             f"Attempt {ctx.attempt} hit `{type(exc).__name__}: {exc}`. A new run follows.")
            else:
                conclude_all(repo, runs, NEUTRAL, "The check could not complete",
                             f"`{type(exc).__name__}: {exc}`\n\nPress **Re-check** to try again.")
            raise


def _check_and_publish(ctx: "Context", repo: RepoClient, number: int, pull: dict[str, Any], runs: dict[str, Any]) -> None:
    gathered = gather_pull(repo, number, pull, ctx.store, ctx.github.summaries)
    body = merged_body(gathered)
    if body is not None:
        # The App's own edit, only when the section changed; the author's text is kept by merge_body.
        repo.edit_pull_body(number, body)
        gathered = dataclasses.replace(gathered, facts=dataclasses.replace(gathered.facts, body=body))
    outcome = run_checks(gathered, os.environ, github=repo)
    if superseded(ctx, repo.full_name, number, str(pull["head"]["sha"])):
        conclude_all(repo, runs, NEUTRAL, "Superseded", "A newer commit was pushed; it is checked instead.")
        return
    publish_outcome(repo, number, runs, outcome, ctx.github.bot_login(), gathered.facts.ticks)
