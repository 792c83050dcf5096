"""Rule files to a Plan: parse, validate against the schema, check the plan as a whole, report every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..types import Location, Problem, Severity, UserError
from . import pr_loader
from .model import (
    Conventions,
    Plan,
    TicketRules,
    conventions_from_data,
    event_from_data,
    tickets_from_data,
    wrapper_from_data,
)
from .plan_checks import (
    Declaration,
    EventEntry,
    duplicate_problems,
    event_problems,
    regex_problems,
    section_problems,
    wrapper_problems,
)
from .schema import schema_problems
from .yamldoc import DataPath, Document, parse_document

RuleFiles = Sequence[tuple[str, str]]

# Rule files come from pull requests too. Parsed YAML takes some 70 times its text in memory, so a
# cap on the text caps the memory; a plan of 50,000 events is about 5 MB.
MAX_RULE_FILE_CHARS = 16 * 1024 * 1024


@dataclass
class _Sections:
    """What every file declares, in file order, before merging."""

    events: list[EventEntry] = field(default_factory=list)
    conventions: list[Declaration] = field(default_factory=list)
    tickets: list[Declaration] = field(default_factory=list)
    presets: list[Declaration] = field(default_factory=list)
    wrappers: list[Declaration] = field(default_factory=list)
    epics: list[Declaration] = field(default_factory=list)
    checklists: list[Declaration] = field(default_factory=list)


def _clean(bad: Sequence[DataPath], prefix: DataPath) -> bool:
    """No schema problem inside ``prefix`` nor at one of its ancestors."""
    return not any(p[: len(prefix)] == prefix or prefix[: len(p)] == p for p in bad)


def _untouched(bad: Sequence[DataPath], prefix: DataPath) -> bool:
    """No schema problem at ``prefix`` or inside it (problems at ancestors, like a missing key, are fine)."""
    return not any(p[: len(prefix)] == prefix for p in bad)


def _salvage(item: Mapping[str, Any], path: DataPath, bad: Sequence[DataPath]) -> dict[str, Any]:
    """The event's fields and properties that passed the schema, so the rest can still be checked."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        sub = (*path, key)
        if _untouched(bad, sub):
            out[key] = value
        elif key == "properties" and isinstance(value, dict) and sub not in bad:
            out[key] = {name: v for name, v in value.items() if _untouched(bad, (*sub, name))}
    return out


def _event_entry(
    doc: Document, index: int, item: Any, defaults: Mapping[str, str], bad: Sequence[DataPath]
) -> EventEntry | None:
    path: DataPath = ("events", index)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not _untouched(bad, (*path, "name")):
        return None  # the schema has reported it; there is no name to check against the rest
    data = _salvage(item, path, bad)
    props = data.get("properties") or {}
    prop_locations = {name: doc.key_at((*path, "properties", name)) for name in props}
    spec = event_from_data(data, doc.at((*path, "name")), defaults, prop_locations)
    return EventEntry(spec, doc, path, data)


def _collect(doc: Document, bad: Sequence[DataPath], out: _Sections) -> None:
    data = doc.data
    if not isinstance(data, dict):
        return
    defaults = {k: data[k] for k in ("owner", "area") if isinstance(data.get(k), str)}
    pr_loader.collect(doc, bad, out.epics, out.checklists)
    events = data.get("events")
    for i, item in enumerate(events if isinstance(events, list) else []):
        entry = _event_entry(doc, i, item, defaults, bad)
        if entry is not None:
            out.events.append(entry)
    for key, sections in (("conventions", out.conventions), ("tickets", out.tickets)):
        if key in data:
            sections.append(Declaration(doc, (key,), data[key], _clean(bad, (key,))))
    trackers = data.get("trackers")
    if not isinstance(trackers, dict):
        return
    if "presets" in trackers:
        path: DataPath = ("trackers", "presets")
        out.presets.append(Declaration(doc, path, trackers["presets"], _clean(bad, path)))
    wrappers = trackers.get("wrappers")
    for i, item in enumerate(wrappers if isinstance(wrappers, list) else []):
        path = ("trackers", "wrappers", i)
        out.wrappers.append(Declaration(doc, path, item, _clean(bad, path)))


