"""Check a pull request's head: coalesce to the newest head, evaluate, publish, always conclude."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable

from github import GithubException

from ..github import RepoClient, is_transient
from ..pipeline import evaluate
from ..publish import conclude_with_error, publish, start_check_run
from ..routing import Router
from ..sources import BlobCache
from ..webhook import Event

if TYPE_CHECKING:
    from ..context import Context
    from ..store import Store

log = logging.getLogger(__name__)
router = Router()

PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review", "edited")


def _timestamp(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def remember_head(store: "Store", event: Event) -> None:
    """Web side: the newest head of the PR, so older queued work for it is dropped."""
    pr = event.payload.get("pull_request") or {}
    head = (pr.get("head") or {}).get("sha")
    if event.repo and isinstance(pr.get("number"), int) and head:
        store.set_head(event.repo, pr["number"], head, _timestamp(pr.get("updated_at")))


@router.register("pull_request", action=PULL_REQUEST_ACTIONS, on_receive=remember_head)
def on_pull_request(ctx: "Context", event: Event) -> None:
    pr = event.payload["pull_request"]
    check_pull_requests(ctx, event, [pr["number"]], pr["head"]["sha"])


@router.register("check_suite", action=("requested", "rerequested"))
def on_check_suite(ctx: "Context", event: Event) -> None:
    suite = event.payload["check_suite"]
    check_pull_requests(ctx, event, [p["number"] for p in suite.get("pull_requests") or []], suite["head_sha"])


@router.register("check_run", action="rerequested")
def on_check_run(ctx: "Context", event: Event) -> None:
    run = event.payload["check_run"]
    if run.get("name") != ctx.settings.check_name:
        return
    prs = run.get("pull_requests") or (run.get("check_suite") or {}).get("pull_requests") or []
    check_pull_requests(ctx, event, [p["number"] for p in prs], run["head_sha"])


def check_pull_requests(ctx: "Context", event: Event, numbers: Iterable[int], head_sha: str) -> None:
    if event.installation_id is None or event.repo is None:
        log.warning("delivery %s has no installation or repository; ignored", event.delivery)
        return
    repo = ctx.github.repo(event.installation_id, event.repo)
    # A check suite on a branch push lists no PRs when they come from forks; ask GitHub.
    for number in list(numbers) or repo.pulls_for_commit(head_sha):
        check_pull_request(ctx, repo, number, head_sha)


def _superseded(ctx: "Context", repo: RepoClient, number: int, head_sha: str) -> bool:
    known = ctx.store.head(repo.full_name, number)
    return known is not None and known != head_sha


def check_pull_request(ctx: "Context", repo: RepoClient, number: int, head_sha: str) -> None:
    if _superseded(ctx, repo, number, head_sha):
        log.info("%s#%d: %s is no longer the newest head; dropped", repo.full_name, number, head_sha[:7])
        return
    try:
        pr = repo.pull(number)
    except GithubException as exc:
        if exc.status == 404:
            log.info("%s#%d is gone; dropped", repo.full_name, number)
            return
        raise
    if pr.head_sha != head_sha or pr.state != "open":
        log.info("%s#%d: head is now %s (state %s); dropped", repo.full_name, number, pr.head_sha[:7], pr.state)
        return
    for stale in repo.in_progress_runs(head_sha):
        # A run whose worker died would otherwise show "in progress" on the PR forever.
        conclude_with_error(repo, stale, "neutral", "Interrupted", "The worker running this check stopped; a new run follows.")
    run = start_check_run(repo, head_sha)
    try:
        blobs = BlobCache(repo.blob)
        evaluation = evaluate(head_sha, repo.pull_files(number), repo.tree(pr.base_sha), repo.tree(head_sha), blobs)
        if _superseded(ctx, repo, number, head_sha):
            conclude_with_error(repo, run, "neutral", "Superseded", "A newer commit was pushed; it is checked instead.")
            return
        # The PR checks' job (epic_link) edits the same sticky comment: one writer per PR at a time.
        with ctx.store.pr_lock(repo.full_name, number):
            publish(
                repo, number, run, evaluation, ctx.github.bot_login(),
                ctx.settings.max_inline_comments, ctx.settings.check_name,
            )
    except Exception as exc:
        if is_transient(exc) and not ctx.final:
            conclude_with_error(
                repo, run, "neutral", "Interrupted by a GitHub error; retrying",
                f"Attempt {ctx.attempt} hit `{type(exc).__name__}: {exc}`. A new check run follows.",
            )
        else:
            conclude_with_error(
                repo, run, "failure", "The check could not complete",
                f"The App failed on attempt {ctx.attempt}: `{type(exc).__name__}: {exc}`.\n\n"
                "Re-run the check from the Checks tab once the problem is fixed.",
            )
        raise
