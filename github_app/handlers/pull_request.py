"""Check a pull request's head: coalesce to the newest head, publish once per head, always conclude."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable

from github import GithubException

from ..github import PullRequestInfo, RepoClient, is_transient
from ..pipeline import evaluate
from ..publish import conclude_with_error, publish, start_check_run
from ..routing import Router
from ..sources import BlobCache
from ..store_base import Head, Publication
from ..webhook import Event

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger(__name__)
router = Router()

PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review", "edited")


def _timestamp(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def remember_head(event: Event) -> Head | None:
    """Web side: the newest head of the PR, so older queued work for it is dropped."""
    pr = event.payload.get("pull_request") or {}
    head = (pr.get("head") or {}).get("sha")
    if event.repo and isinstance(pr.get("number"), int) and head:
        return Head(event.repo, pr["number"], head, _timestamp(pr.get("updated_at")))
    return None


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
    rerun_of = run.get("id") if isinstance(run.get("id"), int) else None
    check_pull_requests(ctx, event, [p["number"] for p in prs], run["head_sha"], rerun_of)


def current_pulls(ctx: "Context", event: Event, numbers: Iterable[int], head_sha: str) -> list[int] | None:
    """The PRs of ``numbers`` whose newest head is ``head_sha``; None when every one has moved on.

    Asked of the store before any GitHub client is made: in a burst of pushes most jobs stop here.
    An empty list stays empty: the caller asks GitHub which PRs hold the commit.
    """
    asked = list(numbers)
    fresh = [n for n in asked if not superseded(ctx, event.repo or "", n, head_sha)]
    if asked and not fresh:
        log.info("%s: %s is no longer the newest head of #%s; dropped", event.repo, head_sha[:7], ", #".join(map(str, asked)))
        return None
    return fresh


def check_pull_requests(
    ctx: "Context", event: Event, numbers: Iterable[int], head_sha: str, rerun_of: int | None = None
) -> None:
    if event.installation_id is None or event.repo is None:
        log.warning("delivery %s has no installation or repository; ignored", event.delivery)
        return
    fresh = current_pulls(ctx, event, numbers, head_sha)
    if fresh is None:
        return
    repo = ctx.github.repo(event.installation_id, event.repo)
    # A check suite on a branch push lists no PRs when they come from forks; ask GitHub.
    for number in fresh or repo.pulls_for_commit(head_sha):
        check_pull_request(ctx, repo, number, head_sha, rerun_of)


def superseded(ctx: "Context", full_name: str, number: int, head_sha: str) -> bool:
    """Whether a delivery since has named a newer head of the PR (as of GitHub's ``updated_at``)."""
    known = ctx.store.head(full_name, number)
    return known is not None and known != head_sha


def check_pull_request(ctx: "Context", repo: RepoClient, number: int, head_sha: str, rerun_of: int | None = None) -> None:
    """Publish once per (repo, PR, head, base), whatever arrives and however many workers race.

    GitHub sends `synchronize` and `check_suite.requested` for every push, and edits, reopenings and
    redeliveries can come at the same moment. The decision (is this head published?) and the whole
    publish happen under the PR's lock, shared by every worker thread, process and machine, so the
    job that waited finds the record of the one before it and is dropped. A "Re-run" of the run that
    holds the head (``rerun_of``) publishes again, once: its copies name a run that is then old.
    """
    if superseded(ctx, repo.full_name, number, head_sha):
        log.info("%s#%d: %s is no longer the newest head; dropped", repo.full_name, number, head_sha[:7])
        return
    with ctx.store.pr_lock(repo.full_name, number):
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
        before = ctx.store.publication(repo.full_name, number, head_sha)
        if before is not None and before.done and before.base == pr.base_sha and rerun_of != before.run_id:
            log.info("%s#%d: %s is published already (run %d); dropped", repo.full_name, number, head_sha[:7], before.run_id)
            return
        _check_and_publish(ctx, repo, pr, head_sha)


def _closed_meanwhile(repo: RepoClient, number: int, exc: Exception) -> bool:
    """Whether a 404 or 422 from GitHub came because the PR was closed or deleted during the job."""
    if not isinstance(exc, GithubException) or exc.status not in (404, 410, 422):
        return False
    try:
        return repo.pull(number).state != "open"
    except GithubException as again:
        return again.status in (404, 410)


def _check_and_publish(ctx: "Context", repo: RepoClient, pr: PullRequestInfo, head_sha: str) -> None:
    number = pr.number
    run = None
    for stale in repo.in_progress_runs(head_sha):
        # Under the PR's lock no live job is running this head: the run's worker died. A run it had
        # not yet appended annotations to is carried on (GitHub appends them, so a used one is not),
        # and the PR shows one run for the head rather than an "Interrupted" one beside the result.
        if run is None and not stale.output.annotations_count:
            run = stale
            continue
        conclude_with_error(repo, stale, "neutral", "Interrupted", "The worker running this check stopped; a new run follows.")
    run = run or start_check_run(repo, head_sha)
    ctx.store.record_publication(repo.full_name, number, head_sha, Publication(pr.base_sha, run.id, done=False))
    try:
        blobs = BlobCache(repo.blob, repo.blobs)
        evaluation = evaluate(head_sha, repo.pull_files(number), repo.tree(pr.base_sha), repo.tree(head_sha), blobs,
                              ctx.github.summaries)
        if superseded(ctx, repo.full_name, number, head_sha):
            conclude_with_error(repo, run, "neutral", "Superseded", "A newer commit was pushed; it is checked instead.")
            return
        publish(
            repo, number, run, evaluation, ctx.github.bot_login(),
            ctx.settings.max_inline_comments, ctx.settings.check_name,
        )
        ctx.store.record_publication(repo.full_name, number, head_sha, Publication(pr.base_sha, run.id, done=True))
    except Exception as exc:
        if _closed_meanwhile(repo, number, exc):
            # Not an error and nothing to retry: the PR went while it was checked (GitHub refuses the review).
            log.info("%s#%d was closed or deleted mid-job (%s); run %d skipped", repo.full_name, number, exc, run.id)
            conclude_with_error(repo, run, "skipped", "Pull request closed",
                                "The pull request was closed or deleted while it was being checked.")
            return
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
