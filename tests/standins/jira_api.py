"""Stand-in Jira: Cloud REST v3 (basic auth) or Data Center REST v2 (bearer PAT, Epic Link field), shaped on Atlassian's docs."""

# Answers follow the documented issue JSON: `fields.parent` with its `fields.issuetype` on Cloud,
# `customfield_NNNNN` Epic Link on Data Center. A request the real API would refuse or ignore
# (unknown field, parameter or path, a JQL this client never sends) is answered 400/404 and recorded
# in `violations`, so a passing test means the client speaks Jira.

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request

from .tracker_server import TrackerServer

EPIC_LINK_ID = "customfield_10014"
STATUS_CATEGORIES = {"To Do": ("new", 2, "blue-gray"), "In Progress": ("indeterminate", 4, "yellow"),
                     "Done": ("done", 3, "green")}
TYPES = {"Epic": 1, "Story": 0, "Task": 0, "Bug": 0, "Sub-task": -1}
ISSUE_FIELDS = {"summary", "status", "issuetype", "parent", "subtasks", "labels", "priority", "assignee"}
ISSUE_PARAMS = {"fields", "expand", "properties", "fieldsByKeys", "updateHistory", "failFast"}
SEARCH_PARAMS = {"jql", "fields", "maxResults", "nextPageToken", "startAt", "expand", "properties", "fieldsByKeys",
                 "reconcileIssues", "validateQuery"}
KEY = r'"?([A-Z][A-Z0-9_]*-\d+)"?'


@dataclass
class JiraIssue:
    key: str
    summary: str
    issue_type: str = "Story"
    status: str = "To Do"
    parent: str | None = None
    labels: list[str] = field(default_factory=list)
    # Data Center: the epic a story belongs to, in the Epic Link field (Cloud uses `parent`).
    epic_link: str | None = None


