"""Reading the `epics` and `checklists` sections of rule files: collect, check across files, build."""

from __future__ import annotations

from typing import Any, Sequence

from ..types import Problem
from ..userregex import pattern_error
from .plan_checks import Declaration, section_problems
from .pr_rules import (
    KIND_OPTIONS,
    Checklist,
    EpicRules,
    checklist_from_data,
    epics_from_data,
    item_from_data,
)
from .yamldoc import DataPath, Document

_ALL_OPTIONS = tuple(sorted({o for options in KIND_OPTIONS.values() for o in options}))


def _clean(bad: Sequence[DataPath], prefix: DataPath) -> bool:
    return not any(p[: len(prefix)] == prefix or prefix[: len(p)] == p for p in bad)


def collect(doc: Document, bad: Sequence[DataPath], epics: list[Declaration], checklists: list[Declaration]) -> None:
    """Add ``doc``'s `epics` declaration and each of its checklists to the lists of the whole plan."""
    data = doc.data
    if not isinstance(data, dict):
        return
    if "epics" in data:
        epics.append(Declaration(doc, ("epics",), data["epics"], _clean(bad, ("epics",))))
    found = data.get("checklists")
    for i, item in enumerate(found if isinstance(found, list) else []):
        path: DataPath = ("checklists", i)
        checklists.append(Declaration(doc, path, item, _clean(bad, path)))


def _items(decl: Declaration) -> list[tuple[DataPath, dict[str, Any]]]:
    items = decl.data.get("items") if isinstance(decl.data, dict) else None
    return [((*decl.path, "items", j), item) for j, item in enumerate(items or []) if isinstance(item, dict)]


def _item_problems(decl: Declaration, path: DataPath, item: dict[str, Any]) -> list[Problem]:
    doc, name = decl.doc, item.get("id")
    problems = []
    kind = item.get("auto")
    allowed = KIND_OPTIONS.get(kind, ()) if isinstance(kind, str) else ()
    for option in _ALL_OPTIONS:
        if option in item and option not in allowed:
            users = [f"`auto: {k}`" for k, opts in KIND_OPTIONS.items() if option in opts]
            problems.append(Problem(doc.key_at((*path, option)),
                                    f"`{option}` of checklist item `{name}` applies only to {' or '.join(users)}"))
    pattern = item.get("pattern")
    if isinstance(pattern, str):
        reason = pattern_error(pattern)
        if reason is not None:
            problems.append(Problem(doc.at((*path, "pattern")), f"`pattern` of checklist item `{name}` {reason}"))
    return problems


def problems(epics: Sequence[Declaration], checklists: Sequence[Declaration]) -> list[Problem]:
    """`epics` declared twice; checklist or item ids used twice (items are ticked by id); bad options and regexes."""
    out = section_problems("epics", epics)
    seen_lists: dict[str, Declaration] = {}
    seen_items: dict[str, Any] = {}
    for decl in checklists:
        if not decl.valid:
            continue  # the schema has reported it
        doc, list_id = decl.doc, decl.data["id"]
        where = doc.at((*decl.path, "id"))
        if list_id in seen_lists:
            first = seen_lists[list_id]
            out.append(Problem(where, f"checklist `{list_id}` is already declared at {first.doc.at((*first.path, 'id'))}"))
        seen_lists.setdefault(list_id, decl)
        if not _items(decl):
            out.append(Problem(doc.key_at((*decl.path, "items")), f"checklist `{list_id}` has no items"))
        for path, item in _items(decl):
            item_where = doc.at((*path, "id"))
            if item["id"] in seen_items:
                out.append(Problem(item_where, f"checklist item `{item['id']}` is already declared at {seen_items[item['id']]}; "
                                               "item ids are ticked in the PR body, so they must be unique across checklists"))
            else:
                seen_items[item["id"]] = item_where
            out.extend(_item_problems(decl, path, item))
    return out


def build_epics(epics: Sequence[Declaration]) -> EpicRules:
    if not epics:
        return EpicRules()
    decl = epics[0]
    return epics_from_data(decl.data if isinstance(decl.data, dict) else None, decl.location)


def build_checklists(checklists: Sequence[Declaration]) -> tuple[Checklist, ...]:
    out = []
    for decl in checklists:
        doc = decl.doc
        items = [
            item_from_data(item, doc.at((*path, "id")), doc.at((*path, "pattern")) if "pattern" in item else None)
            for path, item in _items(decl)
        ]
        out.append(checklist_from_data(decl.data, doc.at((*decl.path, "id")), items))
    return tuple(out)
