"""What every tracker client shares: the Tracker protocol, the per-run cache and parent chain, and JSON over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from http.client import HTTPException
from typing import Any, Mapping, Protocol

from ..types import Ticket, TicketRef, TrackerProblem

# Seconds per request; a tracker slower than this is treated as down (the check goes neutral).
DEFAULT_TIMEOUT = 10.0
# story -> epic needs one step, sub-task -> story -> epic two; a cycle or a deep tree stops here.
MAX_PARENT_DEPTH = 3
DEFAULT_EPIC_LABELS = ("epic",)
DEFAULT_EPIC_TYPES = ("Epic",)


class Tracker(Protocol):
    """Resolves a ticket key. Never raises for network or HTTP errors: they come back as TrackerProblem."""

    name: str

    def resolve(self, ref: TicketRef) -> Ticket | TrackerProblem: ...


@dataclass(frozen=True)
class EpicMatch:
    """What makes a ticket an epic: one of these labels or issue types (compared case-insensitively)."""

    labels: tuple[str, ...] = DEFAULT_EPIC_LABELS
    issue_types: tuple[str, ...] = DEFAULT_EPIC_TYPES

    def matches(self, labels: tuple[str, ...], issue_type: str | None) -> bool:
        wanted = {label.casefold() for label in self.labels}
        if any(label.casefold() in wanted for label in labels):
            return True
        return issue_type is not None and issue_type.casefold() in {t.casefold() for t in self.issue_types}


def _names(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def epic_match(rules: Any) -> EpicMatch:
    """The epic labels and issue types of the `epics` rules (EpicRules; the defaults when there are none)."""
    labels = _names(getattr(rules, "epic_labels", None))
    types = _names(getattr(rules, "epic_issue_types", None))
    return EpicMatch(DEFAULT_EPIC_LABELS if labels is None else labels, DEFAULT_EPIC_TYPES if types is None else types)


class Unreachable(Exception):
    """The tracker did not answer: connection refused, DNS, TLS, or a timeout."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]


def http_json(method: str, url: str, headers: Mapping[str, str], body: Any = None, timeout: float = DEFAULT_TIMEOUT) -> Answer:
    """One JSON request over urllib (the Action installs no `requests`); error statuses are answers, not exceptions."""
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Accept": "application/json", "User-Agent": "productops-lint", **headers}
    if data is not None:
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, raw, got = exc.code, exc.read(), dict(exc.headers or {})
    except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(str(reason) or type(exc).__name__) from None
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")[:300]
    return Answer(status, parsed, got)


def status_problem(tracker: str, key: str, status: int, detail: str = "", retry_after: str | None = None) -> TrackerProblem:
    """An error status as a problem: 404/410 mean no such ticket, anything else is the tracker's outage."""
    if status in (404, 410):
        return TrackerProblem(key, f"no such ticket in {tracker}", outage=False)
    if status in (401, 403):
        why = "rejected the credentials" if status == 401 else "refused access"
        reason = f"{tracker} {why} (HTTP {status}); check the token and its permissions"
    elif status == 429:
        reason = f"{tracker} rate-limited the lookup (HTTP 429" + (f", retry after {retry_after}s)" if retry_after else ")")
    else:
        reason = f"{tracker} answered HTTP {status}"
    return TrackerProblem(key, reason + (f": {detail}" if detail else ""), outage=True)


@dataclass(frozen=True)
class Record:
    """One ticket as fetched, before its parent is attached: the parent is named by key (resolved through the cache)."""

    ticket: Ticket
    parent_key: str | None = None
    # False when the answer did not say whether there is a parent (the tracker must ask separately).
    parent_known: bool = True


class CachedTracker:
    """A tracker with one lookup per key per run, the parent chain resolved through the same cache.

    Subclasses implement ``canonical`` and ``fetch``; ``fetch_parent`` may use an answer that already
    carries the parent (GitHub's parent endpoint, Linear's nested query) and ``remember`` it.
    """

    name = "tracker"

    def __init__(self) -> None:
        self._records: dict[str, Record | TrackerProblem] = {}
        # After a connection failure or timeout, the run stops asking: N keys would cost N timeouts.
        self._down: str | None = None
        self.lookups = 0

    # for subclasses
    def canonical(self, ref: TicketRef) -> str | TrackerProblem:
        return ref.key

    def fetch(self, key: str) -> Record | TrackerProblem:
        raise NotImplementedError

    def fetch_parent(self, record: Record) -> Record | TrackerProblem | None:
        return None if record.parent_key is None else self.lookup(record.parent_key)

    def remember(self, record: Record) -> Record:
        return self._records.setdefault(record.ticket.key, record)  # type: ignore[return-value]

    def unreachable(self, key: str, exc: Unreachable) -> TrackerProblem:
        self._down = f"{self.name} could not be reached: {exc}"
        return TrackerProblem(key, self._down, outage=True)

    # the cache
    def lookup(self, key: str) -> Record | TrackerProblem:
        if key in self._records:
            return self._records[key]
        if self._down is not None:
            return TrackerProblem(key, self._down, outage=True)
        self.lookups += 1
        try:
            found = self.fetch(key)
        except Unreachable as exc:
            found = self.unreachable(key, exc)
        if isinstance(found, Record):
            found = self.remember(found)
        self._records[key] = found
        return found

    def resolve(self, ref: TicketRef) -> Ticket | TrackerProblem:
        key = self.canonical(ref)
        if isinstance(key, TrackerProblem):
            return key
        found = self.lookup(key)
        if isinstance(found, TrackerProblem):
            return replace(found, key=ref.key)
        return self._with_parents(ref.key, found, (found.ticket.key,))

    def _with_parents(self, asked: str, record: Record, seen: tuple[str, ...]) -> Ticket | TrackerProblem:
        ticket = record.ticket
        # An epic is where the chain ends: its own parent (an initiative) says nothing about this PR.
        if ticket.is_epic or len(seen) > MAX_PARENT_DEPTH:
            return ticket
        try:
            parent = self.fetch_parent(record)
        except Unreachable as exc:
            parent = self.unreachable(record.parent_key or ticket.key, exc)
        if parent is None:
            return ticket
        if isinstance(parent, TrackerProblem):
            # The ticket exists but its parent cannot be read (an outage or no access): never guess "no epic".
            label = record.parent_key or "its parent"
            return TrackerProblem(asked, f"{ticket.key} was found but {label} could not be read: {parent.reason}", outage=True)
        if parent.ticket.key in seen:
            return ticket
        resolved = self._with_parents(asked, parent, seen + (parent.ticket.key,))
        if isinstance(resolved, TrackerProblem):
            return resolved
        return replace(ticket, parent=resolved)
