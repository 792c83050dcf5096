"""The PyGithub adapter: App and installation auth, retries, per-installation write locks, our calls."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Iterator

import requests
from github import Auth, Github, GithubException, GithubIntegration, GithubRetry
from github.CheckRun import CheckRun
from github.GithubObject import NonCompletableGithubObject
from github.PaginatedList import PaginatedList
from github.PullRequest import ReviewComment as NewReviewComment

from productops_lint.sources import MemorySummaries

from .github_blobs import FETCH_THREADS, BlobReads, KnownBlobs
from .github_pr_client import PullRequestChecksClient
from .github_safety import (
    MAX_RATE_LIMIT_WAIT_SECONDS,
    InstallationAuth,
    WriteSafeRetry,
    make_retry,
    reauthed,
    redact_tokens_in_logs,
)
from .settings import Settings

# Git's mode for a symbolic link; submodules are entries of type "commit", not blobs.
SYMLINK_MODE = "120000"

__all__ = ["GitHubApp", "RepoClient", "make_retry", "is_transient", "now"]


def is_transient(exc: BaseException) -> bool:
    """Whether a failed job should be retried later: GitHub or the network was the problem."""
    if isinstance(exc, GithubException):
        if exc.status >= 500 or exc.status == 429:
            return True
        message = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
        return exc.status == 403 and "rate limit" in message.lower()
    return isinstance(exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError))


class _Raw(NonCompletableGithubObject):
    """A list item kept as GitHub sent it: reading a field never costs a request (PyGithub's own
    classes fetch the whole object again when a field is missing, as `in_reply_to_id` is on a
    comment that starts a thread)."""

    def _initAttributes(self) -> None:
        pass

    def _useAttributes(self, attributes: dict[str, Any]) -> None:
        pass


@dataclass(frozen=True)
class ChangedFile:
    """One file of a pull request's diff; ``patch`` is None for binary or very large diffs."""

    path: str
    status: str
    patch: str | None
    previous_path: str | None = None


@dataclass(frozen=True)
class ReviewComment:
    id: int
    body: str
    author: str
    path: str
    line: int | None
    in_reply_to: int | None


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    author: str


@dataclass(frozen=True)
class PullRequestInfo:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    state: str


