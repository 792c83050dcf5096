"""The PyGithub adapter: App and installation auth, retries, per-installation write locks, our calls."""

from __future__ import annotations

import base64
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Iterator

import requests
from github import Auth, Github, GithubException, GithubIntegration, GithubRetry
from github.CheckRun import CheckRun
from urllib3.util.retry import Retry

from .settings import Settings

# Refresh an installation token this long before GitHub expires it (tokens live one hour).
TOKEN_REFRESH_MARGIN_SECONDS = 5 * 60


def make_retry() -> GithubRetry:
    """Retries for 5xx answers and primary/secondary rate limits, honouring Retry-After.

    PATCH is added to the retried methods because check-run and comment updates are idempotent.
    """
    return GithubRetry(
        total=4,
        backoff_factor=0.5,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
    )


def is_transient(exc: BaseException) -> bool:
    """Whether a failed job should be retried later: GitHub or the network was the problem."""
    if isinstance(exc, GithubException):
        if exc.status >= 500 or exc.status == 429:
            return True
        message = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
        return exc.status == 403 and "rate limit" in message.lower()
    return isinstance(exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError))


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
    """One App: its JWT-authenticated integration and a cached client per installation."""

    def __init__(
        self,
        settings: Settings,
        retry: GithubRetry | None = None,
        shared_lock: Callable[[int], ContextManager[None]] | None = None,
    ) -> None:
        self.settings = settings
        # The store's lock, held across worker processes and machines (see Store.write_lock).
        self.shared_lock = shared_lock
        self._retry = retry or make_retry()
        self.integration = GithubIntegration(
            auth=Auth.AppAuth(settings.app_id, settings.private_key),
            base_url=settings.api_url,
            retry=self._retry,
        )
        self._lock = threading.Lock()
        self._tokens: dict[int, tuple[str, datetime, Github]] = {}
        self._write_locks: dict[int, threading.Lock] = {}
        self._bot_login: str | None = None

    def bot_login(self) -> str:
        """The login the App comments as, ``<slug>[bot]``."""
        if self._bot_login is None:
            self._bot_login = f"{self.integration.get_app().slug}[bot]"
        return self._bot_login

    def client(self, installation_id: int) -> Github:
        """A client with a valid installation token, fetched again shortly before expiry."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            now = datetime.now(timezone.utc)
            if cached and (cached[1] - now).total_seconds() > TOKEN_REFRESH_MARGIN_SECONDS:
                return cached[2]
            token = self.integration.get_access_token(installation_id)
            expires = token.expires_at or now
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=timezone.utc)
            client = Github(
                auth=Auth.Token(token.token),
                base_url=self.settings.api_url,
                retry=self._retry,
                seconds_between_requests=None,
                seconds_between_writes=self.settings.write_interval_seconds or None,
                lazy=True,
            )
            self._tokens[installation_id] = (token.token, expires, client)
            return client

    def write_lock(self, installation_id: int) -> threading.Lock:
        with self._lock:
            return self._write_locks.setdefault(installation_id, threading.Lock())

    def repo(self, installation_id: int, full_name: str) -> "RepoClient":
        return RepoClient(self, installation_id, full_name)


class PullRequestChecksClient:
    """The calls of the PR checks and commands (epic link, launch checklist, `/productops`), mixed into RepoClient."""

    # Set by RepoClient.
    _repo: Any
    app: GitHubApp
    full_name: str
    installation_id: int

    def _writing(self) -> ContextManager[None]:
        raise NotImplementedError

    # Reads
    def pull_data(self, number: int) -> dict[str, Any]:
        """The pull request as GitHub's REST API returns it (the shape of the webhook's `pull_request`)."""
        return dict(self._repo.get_pull(number).raw_data)

    def pull_commits(self, number: int) -> list[tuple[str, str]]:
        """(sha, message) of the pull request's commits, oldest first (GitHub lists at most 250)."""
        return [(c.sha, c.commit.message) for c in self._repo.get_pull(number).get_commits()]

    def permission(self, login: str) -> str:
        """The user's permission on the repository: `admin`, `write`, `read` or `none`."""
        return str(self._repo.get_collaborator_permission(login))

    def named_check_runs(self, name: str, head_sha: str) -> list[CheckRun]:
        """Our check runs called ``name`` on ``head_sha``, newest first."""
        runs = self._repo.get_commit(head_sha).get_check_runs(check_name=name)
        return sorted((r for r in runs if r.app.id == self.app.settings.app_id), key=lambda r: r.id, reverse=True)

    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        """The YAML files under ``folder`` of the owner's `.github` repository (its default branch);
        None when the repository does not exist or the App cannot read it."""
        owner = self.full_name.split("/", 1)[0]
        try:
            repo = self.app.client(self.installation_id).get_repo(f"{owner}/.github")
            tree = repo.get_git_tree(repo.default_branch, recursive=True)
        except GithubException as exc:
            if exc.status in (403, 404, 409):  # missing, not installed there, or empty
                return None
            raise
        prefix = folder.strip("/") + "/"
        out = []
        for entry in sorted(tree.tree, key=lambda e: e.path):
            if entry.type == "blob" and entry.path.startswith(prefix) and entry.path.endswith((".yml", ".yaml")):
                blob = repo.get_git_blob(entry.sha)
                data = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
                out.append((entry.path, data.decode("utf-8", errors="replace")))
        return out

    # Writes
    def edit_pull_body(self, number: int, body: str) -> None:
        with self._writing():
            self._repo.get_pull(number).edit(body=body)

    def add_reaction(self, number: int, comment_id: int, content: str) -> None:
        """React to an issue comment (GitHub answers 200 when the reaction is already there)."""
        with self._writing():
            self._repo.get_issue(number).get_comment(comment_id).create_reaction(content)

    def create_named_check_run(self, name: str, head_sha: str, **fields: Any) -> CheckRun:
        with self._writing():
            return self._repo.create_check_run(name=name, head_sha=head_sha, **fields)


