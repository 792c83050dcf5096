"""Stand-in Linear: a GraphQL endpoint that validates and executes each query against a subset of Linear's schema."""

# The SDL below is written from Linear's public schema reference (issue, parent, children, labels,
# project, workflow state); graphql-core validates the query the client sends against it, so a
# misspelt field or a wrong argument is a violation here as it would be an error at Linear.

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, build_schema, graphql_sync
from werkzeug.wrappers import Request

from .tracker_server import TrackerServer

SCHEMA = build_schema('''
type Query {
  "One issue, by its id or its identifier (ENG-42)."
  issue(id: String!): Issue
}

type Issue {
  id: ID!
  identifier: String!
  number: Float!
  title: String!
  description: String
  url: String!
  state: WorkflowState!
  labels(first: Int, after: String): IssueLabelConnection!
  parent: Issue
  children(first: Int, after: String): IssueConnection!
  project: Project
  team: Team!
}

type WorkflowState {
  id: ID!
  name: String!
  "backlog, unstarted, started, completed, canceled or triage"
  type: String!
}

type IssueLabel {
  id: ID!
  name: String!
}

type IssueLabelConnection {
  nodes: [IssueLabel!]!
}

type IssueConnection {
  nodes: [Issue!]!
}

type Project {
  id: ID!
  name: String!
  slugId: String!
  url: String!
  state: String!
  progress: Float!
  issues(first: Int, after: String): IssueConnection!
}

type Team {
  id: ID!
  key: String!
  name: String!
}
''')

STATE_TYPES = {"Backlog": "backlog", "Todo": "unstarted", "In Progress": "started", "Done": "completed",
               "Canceled": "canceled"}


@dataclass
class LinearProject:
    name: str
    state: str = "started"
    id: str = ""
    slugId: str = ""
    url: str = ""


@dataclass
class LinearIssue:
    identifier: str
    title: str
    state_name: str = "Todo"
    parent_id: str | None = None
    label_names: list[str] = field(default_factory=list)
    project_name: str | None = None


class _Node:
    """An issue as the executor sees it: plain attributes, and callables for fields with arguments."""

    def __init__(self, server: "LinearStandIn", issue: LinearIssue) -> None:
        self._server, self._issue = server, issue
        self.id = f"uuid-{issue.identifier.lower()}"
        self.identifier = issue.identifier
        self.number = float(issue.identifier.rsplit("-", 1)[1])
        self.title = issue.title
        self.description = None
        self.url = f"https://linear.app/acme/issue/{issue.identifier.lower()}"
        self.state = {"id": f"state-{issue.state_name}", "name": issue.state_name, "type": STATE_TYPES[issue.state_name]}
        team = issue.identifier.split("-", 1)[0]
        self.team = {"id": f"team-{team}", "key": team, "name": team.title()}

    def labels(self, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        return {"nodes": [{"id": f"label-{n}", "name": n} for n in self._issue.label_names][: first or None]}

    def parent(self, info: Any) -> "_Node | None":
        return self._server.node(self._issue.parent_id) if self._issue.parent_id else None

    def children(self, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        found = [self._server.node(i.identifier) for i in self._server.issues.values()
                 if i.parent_id == self._issue.identifier]
        return {"nodes": found[: first or None]}

    def project(self, info: Any) -> dict[str, Any] | None:
        name = self._issue.project_name
        if name is None:
            return None
        project = self._server.projects[name]
        members = [self._server.node(i.identifier) for i in self._server.issues.values() if i.project_name == name]
        done = sum(1 for m in members if m.state["type"] == "completed")
        return {"id": project.id, "name": project.name, "slugId": project.slugId, "url": project.url,
                "state": project.state, "progress": done / len(members) if members else 0.0,
                "issues": lambda info, first=None, after=None: {"nodes": members[: first or None]}}


class LinearStandIn(TrackerServer):
    """``POST /graphql`` with ``Authorization: <api_key>``; ``queries`` keeps every query text received."""

    def __init__(self, api_key: str = "lin_api_standin") -> None:
        super().__init__()
        self.api_key = api_key
        self.issues: dict[str, LinearIssue] = {}
        self.projects: dict[str, LinearProject] = {}
        self.queries: list[str] = []
        self._ids = itertools.count(1)

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def add(self, identifier: str, title: str, **kwargs: Any) -> LinearIssue:
        issue = LinearIssue(identifier, title, **kwargs)
        self.issues[identifier] = issue
        return issue

    def add_project(self, name: str, state: str = "started") -> LinearProject:
        n = next(self._ids)
        slug = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}-{n:x}"
        project = LinearProject(name, state, f"project-{n}", slug, f"https://linear.app/acme/project/{slug}")
        self.projects[name] = project
        return project

    def node(self, identifier: str) -> _Node:
        return _Node(self, self.issues[identifier])

    def _issue(self, info: Any, id: str) -> _Node:
        if id not in self.issues:
            raise GraphQLError("Entity not found: Issue", extensions={
                "type": "invalid input", "code": "INVALID_INPUT", "statusCode": 400, "userError": True,
                "userPresentableMessage": "Could not find referenced Issue."})
        return self.node(id)

    def handle(self, request: Request) -> tuple[int, Any]:
        if request.path != "/graphql" or request.method != "POST":
            self.violation(request, "Linear serves only POST /graphql")
            return 404, None
        if request.headers.get("Authorization") != self.api_key:
            # Linear answers a bad key with an error of type AUTHENTICATION_ERROR, not a bare status.
            return 400, {"errors": [{"message": "Authentication required, not authenticated", "extensions": {
                "type": "authentication error", "code": "AUTHENTICATION_ERROR", "statusCode": 401, "userError": True,
                "userPresentableMessage": "You need to authenticate to access this operation."}}]}
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            self.violation(request, "the body is not a GraphQL request (JSON with `query`)")
            return 400, {"errors": [{"message": "Must provide query string."}]}
        with self.lock:
            self.queries.append(body["query"])
        result = graphql_sync(SCHEMA, body["query"], root_value={"issue": self._issue},
                              variable_values=body.get("variables") or {}, operation_name=body.get("operationName"))
        if result.errors and result.data is None:
            # Nothing executed: the query or its variables do not fit the schema.
            self.violation(request, "; ".join(e.message for e in result.errors))
            return 400, {"errors": [e.formatted for e in result.errors]}
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        return 200, answer