class GitHubApp:
    """One App: its JWT-authenticated integration and a client per installation, whose token is
    minted again shortly before it expires and whenever GitHub refuses it (401)."""

    def __init__(
        self,
        settings: Settings,
        retry: GithubRetry | None = None,
        shared_lock: Callable[[int], ContextManager[None]] | None = None,
        timeout: int = 15,
    ) -> None:
        self.settings = settings
        redact_tokens_in_logs()
        # Seconds PyGithub waits for each answer (its default); a timeout is a transient failure.
        self.timeout = timeout
        # The store's lock, held across worker processes and machines (see Store.write_lock).
        self.shared_lock = shared_lock
        self._retry = _write_safe(retry or make_retry())
        # Waits between tries of a write whose answer was lost, like the retry's own backoff.
        self.write_backoff = float(self._retry.backoff_factor or 0.0)
        self.integration = GithubIntegration(
            auth=Auth.AppAuth(settings.app_id, settings.private_key),
            base_url=settings.api_url,
            retry=self._retry,
            timeout=timeout,
        )
        self._lock = threading.Lock()
        self._auths: dict[int, InstallationAuth] = {}
        # One client per installation and thread: PyGithub's connection keeps each request on
        # itself until its answer is read, so two threads sharing one could read each other's.
        self._clients: dict[tuple[int, int], Github] = {}
        # When each installation's last write ended, to space writes across threads (see _writing).
        self._last_write: dict[int, float] = {}
        self._write_locks: dict[int, threading.Lock] = {}
        self._bot_login: str | None = None
        # Blob bytes kept for the life of the process (a blob never changes); blob GETs in flight per job.
        self.blob_cache = KnownBlobs()
        # The files' summaries, for the same life: both checks of a head read the same files, and
        # the next push of a PR changes a few. Keyed by a file's text and module name.
        self.summaries = MemorySummaries()
        self.blob_threads = FETCH_THREADS

    def bot_login(self) -> str:
        """The login the App comments as, ``<slug>[bot]``."""
        if self._bot_login is None:
            self._bot_login = f"{self.integration.get_app().slug}[bot]"
        return self._bot_login

    def auth(self, installation_id: int) -> InstallationAuth:
        with self._lock:
            return self._auths.setdefault(installation_id, InstallationAuth(self.integration, installation_id))

    def client(self, installation_id: int) -> Github:
        """This thread's client with a valid installation token (a new client whenever a token was minted)."""
        auth = self.auth(installation_id)
        minted = auth.fresh()
        key = (installation_id, threading.get_ident())
        with self._lock:
            if minted or key not in self._clients:
                self._clients[key] = self._make_client(auth)
            return self._clients[key]

    def new_client(self, installation_id: int) -> Github:
        """A client of its own on the installation's shared token (for a thread that must not share one)."""
        return self._make_client(self.auth(installation_id))

    def _make_client(self, auth: InstallationAuth) -> Github:
        return Github(
            auth=auth,
            base_url=self.settings.api_url,
            retry=self._retry,
            timeout=self.timeout,
            seconds_between_requests=None,
            seconds_between_writes=self.settings.write_interval_seconds or None,
            lazy=True,
        )

    def write_lock(self, installation_id: int) -> threading.Lock:
        with self._lock:
            return self._write_locks.setdefault(installation_id, threading.Lock())

    def space_writes(self, installation_id: int) -> None:
        """Wait, holding the installation's write lock, until ``write_interval_seconds`` after its
        last write: each client spaces its own writes, this spaces one thread's after another's."""
        interval = self.settings.write_interval_seconds
        last = self._last_write.get(installation_id)
        if interval and last is not None:
            time.sleep(max(0.0, last + interval - time.monotonic()))

    def wrote(self, installation_id: int) -> None:
        self._last_write[installation_id] = time.monotonic()

    def repo(self, installation_id: int, full_name: str) -> "RepoClient":
        return RepoClient(self, installation_id, full_name)


def _write_safe(retry: GithubRetry) -> GithubRetry:
    """Whatever retry is configured, writes are never replayed blindly (see WriteSafeRetry)."""
    if isinstance(retry, WriteSafeRetry):
        return retry
    bound = retry.max_rate_limit_wait
    return WriteSafeRetry(total=retry.total, backoff_factor=retry.backoff_factor, allowed_methods=retry.allowed_methods,
                          secondary_rate_wait=retry.secondary_rate_wait,
                          max_rate_limit_wait=MAX_RATE_LIMIT_WAIT_SECONDS if bound is None else bound)


