"""Jira as the tracker: Cloud REST v3 (`fields.parent`), Data Center REST v2 with the legacy Epic Link field."""

from __future__ import annotations

import base64
import re
import urllib.parse
from typing import Any, Mapping

from ..types import Ticket, TicketRef, TrackerProblem
from .base import (
    DEFAULT_TIMEOUT,
    Answer,
    CachedTracker,
    EpicMatch,
    Record,
    http_json,
    status_problem,
)

KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")
ISSUE_FIELDS = ("summary", "status", "issuetype", "parent", "subtasks", "labels")
# The legacy Epic Link field, as Jira Software registers it on Data Center (and on old Cloud sites).
EPIC_LINK_SCHEMA = "com.pyxis.greenhopper.jira:gh-epic-link"
# Counting an epic's children stops after this many (pages of PAGE); the count says "at least".
PAGE = 100
MAX_CHILDREN = 1000


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        messages = list(body.get("errorMessages") or []) + [f"{k}: {v}" for k, v in (body.get("errors") or {}).items()]
        return "; ".join(str(m) for m in messages)[:300]
    return ""


class Jira(CachedTracker):
    """One Jira site. ``cloud`` picks REST v3 with basic auth; otherwise REST v2 with a bearer PAT (Data Center)."""

    name = "Jira"

    def __init__(self, base_url: str, auth_header: str, cloud: bool, epics: EpicMatch = EpicMatch(),
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": auth_header}
        self.cloud = cloud
        self.epics = epics
        self.timeout = timeout
        self.api = "/rest/api/3" if cloud else "/rest/api/2"
        self._epic_link: str | None | TrackerProblem = None
        self._epic_link_known = False
        self.requests = 0

    @classmethod
    def basic(cls, base_url: str, email: str, token: str, **kwargs: Any) -> "Jira":
        credential = base64.b64encode(f"{email}:{token}".encode()).decode()
        return cls(base_url, f"Basic {credential}", cloud=True, **kwargs)

    @classmethod
    def bearer(cls, base_url: str, pat: str, **kwargs: Any) -> "Jira":
        return cls(base_url, f"Bearer {pat}", cloud=False, **kwargs)

    def _get(self, path: str, **query: str) -> Answer:
        self.requests += 1
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        return http_json("GET", url, self.headers, timeout=self.timeout)

    def _problem(self, key: str, answer: Answer) -> TrackerProblem:
        return status_problem(self.name, key, answer.status, _detail(answer.body), answer.headers.get("Retry-After"))

    def canonical(self, ref: TicketRef) -> str | TrackerProblem:
        key = ref.key.strip().upper()
        if not KEY.match(key):
            return TrackerProblem(ref.key, f"`{ref.key}` is not a Jira issue key", outage=False)
        return key

    def epic_link_field(self) -> str | None | TrackerProblem:
        """The id of the Epic Link custom field (``customfield_10014``), discovered once per run; None when absent."""
        if not self._epic_link_known:
            answer = self._get(f"{self.api}/field")
            if answer.status != 200:
                return self._problem("Epic Link field", answer)
            self._epic_link = next(
                (str(f["id"]) for f in answer.body or [] if (f.get("schema") or {}).get("custom") == EPIC_LINK_SCHEMA),
                None,
            )
            self._epic_link_known = True
        return self._epic_link

    def fetch(self, key: str) -> Record | TrackerProblem:
        fields = list(ISSUE_FIELDS)
        epic_link = None
        if not self.cloud:
            found = self.epic_link_field()
            if isinstance(found, TrackerProblem):
                return found
            epic_link = found
            if epic_link:
                fields.append(epic_link)
        answer = self._get(f"{self.api}/issue/{urllib.parse.quote(key)}", fields=",".join(fields))
        if answer.status != 200:
            return self._problem(key, answer)
        return self._record(answer.body, epic_link)

    def _record(self, issue: Mapping[str, Any], epic_link: str | None) -> Record | TrackerProblem:
        fields = issue.get("fields") or {}
        key = str(issue["key"])
        issuetype = fields.get("issuetype") or {}
        type_name = issuetype.get("name")
        labels = tuple(str(label) for label in fields.get("labels") or ())
        # hierarchyLevel 1 is the epic level on Cloud, whatever the site named its epic type.
        is_epic = self.epics.matches(labels, type_name) or issuetype.get("hierarchyLevel") == 1
        progress: tuple[int, int] | None = None
        children = tuple(str(sub["key"]) for sub in fields.get("subtasks") or () if sub.get("key"))
        if is_epic:
            counted = self._children(key, epic_link)
            if isinstance(counted, TrackerProblem):
                return counted
            children, progress = counted
        status = fields.get("status") or {}
        parent_key = (fields.get("parent") or {}).get("key")
        if parent_key is None and epic_link:
            # Data Center puts only a sub-task's parent in `parent`; a story names its epic in Epic Link.
            parent_key = fields.get(epic_link) or None
        ticket = Ticket(key=key, title=str(fields.get("summary") or ""), url=f"{self.base_url}/browse/{key}",
                        state=str(status.get("name") or ""), issue_type=type_name, labels=labels, is_epic=is_epic,
                        progress=progress, children=children)
        return Record(ticket, str(parent_key) if parent_key else None)

    def _children(self, key: str, epic_link: str | None) -> tuple[tuple[str, ...], tuple[int, int]] | TrackerProblem:
        """The epic's children and (done, total), by JQL: `parent` on Cloud, the Epic Link field on Data Center."""
        if self.cloud:
            jql = f'parent = "{key}"'
        elif epic_link:
            jql = f'cf[{epic_link.rsplit("_", 1)[-1]}] = "{key}"'
        else:
            return (), (0, 0)
        keys: list[str] = []
        done = 0
        token: str | None = None
        while len(keys) < MAX_CHILDREN:
            if self.cloud:
                query = {"jql": jql, "fields": "status", "maxResults": str(PAGE)}
                if token:
                    query["nextPageToken"] = token
                answer = self._get(f"{self.api}/search/jql", **query)
            else:
                answer = self._get(f"{self.api}/search", jql=jql, fields="status", maxResults=str(PAGE),
                                   startAt=str(len(keys)))
            if answer.status != 200:
                return self._problem(key, answer)
            issues = answer.body.get("issues") or []
            for child in issues:
                keys.append(str(child["key"]))
                category = (((child.get("fields") or {}).get("status") or {}).get("statusCategory") or {}).get("key")
                done += category == "done"
            if self.cloud:
                token = answer.body.get("nextPageToken")
                if not token or answer.body.get("isLast") or not issues:
                    break
            elif not issues or len(keys) >= int(answer.body.get("total") or 0):
                break
        return tuple(keys), (done, len(keys))
