"""What every import shares: the report of what could not be mapped, and YAML in the rule-file format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import yaml

from ...types import Severity
from ..loader import check_rule_files
from ..model import EVENT_STATUSES, EventSpec, Plan, PropertySpec, normalize_name

# Written where the source has no description at all, so reviewers see what is left to fill in.
PLACEHOLDER_DESCRIPTION = "TODO: describe"
# How the emitted rule file is named in issues about it (it is printed, not written).
OUTPUT_NAME = "output"
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class ImportIssue:
    """Something an import could not carry over: where (row, JSON pointer) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did with its source: how many events it produced and what it left out."""

    source: str
    events: int
    issues: tuple[ImportIssue, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.issues

    def render(self) -> str:
        head = f"{self.source}: imported {self.events} {'event' if self.events == 1 else 'events'}"
        if not self.issues:
            return head + ", everything mapped\n"
        lines = [f"{head}; {len(self.issues)} to review:"]
        lines += [f"  {i}" for i in self.issues]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ImportResult:
    """Events read from another format, and the report of what did not map."""

    events: tuple[EventSpec, ...]
    report: ImportReport

    @property
    def yaml(self) -> str:
        return events_to_yaml(self.events)

    def plan(self) -> Plan:
        return Plan(events={e.name: e for e in self.events})


class IssueLog:
    """Collects issues while an importer walks its source."""

    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []

    def add(self, where: str, message: str) -> None:
        self.issues.append(ImportIssue(where, message))

    def result(self, source: str, events: Iterable[EventSpec]) -> ImportResult:
        """The events that made it, after dropping near-duplicates and noting what the loader would reject."""
        kept = self._distinct(events)
        for problem in check_rule_files([(OUTPUT_NAME, events_to_yaml(kept))])[1]:
            if problem.severity is Severity.ERROR:
                self.add(f"{OUTPUT_NAME}:{problem.location.line}", problem.message)
        return ImportResult(kept, ImportReport(source, len(kept), tuple(self.issues)))

    def _distinct(self, events: Iterable[EventSpec]) -> tuple[EventSpec, ...]:
        # A plan holds one spelling per name (the loader rejects `order_completed` next to
        # `Order Completed`), so the first spelling wins and the others are reported.
        first: dict[str, str] = {}
        kept = []
        for ev in events:
            seen = first.setdefault(normalize_name(ev.name), ev.name)
            if seen == ev.name:
                kept.append(ev)
            else:
                self.add(f"`{ev.name}`", f"differs from `{seen}` only in case or separators; not imported")
        return tuple(kept)


def blank_to_placeholder(description: Any) -> str:
    """The rule format requires a description; an empty one becomes a visible TODO."""
    text = "" if description is None else str(description)
    return text if text.strip() else PLACEHOLDER_DESCRIPTION


def parse_bool(text: str) -> bool | None:
    """A spreadsheet's idea of a boolean, or None when the text is not one."""
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def checked_status(value: Any, where: str, log: IssueLog) -> str:
    if value in EVENT_STATUSES:
        return str(value)
    log.add(where, f"unknown status `{value}`; imported as `active`")
    return "active"


def _plain(value: Any) -> Any:
    """Tuples and mappings as the lists and dicts ``safe_dump`` knows."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def property_to_data(p: PropertySpec) -> dict[str, Any]:
    """One property in rule-file form; ``type`` is always written so no property is an empty mapping."""
    data: dict[str, Any] = {"type": p.type}
    if p.values:
        data["values"] = _plain(p.values)
    if p.required:
        data["required"] = True
    if p.pii:
        data["pii"] = True
    if p.description:
        data["description"] = p.description
    if p.pattern is not None:
        data["pattern"] = p.pattern
    return data


def event_to_data(ev: EventSpec) -> dict[str, Any]:
    """One event in rule-file form, leaving out every field that holds its default."""
    data: dict[str, Any] = {"name": ev.name}
    if ev.description:
        data["description"] = ev.description
    if ev.owner is not None:
        data["owner"] = ev.owner
    if ev.status != "active":
        data["status"] = ev.status
    for key in ("replaced_by", "sunset", "epic"):
        if getattr(ev, key) is not None:
            data[key] = getattr(ev, key)
    if ev.must_track:
        data["must_track"] = True
    if ev.area is not None:
        data["area"] = ev.area
    if ev.properties:
        data["properties"] = {name: property_to_data(p) for name, p in ev.properties.items()}
    if ev.meta:
        data["meta"] = _plain(ev.meta)
    return data


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written inline."""


class _FlowList(list):  # type: ignore[type-arg]
    """A list written inline."""


class _Dumper(yaml.SafeDumper):
    """Block style, except properties and value lists, which rule files write inline."""


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def _inline_properties(data: dict[str, Any]) -> dict[str, Any]:
    if "properties" in data:
        data["properties"] = {
            name: _Flow({k: _FlowList(v) if k == "values" else v for k, v in prop.items()})
            for name, prop in data["properties"].items()
        }
    return data


def events_to_yaml(events: Iterable[EventSpec]) -> str:
    """A rule file holding ``events``, in the order given (``order_id: {type: string, required: true}``)."""
    doc = {"events": [_inline_properties(event_to_data(ev)) for ev in events]}
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