class RepoClient(PullRequestChecksClient):
    """The REST calls the App makes on one repository (each listed in tests/data/github-openapi)."""

    def __init__(self, app: GitHubApp, installation_id: int, full_name: str) -> None:
        self.app = app
        self.installation_id = installation_id
        self.full_name = full_name
        self._repo = app.client(installation_id).get_repo(full_name)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        # One writer per installation: GitHub's secondary limits count concurrent writes.
        with self.app.write_lock(self.installation_id):
            if self.app.shared_lock is None:
                yield
            else:
                with self.app.shared_lock(self.installation_id):
                    yield

    # Reads
    def pull(self, number: int) -> PullRequestInfo:
        pr = self._repo.get_pull(number)
        return PullRequestInfo(number, pr.head.sha, pr.base.sha, pr.base.ref, pr.state)

    def pulls_for_commit(self, sha: str) -> list[int]:
        return [pr.number for pr in self._repo.get_commit(sha).get_pulls() if pr.state == "open"]

    def pull_files(self, number: int) -> list[ChangedFile]:
        return [
            ChangedFile(f.filename, f.status, f.patch, f.previous_filename)
            for f in self._repo.get_pull(number).get_files()
        ]

    def tree(self, sha: str) -> dict[str, str]:
        """Every blob of the commit's tree: path -> blob SHA."""
        tree = self._repo.get_git_tree(sha, recursive=True)
        return {e.path: e.sha for e in tree.tree if e.type == "blob"}

    def blob(self, sha: str) -> bytes:
        blob = self._repo.get_git_blob(sha)
        return base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()

    def in_progress_runs(self, head_sha: str) -> list[CheckRun]:
        """Our check runs on ``head_sha`` still in progress (left by a worker that died)."""
        runs = self._repo.get_commit(head_sha).get_check_runs(check_name=self.app.settings.check_name, status="in_progress")
        return [run for run in runs if run.app.id == self.app.settings.app_id]

    def review_comments(self, number: int) -> list[ReviewComment]:
        return [
            ReviewComment(c.id, c.body, c.user.login, c.path, c.line, c.in_reply_to_id)
            for c in self._repo.get_pull(number).get_review_comments()
        ]

    def issue_comments(self, number: int) -> list[IssueComment]:
        return [IssueComment(c.id, c.body, c.user.login) for c in self._repo.get_issue(number).get_comments()]

    # Writes
    def create_check_run(self, head_sha: str, **fields: Any) -> CheckRun:
        with self._writing():
            return self._repo.create_check_run(name=self.app.settings.check_name, head_sha=head_sha, **fields)

    def update_check_run(self, run: CheckRun, **fields: Any) -> None:
        with self._writing():
            run.edit(**fields)

    def create_review(self, number: int, commit_sha: str, body: str, comments: list[dict[str, Any]]) -> None:
        with self._writing():
            pr = self._repo.get_pull(number)
            pr.create_review(commit=self._repo.get_commit(commit_sha), body=body, event="COMMENT", comments=comments)

    def edit_review_comment(self, number: int, comment_id: int, body: str) -> None:
        with self._writing():
            self._repo.get_pull(number).get_review_comment(comment_id).edit(body)

    def create_issue_comment(self, number: int, body: str) -> int:
        with self._writing():
            return self._repo.get_issue(number).create_comment(body).id

    def edit_issue_comment(self, number: int, comment_id: int, body: str) -> None:
        with self._writing():
            self._repo.get_issue(number).get_comment(comment_id).edit(body)


def now() -> datetime:
    return datetime.now(timezone.utc)
