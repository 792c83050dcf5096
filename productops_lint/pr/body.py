"""The checklist section of a PR body: render it, read its ticks, merge it into the author's text, diff two edits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..registry.model import Plan
from ..registry.pr_rules import Checklist, ChecklistItem
from .config import applicable_checklists
from .types import PullRequestFacts, Tick

START = "<!-- productops:checklist:start -->"
END = "<!-- productops:checklist:end -->"
HINT = (
    "<!-- Managed by productops-lint: tick a box when it is done, or end its line with `N/A: reason`. "
    "Other edits inside this section are replaced. -->"
)
# The start marker carries a fingerprint of the items it was rendered from, so an unchanged plan
# leaves the section alone even when the author wrote `N/A` or ticks in their own spelling.
_START = re.compile(r"<!-- productops:checklist:start(?: (?P<print>[0-9a-f]{8,40}))? -->")
_END = re.compile(re.escape(END))
_ITEM_MARK = re.compile(r"<!-- productops:item (?P<id>[A-Za-z0-9_.-]+) -->")
_ITEM_LINE = re.compile(r"^\s{0,3}[-*+]\s+\[(?P<mark>[ xX])\](?P<rest>.*)$")
_NA = re.compile(r"(?i)(?<![\w/])N/A\b\s*:?\s*(?P<reason>.*)$")
_HEADING = re.compile(r"^#{2,4} ")


@dataclass(frozen=True)
class ItemState:
    """What the PR body says about one manual item."""

    id: str
    checked: bool
    # The reason after `N/A:`; "" when `N/A` has no reason; None when the item is not marked N/A.
    na: str | None = None


def _line_starts(body: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", body)]


def _managed(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i`` is one this module writes: an item, a marker, the hint, or a heading above the hint."""
    line = lines[i].rstrip("\r")
    if _ITEM_MARK.search(line) or line.lstrip().startswith(("<!-- productops:", "<!-- Managed by productops-lint")):
        return True
    return bool(_HEADING.match(line)) and i + 1 < len(lines) and lines[i + 1].startswith("<!-- Managed by productops-lint")


def _extend(body: str, start: int, forward: bool) -> int:
    """From a lone marker, the end (or start) of the run of managed lines beside it."""
    lines = body.split("\n")
    starts = _line_starts(body)
    last = body.count("\n", 0, start)
    step = 1 if forward else -1
    i = last + step
    while 0 <= i < len(lines) and _managed(lines, i):
        last = i
        i += step
    return starts[last] + len(lines[last].rstrip("\r")) if forward else starts[last]


def section_spans(body: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each checklist section, including a section with a marker missing."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        start = _START.search(body, position)
        end = _END.search(body, position)
        if start is None and end is None:
            return spans
        if start is not None and (end is None or start.start() < end.start()):
            closing = _END.search(body, start.end())
            if closing is not None:
                spans.append((start.start(), closing.end()))
            else:
                spans.append((start.start(), max(start.end(), _extend(body, start.start(), True))))
        else:
            assert end is not None
            spans.append((min(end.start(), _extend(body, end.start(), False)), end.end()))
        position = spans[-1][1]


def parse_items(body: str) -> dict[str, ItemState]:
    """The manual items written in the body's checklist sections.

    An id written twice (a section duplicated by hand or by a race) counts as done when any copy
    of it is ticked or N/A; otherwise its first line wins.
    """
    states: dict[str, ItemState] = {}
    for start, end in section_spans(body):
        for line in body[start:end].splitlines():
            item = _ITEM_LINE.match(line)
            mark = _ITEM_MARK.search(line)
            if item is None or mark is None:
                continue
            earlier = states.get(mark.group("id"))
            if earlier is not None and (earlier.checked or earlier.na is not None):
                continue
            rest = _ITEM_MARK.sub(" ", item.group("rest"))
            na = _NA.search(rest)
            state = ItemState(mark.group("id"), item.group("mark") != " ", na.group("reason").strip() if na else None)
            if earlier is None or state.checked or state.na is not None:
                states[state.id] = state
    return states


def latest_ticks(ticks: Iterable[Tick]) -> dict[str, Tick]:
    """The newest tick of each item (ISO timestamps sort as text)."""
    out: dict[str, Tick] = {}
    for tick in ticks:
        if tick.item not in out or tick.at >= out[tick.item].at:
            out[tick.item] = tick
    return out


def manual_items(checklists: Sequence[Checklist]) -> list[tuple[Checklist, list[ChecklistItem]]]:
    """Each checklist with its manual items, an id shown once (in the first checklist naming it)."""
    seen: set[str] = set()
    out = []
    for checklist in checklists:
        items = [i for i in checklist.items if i.manual and i.id not in seen]
        seen.update(i.id for i in items)
        if items:
            out.append((checklist, items))
    return out


def _fingerprint(groups: Sequence[tuple[Checklist, Sequence[ChecklistItem]]]) -> str:
    spec = [(c.id, c.title, [(i.id, i.title, i.owner, i.optional) for i in items]) for c, items in groups]
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:12]