class RepoClient(PullRequestChecksClient, BlobReads):
    """The REST calls the App makes on one repository (each listed in tests/data/github-openapi)."""

    def __init__(self, app: GitHubApp, installation_id: int, full_name: str) -> None:
        self.app = app
        self.installation_id = installation_id
        self.full_name = full_name
        self._repo = app.client(installation_id).get_repo(full_name)
        # Annotations each run of ours holds, as far as this client knows (see update_check_run).
        self._annotations: dict[int, int] = {}

    @contextmanager
    def _writing(self) -> Iterator[None]:
        # One writer per installation: GitHub's secondary limits count concurrent writes.
        with self.app.write_lock(self.installation_id):
            self.app.space_writes(self.installation_id)
            try:
                if self.app.shared_lock is None:
                    yield
                else:
                    with self.app.shared_lock(self.installation_id):
                        yield
            finally:
                self.app.wrote(self.installation_id)

    # Reads
    @reauthed
    def pull(self, number: int) -> PullRequestInfo:
        pr = self._repo.get_pull(number)
        return PullRequestInfo(number, pr.head.sha, pr.base.sha, pr.base.ref, pr.state)

    @reauthed
    def pulls_for_commit(self, sha: str) -> list[int]:
        return [pr.number for pr in self._repo.get_commit(sha).get_pulls() if pr.state == "open"]

    @reauthed
    def pull_files(self, number: int) -> list[ChangedFile]:
        return [
            ChangedFile(f.filename, f.status, f.patch, f.previous_filename)
            for f in self._repo.get_pull(number).get_files()
        ]

    @reauthed
    def tree(self, sha: str) -> dict[str, str]:
        """Every regular file of the commit's tree: path -> blob SHA.

        Symlinks (mode 120000, whose blob is the target's path) are left out: the App reads only
        the repository's own files, and a link in a pull request is never followed (SECURITY.md)."""
        tree = self._repo.get_git_tree(sha, recursive=True)
        return {e.path: e.sha for e in tree.tree if e.type == "blob" and e.mode != SYMLINK_MODE}

    @reauthed
    def in_progress_runs(self, head_sha: str) -> list[CheckRun]:
        """Our check runs on ``head_sha`` still in progress (left by a worker that died)."""
        runs = self._repo.get_commit(head_sha).get_check_runs(check_name=self.app.settings.check_name, status="in_progress")
        return [run for run in runs if run.app.id == self.app.settings.app_id]

    @reauthed
    def review_comments(self, number: int) -> list[ReviewComment]:
        # Raw items: PyGithub's comment objects fetch each comment again to read a missing field.
        items = PaginatedList(_Raw, self._repo.requester, f"{self._repo.url}/pulls/{number}/comments", None)
        return [
            ReviewComment(d["id"], d.get("body") or "", (d.get("user") or {}).get("login", ""), d.get("path", ""),
                          d.get("line"), d.get("in_reply_to_id"))
            for d in (item.raw_data for item in items)
        ]

    @reauthed
    def issue_comments(self, number: int) -> list[IssueComment]:
        return [IssueComment(c.id, c.body, c.user.login) for c in self._repo.get_issue(number).get_comments()]

    # Writes
    def create_check_run(self, head_sha: str, **fields: Any) -> CheckRun:
        return self.create_named_check_run(self.app.settings.check_name, head_sha, **fields)

    @reauthed
    def update_check_run(self, run: CheckRun, **fields: Any) -> None:
        """Edit the run; annotations are appended by GitHub, so a batch whose answer was lost is sent
        again only when the run's count shows it did not arrive."""
        batch = len((fields.get("output") or {}).get("annotations") or [])
        if not batch:
            self._write(lambda: run.edit(**fields))
            return
        before = self._annotations.get(run.id, run.output.annotations_count or 0)

        def made() -> bool | None:
            now_there = next((r for r in self.named_check_runs(run.name, run.head_sha) if r.id == run.id), None)
            return None if now_there is None or (now_there.output.annotations_count or 0) < before + batch else True

        self._write(lambda: run.edit(**fields), made)
        self._annotations[run.id] = before + batch

    @reauthed
    def create_review(self, number: int, commit_sha: str, body: str, comments: list[NewReviewComment]) -> None:
        bot = self.app.bot_login()
        # GitHub makes a review and its comments at once: if one of the comments is there, so is the review.
        wanted = {c["body"] for c in comments}

        def made() -> bool | None:
            return True if any(c.author == bot and c.body in wanted for c in self.review_comments(number)) else None

        def send() -> None:
            pr = self._repo.get_pull(number)
            pr.create_review(commit=self._repo.get_commit(commit_sha), body=body, event="COMMENT", comments=comments)

        self._write(send, made if wanted else None)

    @reauthed
    def edit_review_comment(self, number: int, comment_id: int, body: str) -> None:
        self._write(lambda: self._repo.get_pull(number).get_review_comment(comment_id).edit(body))

    @reauthed
    def create_issue_comment(self, number: int, body: str) -> int:
        bot = self.app.bot_login()

        def made() -> int | None:
            return next((c.id for c in self.issue_comments(number) if c.author == bot and c.body == body), None)

        return int(self._write(lambda: self._repo.get_issue(number).create_comment(body).id, made))

    @reauthed
    def edit_issue_comment(self, number: int, comment_id: int, body: str) -> None:
        self._write(lambda: self._repo.get_issue(number).get_comment(comment_id).edit(body))


def now() -> datetime:
    return datetime.now(timezone.utc)