def _conventions(sections: _Sections) -> Conventions | None:
    """The plan's conventions; None when they are broken, so names are not judged by the wrong rules."""
    if not sections.conventions:
        return Conventions()
    decl = sections.conventions[0]
    if not decl.valid:
        return None
    patterns = decl.data.get("pii_patterns") if isinstance(decl.data, dict) else None
    count = len(patterns) if isinstance(patterns, list) else 0
    where = tuple(decl.doc.at((*decl.path, "pii_patterns", i)) for i in range(count))
    return conventions_from_data(decl.data, decl.location, where)


def _tickets(sections: _Sections) -> TicketRules | None:
    if not sections.tickets:
        return TicketRules()
    decl = sections.tickets[0]
    return tickets_from_data(decl.data, decl.location) if decl.valid else None


def _build_plan(sections: _Sections, files: RuleFiles) -> Plan:
    # Only called when nothing is broken, so neither falls back to its default here.
    return Plan(
        events={e.spec.name: e.spec for e in sections.events},
        conventions=_conventions(sections) or Conventions(),
        wrappers=tuple(wrapper_from_data(d.data, d.doc.at((*d.path, "name"))) for d in sections.wrappers),
        presets=tuple(sections.presets[0].data) if sections.presets else None,
        tickets=_tickets(sections) or TicketRules(),
        files=tuple(path for path, _ in files),
        epics=pr_loader.build_epics(sections.epics),
        checklists=pr_loader.build_checklists(sections.checklists),
    )


def check_rule_files(files: RuleFiles) -> tuple[Plan | None, list[Problem]]:
    """Parse and check ``(path, text)`` rule files. Returns the plan (None if any error) and every problem.

    Warnings (such as a PII-looking property that says nothing about `pii`) do not withhold the plan.
    """
    problems: list[Problem] = []
    sections = _Sections()
    for path, text in files:
        if len(text) > MAX_RULE_FILE_CHARS:
            size, limit = len(text) / 1024 / 1024, MAX_RULE_FILE_CHARS // 1024 // 1024
            problems.append(Problem(Location(path, 1, 1), f"the rule file is {size:.0f} MB; the limit is {limit} MB"))
            continue
        doc = parse_document(path, text)
        problems.extend(doc.problems)
        located = schema_problems(doc)
        problems.extend(problem for _, problem in located)
        problems.extend(regex_problems(doc))
        _collect(doc, [p for p, _ in located], sections)
    problems.extend(section_problems("conventions", sections.conventions))
    problems.extend(section_problems("tickets", sections.tickets))
    problems.extend(section_problems("trackers.presets", sections.presets))
    problems.extend(wrapper_problems(sections.wrappers))
    problems.extend(pr_loader.problems(sections.epics, sections.checklists))
    problems.extend(duplicate_problems(sections.events))
    problems.extend(event_problems(sections.events, _conventions(sections), _tickets(sections)))
    order = {path: i for i, (path, _) in enumerate(files)}
    # A pattern found too slow is reported once, not once per name it was tried on.
    problems = list(dict.fromkeys(problems))
    problems.sort(key=lambda p: (order.get(p.location.path, len(order)), p.location.line, p.location.col))
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    return _build_plan(sections, files), problems


def load_plan(files: RuleFiles) -> Plan:
    """The merged plan of ``(path, text)`` rule files; raises UserError listing every problem if any is an error."""
    plan, problems = check_rule_files(files)
    if plan is None:
        raise UserError(problems)
    return plan


def registry_check(files: RuleFiles) -> list[Problem]:
    """Every problem of the rule files, in file and line order (what `registry check` prints)."""
    return check_rule_files(files)[1]