def _item_line(item: ChecklistItem, state: ItemState | None) -> str:
    box = "x" if state is not None and state.checked else " "
    text = f"- [{box}] {item.title}"
    if item.optional:
        text += " _(optional)_"
    if item.owner:
        text += f" · {item.owner}"
    text += f" <!-- productops:item {item.id} -->"
    if state is not None and state.na is not None:
        text += f" N/A: {state.na}" if state.na else " N/A:"
    return text


def render_section(checklists: Sequence[Checklist], states: Mapping[str, ItemState] | None = None, newline: str = "\n") -> str:
    """The section for the manual items of ``checklists``, each item as ``states`` has it; "" when there are none."""
    groups = manual_items(checklists)
    if not groups:
        return ""
    states = states or {}
    lines = [START.replace(" -->", f" {_fingerprint(groups)} -->")]
    for checklist, items in groups:
        lines.append(f"### {checklist.title}")
        lines.append(HINT)
        lines.extend(_item_line(item, states.get(item.id)) for item in items)
    lines.append(END)
    return newline.join(lines)


def _unchanged(body: str, spans: Sequence[tuple[int, int]], groups: Sequence[tuple[Checklist, Sequence[ChecklistItem]]]) -> bool:
    if len(spans) != 1:
        return False
    text = body[spans[0][0]:spans[0][1]]
    start = _START.match(text)
    if start is None or start.group("print") != _fingerprint(groups) or not text.endswith(END):
        return False
    ids = [m.group("id") for line in text.splitlines() if _ITEM_LINE.match(line) for m in [_ITEM_MARK.search(line)] if m]
    return sorted(ids) == sorted(i.id for _, items in groups for i in items)


def _without(body: str, start: int, end: int) -> str:
    """``body`` with one section cut out, and the blank lines that separated it from the author's text."""
    before, after = body[:start], body[end:]
    if not after.strip():
        return before.rstrip("\r\n") + (after if not before.strip() else "")
    return before + re.sub(r"\A(\r?\n){1,2}", "", after)


def _appended(body: str, section: str, newline: str) -> str:
    if not body:
        return section
    if body.endswith(newline * 2):
        return body + section
    return body + (newline if body.endswith("\n") else newline * 2) + section


def merge_checklists(body: str, checklists: Sequence[Checklist], ticks: Iterable[Tick] = ()) -> str | None:
    """``body`` with its checklist section inserted, updated or removed; None when nothing changes.

    Outside the section the author's text is kept byte for byte. Ticks and `N/A` reasons written in
    the body are kept; an item coming back (a label added again) takes its newest recorded tick.
    A second section, or one with a marker missing, is folded into one well-formed section.
    """
    spans = section_spans(body)
    groups = manual_items(checklists)
    if _unchanged(body, spans, groups):
        return None
    states = {t.item: ItemState(t.item, t.checked) for t in latest_ticks(ticks).values()}
    states.update(parse_items(body))
    newline = "\r\n" if "\r\n" in body else "\n"
    section = render_section(checklists, states, newline)
    merged = body
    for start, end in reversed(spans[1:]):
        merged = _without(merged, start, end)
    if spans:
        start, end = spans[0]
        merged = merged[:start] + section + merged[end:] if section else _without(merged, start, end)
    elif section:
        merged = _appended(body, section, newline)
    return None if merged == body else merged


def merge_body(body: str, facts: PullRequestFacts, plan: Plan) -> str | None:
    """The PR body with the section for the checklists that apply to the PR; None when unchanged."""
    return merge_checklists(body, applicable_checklists(facts, plan), facts.ticks)


def diff_ticks(old_body: str, new_body: str, by: str, at: str) -> list[Tick]:
    """The items ``by`` ticked or unticked in one `pull_request.edited` event, in the order of the new body."""
    before = parse_items(old_body)
    ticks = []
    for item, state in parse_items(new_body).items():
        was = before.get(item)
        if state.checked != (was.checked if was is not None else False):
            ticks.append(Tick(item, state.checked, by, at))
    return ticks
