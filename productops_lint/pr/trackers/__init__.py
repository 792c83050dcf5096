"""The tracker clients the epic check resolves ticket keys with, chosen by the `epics` rules; credentials from the environment.

Environment variables (read when a tracker is built, once per run):

- GitHub Issues: the App's installation client, or ``GITHUB_TOKEN`` (``GITHUB_API_URL`` on GitHub
  Enterprise); ``#N`` is looked up in the PR's repository (``GITHUB_REPOSITORY`` when the front end
  does not say).
- Jira: ``JIRA_BASE_URL`` and either ``JIRA_EMAIL`` + ``JIRA_API_TOKEN`` (Cloud, REST v3, basic
  auth) or ``JIRA_PAT`` (Data Center, REST v2, bearer token, Epic Link field).
- Linear: ``LINEAR_API_KEY``; ``LINEAR_API_URL`` overrides the endpoint.
- ``TRACKER_TIMEOUT_SECONDS``: seconds per request (default 10).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..types import Ticket, TicketRef, TrackerProblem
from .base import DEFAULT_TIMEOUT, CachedTracker, EpicMatch, Tracker, epic_match
from .github_issues import DEFAULT_API_URL as GITHUB_API_URL
from .github_issues import GitHubIssues, pygithub_get, urllib_get
from .jira import Jira
from .linear import DEFAULT_API_URL as LINEAR_API_URL
from .linear import Linear

__all__ = [
    "CachedTracker", "EpicMatch", "GitHubIssues", "Jira", "Linear", "Tracker", "Unconfigured",
    "epic_match", "github_tracker", "tracker_for",
]


class Unconfigured:
    """A tracker whose credentials are missing: every key is a problem that says which variables to set."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def resolve(self, ref: TicketRef) -> Ticket | TrackerProblem:
        return TrackerProblem(ref.key, f"{self.name} is not configured: {self.reason}", outage=True)


def _timeout(env: Mapping[str, str]) -> float:
    try:
        value = float(env.get("TRACKER_TIMEOUT_SECONDS", "") or DEFAULT_TIMEOUT)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def github_tracker(github: Any, env: Mapping[str, str], epics: EpicMatch, repo: str | None = None) -> Tracker:
    """GitHub Issues through whatever client the front end has.

    ``github`` may be the App's RepoClient (its installation client is used), a PyGithub ``Github``,
    an object with ``api_url`` and ``token`` (the Action's REST client), or None (``GITHUB_TOKEN``).
    """
    repo = repo or getattr(github, "full_name", None) or env.get("GITHUB_REPOSITORY") or None
    timeout = _timeout(env)
    if github is not None and hasattr(github, "app") and hasattr(github, "installation_id"):
        try:
            client = github.app.client(github.installation_id)
        except Exception as exc:  # the installation token could not be had: GitHub's outage, not the PR's
            return Unconfigured("GitHub", f"no installation token ({type(exc).__name__}: {exc})")
        return GitHubIssues(pygithub_get(client), repo, epics)
    if github is not None and hasattr(github, "requester"):
        return GitHubIssues(pygithub_get(github), repo, epics)
    if github is not None and hasattr(github, "api_url"):
        api_url, token = str(github.api_url), str(getattr(github, "token", "") or "")
    else:
        api_url, token = env.get("GITHUB_API_URL") or GITHUB_API_URL, env.get("GITHUB_TOKEN", "")
    return GitHubIssues(urllib_get(api_url, token, timeout), repo, epics)


def tracker_for(rules: Any, env: Mapping[str, str], github: Any = None, repo: str | None = None) -> Tracker:
    """The tracker the `epics` rules name (``tracker``: github, jira or linear; github when unset).

    ``repo`` (owner/name) is where GitHub's ``#N`` is looked up; without it, the client's ``full_name``
    or ``GITHUB_REPOSITORY``. A new tracker per run: its cache holds each key's answer for this run only.
    """
    kind = str(getattr(rules, "tracker", None) or "github").lower()
    epics = epic_match(rules)
    timeout = _timeout(env)
    if kind == "jira":
        base_url = env.get("JIRA_BASE_URL", "").strip()
        if not base_url:
            return Unconfigured("Jira", "set JIRA_BASE_URL")
        if env.get("JIRA_EMAIL") and env.get("JIRA_API_TOKEN"):
            return Jira.basic(base_url, env["JIRA_EMAIL"], env["JIRA_API_TOKEN"], epics=epics, timeout=timeout)
        if env.get("JIRA_PAT"):
            return Jira.bearer(base_url, env["JIRA_PAT"], epics=epics, timeout=timeout)
        return Unconfigured("Jira", "set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)")
    if kind == "linear":
        key = env.get("LINEAR_API_KEY", "").strip()
        if not key:
            return Unconfigured("Linear", "set LINEAR_API_KEY")
        return Linear(key, env.get("LINEAR_API_URL") or LINEAR_API_URL, epics=epics, timeout=timeout)
    if kind != "github":
        return Unconfigured(kind, "the `epics.tracker` rule must be `github`, `jira` or `linear`")
    return github_tracker(github, env, epics, repo)
