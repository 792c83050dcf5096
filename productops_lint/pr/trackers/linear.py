"""Linear as the tracker: GraphQL `issue(id:)` with its parent, children, labels and project."""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..types import Ticket, TicketRef, TrackerProblem
from .base import DEFAULT_TIMEOUT, CachedTracker, EpicMatch, Record, http_json, status_problem

DEFAULT_API_URL = "https://api.linear.app/graphql"
KEY = re.compile(r"^[A-Z][A-Z0-9]*-\d+$")
# Workflow state types that count a child as finished (canceled work is no longer open either).
DONE_TYPES = ("completed", "canceled")
# Linear pages connections; an epic with more children than this shows progress over the first ones.
CHILDREN = 100

_ISSUE_FIELDS = f"""
    identifier title url
    state {{ name type }}
    labels {{ nodes {{ name }} }}
    children(first: {CHILDREN}) {{ nodes {{ identifier state {{ type }} }} }}
"""
# One request per key: the issue, its parent (enough to decide and show the epic) and its project.
QUERY = f"""
query ProductOpsIssue($id: String!) {{
  issue(id: $id) {{
    {_ISSUE_FIELDS}
    parent {{
      {_ISSUE_FIELDS}
      parent {{ identifier }}
    }}
    project {{
      id name url state
      issues(first: {CHILDREN}) {{ nodes {{ identifier state {{ type }} }} }}
    }}
  }}
}}
"""

# Extension codes Linear sends for errors that are about the caller, not the ticket.
OUTAGE_CODES = {"AUTHENTICATION_ERROR": 401, "FORBIDDEN": 403, "RATELIMITED": 429}


def _error_problem(key: str, errors: list[Any], status: int) -> TrackerProblem:
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    message = str(first.get("message") or "GraphQL error")
    extensions = first.get("extensions") or {}
    code = str(extensions.get("code") or "")
    if code in OUTAGE_CODES:
        return status_problem("Linear", key, OUTAGE_CODES[code], message)
    invalid_entity = str(extensions.get("type", "")).lower() == "invalid input" and "entity" in message.lower()
    if "not found" in message.lower() or invalid_entity:
        return TrackerProblem(key, "no such ticket in Linear", outage=False)
    return TrackerProblem(key, f"Linear answered an error (HTTP {status}): {message}", outage=True)


class Linear(CachedTracker):
    """Linear's GraphQL API with a personal API key (or an OAuth token, sent as ``Bearer ...``).

    There is no epic issue type in Linear, so an issue is an epic when it has an epic label, or when it
    has sub-issues and no parent of its own (the top of a tree of sub-issues). An issue with neither an
    epic parent nor an epic label that belongs to a project gets the project as its epic: many teams
    plan with projects, and a project is what leadership reads progress from.
    """

    name = "Linear"

    def __init__(self, api_key: str, api_url: str = DEFAULT_API_URL, epics: EpicMatch = EpicMatch(),
                 timeout: float = DEFAULT_TIMEOUT, project_as_epic: bool = True) -> None:
        super().__init__()
        self.api_url = api_url
        self.headers = {"Authorization": api_key}
        self.epics = epics
        self.timeout = timeout
        self.project_as_epic = project_as_epic
        self.requests = 0

    def canonical(self, ref: TicketRef) -> str | TrackerProblem:
        key = ref.key.strip().upper()
        if not KEY.match(key):
            return TrackerProblem(ref.key, f"`{ref.key}` is not a Linear issue identifier", outage=False)
        return key

    def fetch(self, key: str) -> Record | TrackerProblem:
        self.requests += 1
        answer = http_json("POST", self.api_url, self.headers, {"query": QUERY, "variables": {"id": key}},
                           timeout=self.timeout)
        body = answer.body if isinstance(answer.body, dict) else {}
        # GraphQL errors arrive as 200 (or 400) with `errors`; a bare error status has no body to read.
        if body.get("errors"):
            return _error_problem(key, list(body["errors"]), answer.status)
        if answer.status != 200:
            return status_problem(self.name, key, answer.status, retry_after=answer.headers.get("Retry-After"))
        issue = (body.get("data") or {}).get("issue")
        if not issue:
            return TrackerProblem(key, "no such ticket in Linear", outage=False)
        return self._record(issue)

    def _ticket(self, issue: Mapping[str, Any], has_parent: bool) -> Ticket:
        labels = tuple(str(n["name"]) for n in (issue.get("labels") or {}).get("nodes") or ())
        nodes = list((issue.get("children") or {}).get("nodes") or ())
        is_epic = self.epics.matches(labels, None) or (bool(nodes) and not has_parent)
        done = sum(1 for n in nodes if ((n.get("state") or {}).get("type")) in DONE_TYPES)
        state = issue.get("state") or {}
        return Ticket(key=str(issue["identifier"]), title=str(issue.get("title") or ""), url=str(issue.get("url") or ""),
                      state=str(state.get("name") or ""), labels=labels, is_epic=is_epic,
                      progress=(done, len(nodes)) if is_epic or nodes else None,
                      children=tuple(str(n["identifier"]) for n in nodes))

    def _project(self, project: Mapping[str, Any]) -> Ticket:
        nodes = list((project.get("issues") or {}).get("nodes") or ())
        done = sum(1 for n in nodes if ((n.get("state") or {}).get("type")) in DONE_TYPES)
        return Ticket(key=str(project.get("name") or project.get("id")), title=str(project.get("name") or ""),
                      url=str(project.get("url") or ""), state=str(project.get("state") or ""), issue_type="Project",
                      is_epic=True, progress=(done, len(nodes)), children=tuple(str(n["identifier"]) for n in nodes))

    def _record(self, issue: Mapping[str, Any]) -> Record:
        parent = issue.get("parent")
        ticket = self._ticket(issue, has_parent=bool(parent))
        if parent:
            # The nested parent is complete enough to decide and show it: cache it, no second request.
            grandparent = (parent.get("parent") or {}).get("identifier")
            self.remember(Record(self._ticket(parent, has_parent=bool(grandparent)), grandparent))
            return Record(ticket, str(parent["identifier"]))
        project = issue.get("project")
        if project and self.project_as_epic and not ticket.is_epic:
            epic = self._project(project)
            self.remember(Record(epic))
            return Record(ticket, epic.key)
        return Record(ticket)
