"""The PR checks' rules in the rule files: the `epics` section (epic linkage) and `checklists` (launch checklists)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..types import Location, Problem, UserError
from ..userregex import UserPattern, user_pattern

EPIC_TRACKERS = ("github", "jira", "linear")
# What a check concludes when it is not satisfied; `neutral` lets a team try a rule without blocking.
UNMET_CONCLUSIONS = ("action_required", "failure", "neutral")
INCOMPLETE_CONCLUSIONS = ("action_required", "failure")
EVENTS_WITHOUT_EPIC = ("ignore", "warn", "fail")
AUTO_KINDS = ("events-registered", "no-deprecated-events", "docs-changed", "feature-flag", "epic-linked")
FLAG_INPUTS = ("diff", "body")
REGISTERED_FIELDS = ("owner", "description")
DEFAULT_DOCS_PATHS = ("docs/**", "CHANGELOG*")
DEFAULT_BAD_STATUSES = ("deprecated", "removed")
# Which item keys belong to which automatic kind; anything else on an item is a mistake worth naming.
KIND_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "events-registered": ("require",),
    "no-deprecated-events": ("statuses",),
    "docs-changed": ("paths",),
    "feature-flag": ("pattern", "look_in"),
    "epic-linked": (),
}


@dataclass(frozen=True)
class EpicExemptions:
    """When a PR needs no epic. Any one rule is enough."""

    labels: tuple[str, ...] = ("no-epic",)
    # Globs; the PR is exempt when every changed path matches one of them.
    paths: tuple[str, ...] = ()
    bots: bool = True
    authors: tuple[str, ...] = ()
    # PRs with at most this many changed lines (additions plus deletions) need no epic.
    max_changed_lines: int | None = None


@dataclass(frozen=True)
class EventEpicRules:
    """Whether the events a PR adds or changes must belong to the PR's epic."""

    match: bool = True
    without_epic: str = "ignore"


@dataclass(frozen=True)
class EpicRules:
    """The `epics` section: which tracker, what an epic is, and what the check concludes when unmet."""

    enabled: bool = True
    tracker: str = "github"
    epic_labels: tuple[str, ...] = ("epic",)
    epic_issue_types: tuple[str, ...] = ("Epic",)
    when_missing: str = "action_required"
    when_unlinked: str = "failure"
    exempt: EpicExemptions = EpicExemptions()
    events: EventEpicRules = EventEpicRules()
    location: Location | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One item: manual (ticked in the PR body) when ``auto`` is None, else verified from the PR's facts."""

    id: str
    title: str
    owner: str | None = None
    optional: bool = False
    auto: str | None = None
    paths: tuple[str, ...] = DEFAULT_DOCS_PATHS
    pattern: str | None = None
    look_in: tuple[str, ...] = FLAG_INPUTS
    statuses: tuple[str, ...] = DEFAULT_BAD_STATUSES
    require: tuple[str, ...] = REGISTERED_FIELDS
    location: Location = Location("<plan>")
    pattern_location: Location | None = None

    @property
    def manual(self) -> bool:
        return self.auto is None

    def regex(self) -> UserPattern:
        """The feature-flag pattern, compiled once and bounded in time; a bad or too slow one names the rule file and line."""
        return _compile(self.pattern or "", self.pattern_location or self.location, self.id)


@dataclass(frozen=True)
class ChecklistWhen:
    """Which PRs a checklist applies to: any listed condition selects it; none listed means every PR."""

    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    adds_events: bool = False

    @property
    def always(self) -> bool:
        return not (self.labels or self.paths or self.adds_events)


@dataclass(frozen=True)
class Checklist:
    """A launch checklist from the rule files."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...] = ()
    when: ChecklistWhen = ChecklistWhen()
    incomplete: str = "action_required"
    location: Location = Location("<plan>")


@lru_cache(maxsize=256)
def _compile(pattern: str, location: Location, item: str) -> UserPattern:
    try:
        re.compile(pattern)  # Python's own syntax and messages, as the loader reports them
    except re.error as exc:
        raise UserError(Problem(location, f"`pattern` of checklist item `{item}` is not a valid regular expression: {exc}")) from None
    return user_pattern(pattern, 0, location)


def _strings(value: Any, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    if value is None:
        return default
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def epics_from_data(data: Mapping[str, Any] | None, location: Location | None = None) -> EpicRules:
    if not data:
        return EpicRules(location=location)
    base = EpicRules()
    exempt = data.get("exempt") or {}
    events = data.get("events") or {}
    limit = exempt.get("max_changed_lines")
    return EpicRules(
        enabled=bool(data.get("enabled", base.enabled)),
        tracker=str(data.get("tracker", base.tracker)),
        epic_labels=_strings(data.get("epic_labels"), base.epic_labels),
        epic_issue_types=_strings(data.get("epic_issue_types"), base.epic_issue_types),
        when_missing=str(data.get("when_missing", base.when_missing)),
        when_unlinked=str(data.get("when_unlinked", base.when_unlinked)),
        exempt=EpicExemptions(
            labels=_strings(exempt.get("labels"), base.exempt.labels),
            paths=_strings(exempt.get("paths")),
            bots=bool(exempt.get("bots", base.exempt.bots)),
            authors=_strings(exempt.get("authors")),
            max_changed_lines=int(limit) if limit is not None else None,
        ),
        events=EventEpicRules(
            match=bool(events.get("match", base.events.match)),
            without_epic=str(events.get("without_epic", base.events.without_epic)),
        ),
        location=location,
    )


def _when(data: Any) -> ChecklistWhen:
    if data == "adds-events":
        return ChecklistWhen(adds_events=True)
    if not isinstance(data, dict):  # `always`, or omitted
        return ChecklistWhen()
    return ChecklistWhen(
        labels=_strings(data.get("labels")), paths=_strings(data.get("paths")),
        adds_events=bool(data.get("adds_events", False)),
    )


def item_from_data(data: Mapping[str, Any], location: Location, pattern_location: Location | None = None) -> ChecklistItem:
    base = ChecklistItem("", "")
    return ChecklistItem(
        id=str(data["id"]),
        title=str(data.get("title") or data["id"]),
        owner=str(data["owner"]) if data.get("owner") else None,
        optional=bool(data.get("optional", False)),
        auto=str(data["auto"]) if data.get("auto") else None,
        paths=_strings(data.get("paths"), base.paths),
        pattern=str(data["pattern"]) if data.get("pattern") is not None else None,
        look_in=_strings(data.get("look_in"), base.look_in),
        statuses=_strings(data.get("statuses"), base.statuses),
        require=_strings(data.get("require"), base.require),
        location=location,
        pattern_location=pattern_location,
    )


def checklist_from_data(data: Mapping[str, Any], location: Location, items: Sequence[ChecklistItem]) -> Checklist:
    return Checklist(
        id=str(data["id"]),
        title=str(data.get("title") or data["id"]),
        items=tuple(items),
        when=_when(data.get("when")),
        incomplete=str(data.get("incomplete", "action_required")),
        location=location,
    )
