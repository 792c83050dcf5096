"""Checks that span a whole plan: duplicates, naming conventions, replacements, regexes, ticket keys, PII hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from ..types import Location, Problem, Severity, UserError
from ..userregex import pattern_error
from .conventions import (
    STYLE_LABELS,
    did_you_mean,
    event_name_problems,
    looks_like_pii,
    property_name_problems,
    to_style,
)
from .model import Conventions, EventSpec, NamingRules, TicketRules, normalize_name
from .schema import describe
from .yamldoc import DataPath, Document

# Deprecated and removed events keep their historical names; renaming them would defeat their purpose.
_LEGACY_STATUSES = ("deprecated", "removed")


@dataclass(frozen=True)
class EventEntry:
    """An event as read from one rule file; ``valid`` is False when its YAML broke the schema."""

    spec: EventSpec
    doc: Document
    path: DataPath
    # The event's YAML data, without the parts that broke the schema.
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Declaration:
    """A section (``conventions``, ``tickets``, a wrapper, ...) as declared in one rule file."""

    doc: Document
    path: DataPath
    data: Any
    valid: bool

    @property
    def location(self) -> Location:
        return self.doc.key_at(self.path)


def section_problems(label: str, declarations: Sequence[Declaration]) -> list[Problem]:
    """A section that must be declared once: one problem at every declaration after the first."""
    if len(declarations) < 2:
        return []
    first = declarations[0].location
    return [
        Problem(d.location, f"`{label}` is already declared at {first}; keep it in one file")
        for d in declarations[1:]
    ]


def wrapper_problems(wrappers: Sequence[Declaration]) -> list[Problem]:
    """Wrappers declared twice under the same qualified name."""
    seen: dict[str, Location] = {}
    problems = []
    for decl in wrappers:
        name = decl.data.get("name") if isinstance(decl.data, dict) else None
        if not isinstance(name, str):
            continue
        where = decl.doc.at((*decl.path, "name"))
        if name in seen:
            problems.append(Problem(where, f"wrapper `{name}` is already declared at {seen[name]}"))
        else:
            seen[name] = where
    return problems


def _name_problems(
    subject: str, name: str, reasons: list[str], rules: NamingRules, where: Location
) -> Iterator[Problem]:
    style_reason = f"is not {STYLE_LABELS.get(rules.style, rules.style)}"
    for reason in reasons:
        if reason == style_reason:
            reason += f" (expected `{to_style(name, rules.style)}`)"
        # Reasons are phrases ("is not Title Case", "verb `Open` is not in the past tense").
        joint = " " if reason.split(" ", 1)[0] in ("is", "uses", "has", "needs") else ": "
        yield Problem(where, f"{subject} `{name}`{joint}{reason}")


def duplicate_problems(entries: Sequence[EventEntry]) -> list[Problem]:
    """Events declared twice, also when the names differ only in case or separators."""
    seen: dict[str, EventEntry] = {}
    problems = []
    for entry in entries:
        key = normalize_name(entry.spec.name)
        first = seen.get(key)
        if first is None:
            seen[key] = entry
            continue
        name, other, where = entry.spec.name, first.spec.name, first.spec.location
        if name == other:
            message = f"event `{name}` is declared twice (first at {where})"
        else:
            message = f"event `{name}` differs from `{other}` ({where}) only in case or separators"
        problems.append(Problem(entry.spec.location, message))
    return problems


def _property_problems(entry: EventEntry, conventions: Conventions | None) -> Iterator[Problem]:
    props = entry.data.get("properties")
    if not isinstance(props, dict):
        return
    seen: dict[str, str] = {}
    for prop in entry.spec.properties.values():
        where = prop.location
        subject = f"property `{prop.name}` of event `{entry.spec.name}`"
        other = seen.setdefault(normalize_name(prop.name), prop.name)
        if other != prop.name:
            yield Problem(where, f"{subject} differs from `{other}` only in case or separators")
        if conventions is None:
            continue
        if entry.spec.status not in _LEGACY_STATUSES:
            reasons = property_name_problems(prop.name, conventions.property)
            yield from _name_problems("property name", prop.name, reasons, conventions.property, where)
        declared = props.get(prop.name)
        # Only a property that says nothing about `pii` gets the hint: `pii: false` is a decision.
        if not (isinstance(declared, dict) and "pii" in declared):
            try:
                pattern = looks_like_pii(prop.name, conventions)
            except UserError as exc:  # a pattern too slow: reported where it is written, the check goes on
                yield from exc.problems
                continue
            if pattern:
                message = (
                    f"{subject} looks like personal data (matches `{pattern}`); "
                    "set `pii: true`, or `pii: false` if it is not"
                )
                yield Problem(where, message, Severity.WARNING)


def event_problems(
    entries: Sequence[EventEntry], conventions: Conventions | None, tickets: TicketRules | None
) -> list[Problem]:
    """Per-event checks against the whole plan. ``None`` rules (broken in their file) are skipped."""
    names = [e.spec.name for e in entries]
    by_name = {e.spec.name: e for e in entries}
    problems: list[Problem] = []
    for entry in entries:
        spec, doc = entry.spec, entry.doc
        if conventions is not None and spec.status not in _LEGACY_STATUSES:
            reasons = event_name_problems(spec.name, conventions.event)
            problems.extend(_name_problems("event name", spec.name, reasons, conventions.event, spec.location))
        problems.extend(_property_problems(entry, conventions))
        problems.extend(_lifecycle_problems(entry, by_name, names))
        if spec.epic and tickets is not None and tickets.project_keys:
            key = spec.epic.split("-", 1)[0]
            if key not in tickets.project_keys:
                message = (
                    f"epic `{spec.epic}` of event `{spec.name}` uses project key `{key}`, "
                    f"not one of {', '.join(f'`{k}`' for k in tickets.project_keys)}"
                )
                problems.append(Problem(doc.at((*entry.path, "epic")), message))
    return problems


def _lifecycle_problems(entry: EventEntry, by_name: Mapping[str, EventEntry], names: list[str]) -> Iterator[Problem]:
    spec = entry.spec
    target = spec.replaced_by
    if target is not None:
        where = entry.doc.at((*entry.path, "replaced_by"))
        if target == spec.name:
            yield Problem(where, f"event `{spec.name}` is replaced by itself")
        elif target not in by_name:
            hint = did_you_mean(target, names)
            suffix = f" (did you mean `{hint}`?)" if hint else ""
            message = f"`replaced_by` of event `{spec.name}` names `{target}`, which is not an event of the plan"
            yield Problem(where, message + suffix)
        elif by_name[target].spec.status == "removed":
            yield Problem(where, f"event `{spec.name}` is replaced by `{target}`, which is removed")
    if (target is not None or spec.sunset) and spec.status in ("planned", "active"):
        key = "replaced_by" if target is not None else "sunset"
        message = f"event `{spec.name}` has `{key}` but its status is `{spec.status}`; mark it `deprecated`"
        yield Problem(entry.doc.at((*entry.path, "status")), message, Severity.WARNING)


def _regex_paths(doc: Document) -> Iterator[DataPath]:
    data = doc.data
    if not isinstance(data, dict):
        return
    events = data.get("events")
    for i, event in enumerate(events if isinstance(events, list) else []):
        props = event.get("properties") if isinstance(event, dict) else None
        for name, prop in (props.items() if isinstance(props, dict) else []):
            if isinstance(prop, dict) and "pattern" in prop:
                yield ("events", i, "properties", name, "pattern")
    conventions = data.get("conventions")
    patterns = conventions.get("pii_patterns") if isinstance(conventions, dict) else None
    for i in range(len(patterns) if isinstance(patterns, list) else 0):
        yield ("conventions", "pii_patterns", i)
    tickets = data.get("tickets")
    if isinstance(tickets, dict) and "pattern" in tickets:
        yield ("tickets", "pattern")


def _value(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def regex_problems(doc: Document) -> list[Problem]:
    """Every regular expression in ``doc`` that Python cannot compile, or that is too large or deep to."""
    problems = []
    for path in _regex_paths(doc):
        pattern = _value(doc.data, path)
        if not isinstance(pattern, str):
            continue  # the schema reports the wrong type
        reason = pattern_error(pattern)
        if reason is not None:
            problems.append(Problem(doc.at(path), f"{describe(doc, path)} {reason}"))
    return problems
