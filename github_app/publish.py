"""Post an Evaluation to GitHub: check-run batches, the review with suggestions, the sticky comment."""

from __future__ import annotations

import logging
import re

from github.CheckRun import CheckRun

from .github import RepoClient, now
from .pipeline import Evaluation
from .render import (
    MARKER_PREFIX,
    MAX_OUTPUT_CHARS,
    SUMMARY_MARKER,
    CheckOutput,
    check_output,
    clip,
    resolved_body,
    sections_comment,
    sections_of,
    sticky_comment,
    suggestions,
    with_sections,
)

log = logging.getLogger(__name__)
_FINDING = re.compile(re.escape(MARKER_PREFIX) + r"finding:([0-9a-f]+) -->")


def start_check_run(repo: RepoClient, head_sha: str) -> CheckRun:
    return repo.create_check_run(
        head_sha, status="in_progress", started_at=now(),
        output={"title": "Checking tracking calls", "summary": "The tracking plan check is running."},
    )


def conclude_check_run(repo: RepoClient, run: CheckRun, output: CheckOutput) -> None:
    """Send annotations 50 per request; the last request also concludes the run."""
    batches = output.batches()
    for index, batch in enumerate(batches):
        fields: dict[str, object] = {
            "output": {"title": output.title, "summary": output.summary, "annotations": batch}
        }
        if index == len(batches) - 1:
            fields.update(status="completed", conclusion=output.conclusion, completed_at=now())
        repo.update_check_run(run, **fields)


def conclude_with_error(repo: RepoClient, run: CheckRun, conclusion: str, title: str, summary: str) -> None:
    """Best effort: a required check must never stay in progress, even when the job failed."""
    try:
        repo.update_check_run(
            run, status="completed", conclusion=conclusion, completed_at=now(),
            output={"title": title, "summary": clip(summary, MAX_OUTPUT_CHARS)},
        )
    except Exception:
        log.exception("could not conclude check run %s", run.id)


def sync_review(repo: RepoClient, number: int, evaluation: Evaluation, bot: str, limit: int) -> int:
    """Post suggestions not already on the PR (by fingerprint), mark ours whose finding is gone as
    resolved. Never deletes a comment: people may have replied. Returns how many were posted."""
    ours = [c for c in repo.review_comments(number) if c.author == bot]
    active: dict[str, int] = {}
    for comment in ours:
        match = _FINDING.search(comment.body)
        if match:
            active[match.group(1)] = comment.id
    current = set(evaluation.fingerprints)
    for fingerprint, comment_id in active.items():
        if fingerprint not in current:
            body = next(c.body for c in ours if c.id == comment_id)
            repo.edit_review_comment(number, comment_id, resolved_body(body, fingerprint, evaluation.head_sha))
    fresh = [s for s in suggestions(evaluation, limit=len(evaluation.diagnostics)) if s.fingerprint not in active]
    fresh = fresh[:limit]
    if fresh:
        repo.create_review(
            number, evaluation.head_sha,
            body=f"productops-lint suggests {len(fresh)} {'fix' if len(fresh) == 1 else 'fixes'} "
            f"for tracking calls.\n{MARKER_PREFIX}review:{evaluation.head_sha} -->",
            comments=[s.to_api() for s in fresh],
        )
    return len(fresh)


def sync_sticky(repo: RepoClient, number: int, body: str, bot: str, create: bool = True) -> int | None:
    """Edit our summary comment in place (found by marker and author), or create it when asked."""
    for comment in repo.issue_comments(number):
        if comment.author == bot and SUMMARY_MARKER in comment.body:
            # The epic and checklist sections belong to the PR checks' job: carried over, not dropped.
            body = with_sections(body, {k: v for k, v in sections_of(comment.body).items() if k not in sections_of(body)})
            if comment.body != body:
                repo.edit_issue_comment(number, comment.id, body)
            return comment.id
    return repo.create_issue_comment(number, body) if create else None


def publish(
    repo: RepoClient, number: int, run: CheckRun, evaluation: Evaluation, bot: str, limit: int, check_name: str
) -> None:
    sync_review(repo, number, evaluation, bot, limit)
    # A PR with nothing to report gets no new comment, but an earlier summary is brought up to date.
    worth_saying = bool(evaluation.diagnostics or evaluation.error or evaluation.plan_diff)
    sync_sticky(repo, number, sticky_comment(evaluation, {check_name: run.html_url}), bot, create=worth_saying)
    conclude_check_run(repo, run, check_output(evaluation))


def sync_sections(repo: RepoClient, number: int, sections: dict[str, str], bot: str, create: bool) -> int | None:
    """Put the PR checks' sections into the sticky comment (created with only them when asked)."""
    for comment in repo.issue_comments(number):
        if comment.author == bot and SUMMARY_MARKER in comment.body:
            body = with_sections(comment.body, sections)
            if body != comment.body:
                repo.edit_issue_comment(number, comment.id, body)
            return comment.id
    if not create:
        return None
    return repo.create_issue_comment(number, sections_comment(sections))