class JiraStandIn(TrackerServer):
    """``cloud=True``: REST v3 with ``email``/``token`` basic auth; otherwise Data Center REST v2 with bearer ``pat``."""

    def __init__(self, cloud: bool = True, email: str = "bot@example.com", token: str = "jira-token",
                 pat: str = "jira-pat") -> None:
        super().__init__()
        self.cloud = cloud
        self.api = "/rest/api/3" if cloud else "/rest/api/2"
        basic = base64.b64encode(f"{email}:{token}".encode()).decode()
        self.credential = f"Basic {basic}" if cloud else f"Bearer {pat}"
        self.email, self.token, self.pat = email, token, pat
        self.issues: dict[str, JiraIssue] = {}
        self._ids = itertools.count(10000)
        self._issue_ids: dict[str, int] = {}

    def add(self, key: str, summary: str, **kwargs: Any) -> JiraIssue:
        issue = JiraIssue(key, summary, **kwargs)
        self.issues[key] = issue
        self._issue_ids[key] = next(self._ids)
        return issue

    # shaping answers
    def _status(self, name: str) -> dict[str, Any]:
        category, cid, color = STATUS_CATEGORIES[name]
        return {"self": f"{self.url}{self.api}/status/{cid}", "description": "", "name": name, "id": str(cid),
                "iconUrl": f"{self.url}/images/icons/status_generic.gif",
                "statusCategory": {"self": f"{self.url}{self.api}/statuscategory/{cid}", "id": cid, "key": category,
                                   "colorName": color, "name": name}}

    def _issuetype(self, name: str) -> dict[str, Any]:
        level = TYPES[name]
        shaped = {"self": f"{self.url}{self.api}/issuetype/{10000 + level + 1}", "id": str(10000 + level + 1),
                  "description": "", "iconUrl": f"{self.url}/images/icons/issuetypes/{name.lower()}.svg",
                  "name": name, "subtask": level < 0, "avatarId": 10300 + level + 1}
        if self.cloud:  # Data Center has no hierarchy levels in its issue type JSON
            shaped["hierarchyLevel"] = level
        return shaped

    def _ref(self, issue: JiraIssue) -> dict[str, Any]:
        """An issue as `parent` and `subtasks` show it: key and a few fields."""
        iid = self._issue_ids[issue.key]
        return {"id": str(iid), "key": issue.key, "self": f"{self.url}{self.api}/issue/{iid}",
                "fields": {"summary": issue.summary, "status": self._status(issue.status),
                           "priority": {"self": f"{self.url}{self.api}/priority/3", "name": "Medium", "id": "3"},
                           "issuetype": self._issuetype(issue.issue_type)}}

    def _fields(self, issue: JiraIssue, wanted: list[str]) -> dict[str, Any]:
        parent = self.issues.get(issue.parent) if issue.parent else None
        if parent is not None and not self.cloud and TYPES[issue.issue_type] >= 0:
            parent = None  # Data Center's `parent` is a sub-task's parent only
        every = {
            "summary": issue.summary,
            "status": self._status(issue.status),
            "issuetype": self._issuetype(issue.issue_type),
            "labels": list(issue.labels),
            "subtasks": [self._ref(i) for i in self.issues.values() if i.parent == issue.key and TYPES[i.issue_type] < 0],
            "priority": {"self": f"{self.url}{self.api}/priority/3", "name": "Medium", "id": "3"},
            "assignee": None,
        }
        if parent is not None:
            every["parent"] = self._ref(parent)
        if not self.cloud:
            every[EPIC_LINK_ID] = issue.epic_link
        # Jira leaves a requested field out when it has no value (`parent` of a top-level issue).
        return {name: every[name] for name in wanted if name in every}

    def _issue_json(self, issue: JiraIssue, wanted: list[str]) -> dict[str, Any]:
        iid = self._issue_ids[issue.key]
        return {"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
                "id": str(iid), "self": f"{self.url}{self.api}/issue/{iid}", "key": issue.key,
                "fields": self._fields(issue, wanted)}

    # request handling
    def _errors(self, status: int, *messages: str) -> tuple[int, Any]:
        return status, {"errorMessages": list(messages), "errors": {}}

    def _known_fields(self) -> set[str]:
        return ISSUE_FIELDS | ({EPIC_LINK_ID} if not self.cloud else set())

    def _wanted(self, request: Request, allowed: set[str]) -> list[str] | None:
        unknown = set(request.args) - allowed
        if unknown:
            self.violation(request, f"unknown query parameters {sorted(unknown)}")
            return None
        wanted = [f for f in (request.args.get("fields") or "").split(",") if f]
        bad = [f for f in wanted if f not in self._known_fields()]
        if bad:
            self.violation(request, f"unknown fields {bad}")
            return None
        if not wanted:
            self.violation(request, "no `fields`: the client must ask for what it reads")
            return None
        return wanted

    def handle(self, request: Request) -> tuple[int, Any]:
        path = request.path
        if not path.startswith(self.api + "/"):
            self.violation(request, f"not a path of this Jira ({'Cloud v3' if self.cloud else 'Data Center v2'})")
            return self._errors(404, "Not found")
        if request.headers.get("Authorization") != self.credential:
            return 401, {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
                         "errors": {}}
        rest = path[len(self.api):]
        found = re.fullmatch(r"/issue/([^/]+)", rest)
        if request.method == "GET" and found:
            wanted = self._wanted(request, ISSUE_PARAMS)
            if wanted is None:
                return self._errors(400, "The request is not valid")
            issue = self.issues.get(found[1])
            if issue is None:
                return self._errors(404, "Issue does not exist or you do not have permission to see it.")
            return 200, self._issue_json(issue, wanted)
        if request.method == "GET" and rest == "/field" and not self.cloud:
            return 200, self._field_list()
        if request.method in ("GET", "POST") and rest == ("/search/jql" if self.cloud else "/search"):
            return self._search(request)
        self.violation(request, "not an operation this stand-in serves")
        return self._errors(404, "Not found")

    def _field_list(self) -> list[dict[str, Any]]:
        def system(fid: str, name: str, kind: str) -> dict[str, Any]:
            return {"id": fid, "name": name, "custom": False, "orderable": True, "navigable": True, "searchable": True,
                    "clauseNames": [fid], "schema": {"type": kind, "system": fid}}

        number = EPIC_LINK_ID.rsplit("_", 1)[1]
        return [system("summary", "Summary", "string"), system("status", "Status", "status"),
                system("issuetype", "Issue Type", "issuetype"), system("labels", "Labels", "array"),
                {"id": "customfield_10011", "name": "Epic Name", "custom": True, "orderable": True, "navigable": True,
                 "searchable": True, "clauseNames": ["cf[10011]", "Epic Name"],
                 "schema": {"type": "string", "custom": "com.pyxis.greenhopper.jira:gh-epic-label", "customId": 10011}},
                {"id": EPIC_LINK_ID, "name": "Epic Link", "custom": True, "orderable": True, "navigable": True,
                 "searchable": True, "clauseNames": [f"cf[{number}]", "Epic Link"],
                 "schema": {"type": "any", "custom": "com.pyxis.greenhopper.jira:gh-epic-link", "customId": int(number)}}]

    def _search(self, request: Request) -> tuple[int, Any]:
        args = dict(request.args)
        if request.method == "POST":
            args.update({k: (",".join(v) if isinstance(v, list) else str(v)) for k, v in (request.get_json(silent=True) or {}).items()})
        unknown = set(args) - SEARCH_PARAMS
        if unknown:
            self.violation(request, f"unknown search parameters {sorted(unknown)}")
            return self._errors(400, "The request is not valid")
        jql = args.get("jql", "").strip()
        number = EPIC_LINK_ID.rsplit("_", 1)[1]
        found = re.fullmatch(rf"parent\s*=\s*{KEY}", jql) if self.cloud else (
            re.fullmatch(rf"(?:cf\[{number}\]|\"Epic Link\")\s*=\s*{KEY}", jql))
        if found is None:
            self.violation(request, f"JQL this stand-in does not understand: {jql!r}")
            return self._errors(400, f"Error in the JQL Query: {jql}")
        epic = found[1]
        children = [i for i in self.issues.values() if (i.parent if self.cloud else i.epic_link) == epic]
        size = int(args.get("maxResults") or 50)
        start = int(args.get("nextPageToken") or args.get("startAt") or 0)
        wanted = [f for f in args.get("fields", "").split(",") if f] or ["summary", "status"]
        page = [self._issue_json(i, wanted) for i in children[start:start + size]]
        if self.cloud:
            body: dict[str, Any] = {"issues": page, "isLast": start + size >= len(children)}
            if not body["isLast"]:
                body["nextPageToken"] = str(start + size)
            return 200, body
        return 200, {"expand": "names,schema", "startAt": start, "maxResults": size, "total": len(children), "issues": page}
