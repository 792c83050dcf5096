"""The baseline: fingerprint findings, record them, and hide recorded ones so a team can adopt warn-first."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

from .types import Diagnostic, Location, Problem, UserError

BASELINE_VERSION = 1

# Python accepts all three line endings; splitting on them alone (not str.splitlines, which also
# splits on form feeds and other separators) keeps line numbers in step with the parser's.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class BaselineEntry:
    """One recorded finding. Only ``fingerprint`` is matched; the rest is there for people reading the file."""

    fingerprint: str
    code: str = ""
    path: str = ""
    message: str = ""


@dataclass(frozen=True)
class Baseline:
    """The findings a project has accepted for now."""

    entries: tuple[BaselineEntry, ...] = ()

    @cached_property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(entry.fingerprint for entry in self.entries)


def _normalized_line(lines: Sequence[str] | None, line: int) -> str:
    """The flagged line with runs of whitespace collapsed, so re-indenting does not make a finding new."""
    if lines is None or not 1 <= line <= len(lines):
        return ""
    return " ".join(lines[line - 1].split())


def _split(source: str | None) -> list[str] | None:
    return None if source is None else _LINE_BREAK.split(source)


def _digest(d: Diagnostic, content: str, occurrence: int) -> str:
    # Line numbers are left out on purpose: the fingerprint must survive code moving up or down.
    # A JSON list keeps field boundaries unambiguous whatever the message contains.
    payload = json.dumps([BASELINE_VERSION, d.code, d.path, d.message, content, occurrence])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def fingerprint(d: Diagnostic, source: str | None, occurrence: int = 0) -> str:
    """A fingerprint of ``d`` that survives lines moving but changes when the flagged line is edited.

    It hashes the code, path, message, the whitespace-normalized text of the flagged line (empty
    when ``source`` is None) and ``occurrence``, the index of ``d`` among identical findings in the
    same file. Use :func:`fingerprints` to have the occurrence indices worked out.
    """
    return _digest(d, _normalized_line(_split(source), d.span.start_line), occurrence)


def fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """The fingerprint of each diagnostic, in the given order, with occurrence indices assigned.

    Identical findings (same code, path, message and line text) are numbered in source order, so
    the numbering does not depend on the order the diagnostics arrive in.
    """
    split_cache: dict[str, list[str] | None] = {}
    contents: list[str] = []
    for d in diagnostics:
        if d.path not in split_cache:
            split_cache[d.path] = _split(sources.get(d.path))
        contents.append(_normalized_line(split_cache[d.path], d.span.start_line))

    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for index, (d, content) in enumerate(zip(diagnostics, contents)):
        groups.setdefault((d.code, d.path, d.message, content), []).append(index)
    occurrence = [0] * len(diagnostics)
    for members in groups.values():
        for rank, index in enumerate(sorted(members, key=lambda i: diagnostics[i].span)):
            occurrence[index] = rank
    return [_digest(d, c, o) for d, c, o in zip(diagnostics, contents, occurrence)]


def write_baseline(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> str:
    """The baseline file text recording ``diagnostics``: pretty JSON, sorted so rewrites diff cleanly.

    Writing it from the current findings is also how fixed findings leave the baseline.
    """
    entries = sorted(
        (
            BaselineEntry(fp, d.code, d.path, d.message)
            for d, fp in zip(diagnostics, fingerprints(diagnostics, sources))
        ),
        key=lambda e: (e.path, e.code, e.message, e.fingerprint),
    )
    data = {
        "version": BASELINE_VERSION,
        # Line numbers are not recorded: they would churn the file whenever code moves.
        "findings": [
            {"path": e.path, "code": e.code, "message": e.message, "fingerprint": e.fingerprint}
            for e in entries
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def parse_baseline(text: str, path: str) -> Baseline:
    """Read baseline file text; raise UserError, with every problem located, when it is malformed."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            Problem(Location(path, exc.lineno, exc.colno), f"invalid JSON in baseline: {exc.msg}")
        ) from None
    if not isinstance(data, dict):
        raise UserError(
            Problem(Location(path, 1), "a baseline must be a JSON object with `version` and `findings`")
        )
    problems: list[Problem] = []
    version = data.get("version")
    # bool is an int in Python, and `true == 1`; a baseline saying `"version": true` is not version 1.
    if isinstance(version, bool) or version != BASELINE_VERSION:
        problems.append(
            Problem(
                Location(path, _line_of(text, '"version"') or 1),
                f"unsupported baseline version `{version}` (this productops-lint reads version "
                f"{BASELINE_VERSION}); write the baseline again",
            )
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        problems.append(
            Problem(Location(path, _line_of(text, '"findings"') or 1), "`findings` must be a list")
        )
        findings = []
    entries = list(_entries(findings, path, _element_lines(text), problems))
    if problems:
        raise UserError(problems)
    return Baseline(tuple(entries))


def _entries(
    findings: Iterable[Any], path: str, lines: Sequence[int], problems: list[Problem]
) -> Iterable[BaselineEntry]:
    for index, item in enumerate(findings):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str) or not fp:
            problems.append(
                Problem(
                    Location(path, lines[index] if index < len(lines) else 0),
                    f"`findings[{index}]` must be an object with a `fingerprint` string",
                )
            )
            continue
        yield BaselineEntry(
            fingerprint=fp,
            code=str(item.get("code", "")),
            path=str(item.get("path", "")),
            message=str(item.get("message", "")),
        )


def _element_lines(text: str) -> list[int]:
    """The line each element of the ``findings`` array starts on, so a bad entry can be pointed at."""
    match = re.search(r'"findings"\s*:\s*\[', text)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    lines: list[int] = []
    pos = match.end()
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text) or text[pos] == "]":
            return lines
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return lines
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos += 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_of(text: str, needle: str) -> int:
    """Best-effort line of the first ``needle`` (json keeps no positions); 0 when absent."""
    offset = text.find(needle)
    return 0 if offset < 0 else text.count("\n", 0, offset) + 1


def filter_new(
    diagnostics: Sequence[Diagnostic], baseline: Baseline, sources: Mapping[str, str]
) -> tuple[list[Diagnostic], int]:
    """The findings not recorded in ``baseline`` (order kept), and how many were hidden."""
    known = baseline.fingerprints
    new = [d for d, fp in zip(diagnostics, fingerprints(diagnostics, sources)) if fp not in known]
    return new, len(diagnostics) - len(new)


def stale_entries(
    diagnostics: Sequence[Diagnostic], baseline: Baseline, sources: Mapping[str, str]
) -> list[BaselineEntry]:
    """Recorded findings that no longer occur (fixed, or their line edited): rewriting drops them."""
    current = set(fingerprints(diagnostics, sources))
    return [entry for entry in baseline.entries if entry.fingerprint not in current]


__all__ = [
    "BASELINE_VERSION",
    "Baseline",
    "BaselineEntry",
    "filter_new",
    "fingerprint",
    "fingerprints",
    "parse_baseline",
    "stale_entries",
    "write_baseline",
]
