"""Apply diagnostics' fixes: pick non-conflicting edits, verify the result re-parses, write atomically."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import libcst as cst

from .types import Diagnostic, Edit


class EditConflict(ValueError):
    """Two edits overlap."""


def _offsets(source: str) -> list[int]:
    """Offset of the start of each line (1-based line n starts at offsets[n - 1])."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """Apply text edits (1-based lines, 0-based columns) to ``source``; identical duplicates count once."""
    starts = _offsets(source)

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(starts):
            return len(source)
        return min(starts[line - 1] + col, len(source))

    spans = sorted(
        {(offset(e.span.start_line, e.span.start_col), offset(e.span.end_line, e.span.end_col), e.replacement) for e in edits}
    )
    for (a_start, a_end, _), (b_start, _, _) in zip(spans, spans[1:]):
        if b_start < a_end:
            raise EditConflict(f"edits overlap at offset {b_start}")
    out = source
    for start, end, replacement in reversed(spans):
        out = out[:start] + replacement + out[end:]
    return out


@dataclass
class FixPlan:
    """Which fixes apply, the new text of each touched file, and what was left out and why."""

    new_sources: dict[str, str] = field(default_factory=dict)
    applied: list[Diagnostic] = field(default_factory=list)
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)

    def diff(self, old_sources: Mapping[str, str]) -> str:
        chunks = []
        for path in sorted(self.new_sources):
            before, after = old_sources.get(path, ""), self.new_sources[path]
            chunks.extend(
                difflib.unified_diff(
                    before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
                )
            )
        return "".join(chunks)


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.path != b.path or a == b:
        return False
    a0, a1 = (a.span.start_line, a.span.start_col), (a.span.end_line, a.span.end_col)
    b0, b1 = (b.span.start_line, b.span.start_col), (b.span.end_line, b.span.end_col)
    return a0 < b1 and b0 < a1


def plan_fixes(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], unsafe: bool = False
) -> FixPlan:
    """Choose fixes in order, skipping conflicting ones; every changed file must still parse."""
    result = FixPlan()
    chosen: list[Edit] = []
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.fix is None:
            continue
        if d.fix.applicability == "unsafe" and not unsafe:
            continue
        if any(e.path not in sources for e in d.fix.edits):
            result.skipped.append((d, "the file to edit was not read"))
            continue
        if any(_overlaps(e, c) for e in d.fix.edits for c in chosen):
            result.skipped.append((d, "overlaps another fix; run again"))
            continue
        chosen.extend(d.fix.edits)
        for path in {e.path for e in d.fix.edits}:
            by_path.setdefault(path, []).append(d)
    for path, fixed in sorted(by_path.items()):
        edits = [e for e in chosen if e.path == path]
        new = apply_edits(sources[path], edits)
        try:
            cst.parse_module(new)
        except cst.ParserSyntaxError:
            result.skipped.extend((d, f"the fixed `{path}` would not parse") for d in fixed)
            continue
        if new != sources[path]:
            result.new_sources[path] = new
        result.applied.extend(d for d in fixed if d not in result.applied)
    # A fix that spans files applies only if all its files survived.
    result.applied = [d for d in result.applied if all(e.path in result.new_sources or _noop(e, sources) for e in d.fix.edits)]  # type: ignore[union-attr]
    return result


def _noop(edit: Edit, sources: Mapping[str, str]) -> bool:
    return apply_edits(sources[edit.path], [edit]) == sources[edit.path]
