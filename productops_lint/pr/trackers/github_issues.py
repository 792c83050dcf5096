"""GitHub Issues as the tracker: `#N` and `owner/repo#N`, the sub-issues parent endpoint, labels and issue types."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any, Callable, Mapping

from ..config import canonical_key
from ..types import Ticket, TicketRef, TrackerProblem
from .base import (
    DEFAULT_TIMEOUT,
    CachedTracker,
    EpicMatch,
    Record,
    Unreachable,
    http_json,
    status_problem,
)

DEFAULT_API_URL = "https://api.github.com"
REF = re.compile(r"^(?:(?P<repo>[\w.-]+/[\w.-]+))?#(?P<number>\d+)$")
ISSUE_URL = re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)$")
# GitHub lists at most 100 sub-issues a page; an epic with more keeps the first 100 as its children.
SUB_ISSUES_PAGE = 100

# (status, JSON) of a GET on an API path; raises Unreachable when GitHub did not answer.
Get = Callable[[str], "tuple[int, Any, str | None]"]


def pygithub_get(client: Any) -> Get:
    """GET through a PyGithub client: its auth, base URL, retries and timeout (the App's installation client)."""
    import requests
    from github import GithubException

    def get(path: str) -> tuple[int, Any, str | None]:
        try:
            _headers, data = client.requester.requestJsonAndCheck("GET", path)
        except GithubException as exc:
            headers = exc.headers or {}
            return exc.status, exc.data, headers.get("retry-after") or headers.get("Retry-After")
        except (requests.RequestException, OSError) as exc:
            # GithubRetry gives up on repeated 5xx with a RetryError: GitHub is down, not the ticket.
            raise Unreachable(f"{type(exc).__name__}: {exc}") from None
        return 200, data, None

    return get


def urllib_get(api_url: str, token: str, timeout: float = DEFAULT_TIMEOUT) -> Get:
    """GET with a bare token, for a front end without PyGithub (the Action installs only the core package)."""
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def get(path: str) -> tuple[int, Any, str | None]:
        answer = http_json("GET", api_url.rstrip("/") + path, headers, timeout=timeout)
        return answer.status, answer.body, answer.headers.get("Retry-After")

    return get


def _message(body: Any) -> str:
    return str(body.get("message", "")) if isinstance(body, dict) else ""


class GitHubIssues(CachedTracker):
    """Issues of one repository (``#N``) or any repository the token can read (``owner/repo#N``)."""

    name = "GitHub"

    def __init__(self, get: Get, default_repo: str | None, epics: EpicMatch = EpicMatch()) -> None:
        super().__init__()
        self.get = get
        self.default_repo = default_repo
        self.epics = epics
        self.requests = 0

    def canonical(self, ref: TicketRef) -> str | TrackerProblem:
        found = REF.match(ref.key.strip())
        if found is None:
            return TrackerProblem(ref.key, f"`{ref.key}` is not a GitHub issue reference (`#N` or `owner/repo#N`)", outage=False)
        repo = found["repo"] or self.default_repo
        if repo is None:
            return TrackerProblem(ref.key, "no repository to look the issue up in (set GITHUB_REPOSITORY)", outage=True)
        return self._key(repo, int(found["number"]))

    def _key(self, repo: str, number: int) -> str:
        # The spelling the key finder uses (`#5` here, `owner/repo#5` lower-cased elsewhere), so keys compare.
        return canonical_key(f"{repo}#{number}", self.default_repo or "")

    def _split(self, key: str) -> tuple[str, int]:
        repo, _, number = key.rpartition("#")
        return (repo or str(self.default_repo)), int(number)

    def _get(self, path: str) -> tuple[int, Any, str | None]:
        self.requests += 1
        return self.get(path)

    def _problem(self, key: str, status: int, body: Any, retry_after: str | None) -> TrackerProblem:
        if status == 403 and "rate limit" in _message(body).lower():
            status = 429
        return status_problem(self.name, key, status, _message(body), retry_after)

    def fetch(self, key: str) -> Record | TrackerProblem:
        repo, number = self._split(key)
        status, body, retry_after = self._get(f"/repos/{_quote(repo)}/issues/{number}")
        if status != 200:
            return self._problem(key, status, body, retry_after)
        if body.get("pull_request"):
            # Every pull request is an issue to the API; a PR is never a story or an epic.
            return TrackerProblem(key, f"`{key}` is a pull request, not an issue", outage=False)
        return self._record(body)

    def fetch_parent(self, record: Record) -> Record | TrackerProblem | None:
        if record.parent_key is not None and record.parent_key in self._records:
            return self._records[record.parent_key]
        if record.parent_key is None and record.parent_known:
            return None
        repo, number = self._split(record.ticket.key)
        status, body, retry_after = self._get(f"/repos/{_quote(repo)}/issues/{number}/parent")
        if status == 404 and record.parent_key is None:
            return None  # no parent, or a GitHub without sub-issues
        if status != 200:
            return self._problem(record.parent_key or f"parent of {record.ticket.key}", status, body, retry_after)
        return self.remember(self._record(body))

    def _record(self, issue: Mapping[str, Any]) -> Record:
        repo = _repo_of(issue)
        key = self._key(repo, int(issue["number"]))
        labels = tuple(str(label["name"]) if isinstance(label, dict) else str(label) for label in issue.get("labels") or ())
        issue_type = (issue.get("type") or {}).get("name")
        is_epic = self.epics.matches(labels, issue_type)
        summary = issue.get("sub_issues_summary") or {}
        total, done = int(summary.get("total") or 0), int(summary.get("completed") or 0)
        progress = (done, total) if summary and (is_epic or total) else None
        children = self._children(repo, int(issue["number"])) if is_epic and total else ()
        ticket = Ticket(key=key, title=str(issue.get("title") or ""), url=str(issue.get("html_url") or ""),
                        state=str(issue.get("state") or ""), issue_type=issue_type, labels=labels,
                        is_epic=is_epic, progress=progress, children=children)
        parent_url = issue.get("parent_issue_url")
        parent_key = None
        if parent_url:
            found = ISSUE_URL.search(urllib.parse.urlparse(str(parent_url)).path)
            parent_key = self._key(found["repo"], int(found["number"])) if found else None
        # Without `parent_issue_url` (older GitHub Enterprise) the parent endpoint is asked instead.
        return Record(ticket, parent_key, parent_known="parent_issue_url" in issue)

    def _children(self, repo: str, number: int) -> tuple[str, ...]:
        status, body, _ = self._get(f"/repos/{_quote(repo)}/issues/{number}/sub_issues?per_page={SUB_ISSUES_PAGE}")
        if status != 200 or not isinstance(body, list):
            return ()  # progress is already known from the summary; the child keys are a bonus
        return tuple(self._key(_repo_of(child), int(child["number"])) for child in body)


def _quote(repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"{urllib.parse.quote(owner)}/{urllib.parse.quote(name)}"


def _repo_of(issue: Mapping[str, Any]) -> str:
    found = re.search(r"/repos/([^/]+/[^/]+)$", str(issue.get("repository_url") or ""))
    if found:
        return found[1]
    return str((issue.get("repository") or {}).get("full_name") or "")
