"""Apply diagnostics' fixes: pick non-conflicting edits, verify the result re-parses and still encodes."""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

import libcst as cst

from .types import Diagnostic, Edit

if TYPE_CHECKING:
    from .engine import Result

# Fixing can uncover or unblock further fixes (one skipped for overlapping another); stop at a
# fixed point, or after this many passes in case two fixes undo each other.
MAX_FIX_PASSES = 10

# The parser ends lines only at these; str.splitlines also splits at form feeds, U+2028 and more,
# which would put edits on the wrong line of a file that contains one.
_LINE_END = re.compile(r"\r\n|\r|\n")


class EditConflict(ValueError):
    """Two edits overlap."""


def split_lines(source: str) -> list[str]:
    """Lines of ``source`` with their endings, split as the Python parser counts them."""
    lines: list[str] = []
    start = 0
    for match in _LINE_END.finditer(source):
        lines.append(source[start : match.end()])
        start = match.end()
    if start < len(source):
        lines.append(source[start:])
    return lines


def _offsets(source: str) -> list[int]:
    """Offset of the start of each line (1-based line n starts at offsets[n - 1])."""
    starts = [0]
    for line in split_lines(source):
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
    for (_, a_end, _), (b_start, _, _) in zip(spans, spans[1:]):
        if b_start < a_end:
            raise EditConflict(f"edits overlap at offset {b_start}")
    out = source
    for start, end, replacement in reversed(spans):
        out = out[:start] + replacement + out[end:]
    return out


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file, marking a last line without a newline as `patch` expects."""
    out = []
    for line in difflib.unified_diff(split_lines(before), split_lines(after), f"a/{path}", f"b/{path}"):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class FixPlan:
    """Which fixes apply, the new text of each touched file, and what was left out and why."""

    new_sources: dict[str, str] = field(default_factory=dict)
    applied: list[Diagnostic] = field(default_factory=list)
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)

    def diff(self, old_sources: Mapping[str, str]) -> str:
        return "".join(
            unified_diff(path, old_sources.get(path, ""), self.new_sources[path]) for path in sorted(self.new_sources)
        )


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.path != b.path or a == b:
        return False
    a0, a1 = (a.span.start_line, a.span.start_col), (a.span.end_line, a.span.end_col)
    b0, b1 = (b.span.start_line, b.span.start_col), (b.span.end_line, b.span.end_col)
    return a0 < b1 and b0 < a1


def declared_encoding(text: str) -> str:
    """The encoding a file's coding cookie declares (UTF-8 without one), as the parser reads it."""
    head = "".join(split_lines(text)[:2]).encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _problem(path: str, text: str) -> str | None:
    """Why ``text`` cannot be written as the new content of ``path``, or None when it can."""
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return f"the fixed `{path}` would not parse"
    except RecursionError:
        return f"the fixed `{path}` is too deeply nested to verify"
    encoding = declared_encoding(text)
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return f"the new text cannot be written in the encoding of `{path}` ({encoding})"
    return None


def plan_fixes(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], unsafe: bool = False
) -> FixPlan:
    """Choose fixes in order, skipping conflicting ones; every changed file must still parse and encode.

    When a file's fixes together break it, they are tried one at a time and only the culprits are
    dropped. A fix that spans several files applies in all of them or in none.
    """
    result = FixPlan()
    chosen: list[Diagnostic] = []
    chosen_edits: list[Edit] = []
    for d in diagnostics:
        if d.fix is None or not d.fix.edits:
            continue
        if d.fix.applicability == "unsafe" and not unsafe:
            continue
        if any(e.path not in sources for e in d.fix.edits):
            result.skipped.append((d, "the file to edit was not read"))
            continue
        if any(_overlaps(e, c) for e in d.fix.edits for c in chosen_edits):
            result.skipped.append((d, "overlaps another fix; run again"))
            continue
        chosen.append(d)
        chosen_edits.extend(d.fix.edits)

    rejected: dict[int, str] = {}
    while True:
        new_sources, newly = _apply_per_file(chosen, rejected, sources)
        if not newly:
            break
        # Dropping a fix everywhere may change another file's outcome: go round again.
        rejected.update(newly)
    for index, d in enumerate(chosen):
        if index in rejected:
            result.skipped.append((d, rejected[index]))
        else:
            result.applied.append(d)
    result.new_sources = {p: t for p, t in sorted(new_sources.items()) if t != sources[p]}
    return result


def _apply_per_file(
    chosen: Sequence[Diagnostic], rejected: Mapping[int, str], sources: Mapping[str, str]
) -> tuple[dict[str, str], dict[int, str]]:
    """New text per file from the fixes not rejected, and the fixes newly found to break a file."""
    by_path: dict[str, list[int]] = {}
    for index, d in enumerate(chosen):
        if index not in rejected:
            for path in dict.fromkeys(e.path for e in d.fix.edits):  # type: ignore[union-attr]
                by_path.setdefault(path, []).append(index)
    new_sources: dict[str, str] = {}
    newly: dict[int, str] = {}

    def edits(index: int, path: str) -> list[Edit]:
        return [e for e in chosen[index].fix.edits if e.path == path]  # type: ignore[union-attr]

    for path, indices in sorted(by_path.items()):
        original = sources[path]
        text = apply_edits(original, [e for i in indices for e in edits(i, path)])
        if _problem(path, text) is None:
            new_sources[path] = text
            continue
        kept: list[Edit] = []
        text = original
        for i in indices:
            trial = apply_edits(original, kept + edits(i, path))
            reason = _problem(path, trial)
            if reason is None:
                kept.extend(edits(i, path))
                text = trial
            else:
                newly[i] = reason
        new_sources[path] = text
    return new_sources, newly


@dataclass
class FixRun:
    """Fixes applied pass after pass: each changed file's text before and after, and what was left out."""

    originals: dict[str, str] = field(default_factory=dict)
    new_sources: dict[str, str] = field(default_factory=dict)
    applied: list[Diagnostic] = field(default_factory=list)
    # Fixes left out in the last pass, with the reason.
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)
    passes: int = 0

    def diff(self) -> str:
        return "".join(unified_diff(p, self.originals[p], self.new_sources[p]) for p in sorted(self.new_sources))


def fix_until_stable(
    result: "Result",
    reanalyze: Callable[[Mapping[str, str]], "Result"],
    unsafe: bool = False,
    max_passes: int = MAX_FIX_PASSES,
) -> FixRun:
    """Apply ``result``'s fixes, re-analyze the fixed text (``reanalyze(new texts by path)``), repeat.

    Stops when a pass changes nothing, so one run leaves nothing for the next, or after
    ``max_passes``.
    """
    run = FixRun()
    current: dict[str, str] = {}
    while True:
        plan = plan_fixes(result.diagnostics, result.sources, unsafe=unsafe)
        run.passes += 1
        run.skipped = plan.skipped
        if not plan.new_sources:
            break
        run.applied.extend(plan.applied)
        for path, text in plan.new_sources.items():
            run.originals.setdefault(path, result.sources[path])
            current[path] = text
        if run.passes >= max_passes:
            break
        result = reanalyze(dict(current))
    run.new_sources = {p: t for p, t in sorted(current.items()) if t != run.originals[p]}
    run.originals = {p: run.originals[p] for p in run.new_sources}
    return run


__all__ = [
    "MAX_FIX_PASSES",
    "EditConflict",
    "FixPlan",
    "FixRun",
    "apply_edits",
    "declared_encoding",
    "fix_until_stable",
    "plan_fixes",
    "split_lines",
    "unified_diff",
]
