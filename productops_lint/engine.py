"""Source plus config in, diagnostics and tracking calls out. No filesystem access here."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from .config import Config
from .registry.model import Plan
from .sources import DictProvider, SourceProvider, SummaryCache
from .syntax import syntax_error_position  # noqa: F401 - re-exported: part of the engine's surface
from .types import Diagnostic, TrackingCall

if TYPE_CHECKING:
    from .parallel import Parser

# Bump when Result's meaning changes (a change of its fields changes the cache key by itself), so cached whole-run results are ignored.
RESULT_FORMAT = 1


@dataclass
class Result:
    """What one run found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    calls: list[TrackingCall] = field(default_factory=list)
    # Inferred and declared wrappers: qualified name -> the chain it forwards through.
    wrappers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    files_total: int = 0
    files_parsed: int = 0
    # Every file whose summary the run used, parsed or from the cache (`debug --parsed` lists them).
    summarized: tuple[str, ...] = ()
    # Text of every file that has a diagnostic or a tracking call (renderers and fixes need it).
    sources: dict[str, str] = field(default_factory=dict)


def analyze(
    provider: SourceProvider,
    config: Config,
    plan: Plan,
    targets: Sequence[str] | None = None,
    *,
    jobs: int = 1,
    cache: SummaryCache | None = None,
    prefilter: bool = True,
    progress: Callable[[int, int], None] | None = None,
    parser: "Parser | None" = None,
) -> Result:
    """Find tracking calls in ``targets`` (default: every file) and check them against ``plan``.

    Other files of the provider are read when resolution needs them (constants, wrappers).
    A ``parser`` the caller owns (and closes) keeps its worker processes for later runs.
    """
    from .checks.runner import enabled_checks, run_checks
    from .project import Project

    # Loaded before the calls are found: a run over named files does it while its worker parses.
    checks = enabled_checks(config)
    project = Project(provider, config, plan, jobs=jobs, cache=cache, progress=progress, parser=parser)
    calls = project.tracking_calls(targets, prefilter=prefilter)
    diagnostics = list(project.file_diagnostics(targets))
    diagnostics.extend(run_checks(calls, plan, config, checks))
    diagnostics = _suppress(diagnostics, calls, project.text)
    diagnostics.sort(key=lambda d: (d.path, d.span, d.code, d.message))
    wanted = {d.path for d in diagnostics} | {c.path for c in calls}
    wanted |= {e.path for d in diagnostics if d.fix for e in d.fix.edits}
    return Result(
        diagnostics=diagnostics,
        calls=calls,
        wrappers=project.wrapper_chains(),
        files_total=project.files_total,
        files_parsed=project.files_parsed,
        summarized=tuple(sorted(s.path for s in project.index.loaded())),
        sources={p: t for p in sorted(wanted) if (t := project.text(p)) is not None},
    )


def analyze_source(
    code: str,
    plan: Plan,
    path: str = "example.py",
    config: Config | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> Result:
    """Analyze one snippet (plus optional sibling modules): for examples, tests and editors."""
    files = {path: code, **(extra_files or {})}
    return analyze(DictProvider(files), config or Config(), plan, targets=[path])


# `# productops: ignore` or `# productops: ignore[CODE, ...]`, then the end of the comment or another
# `#`. Strict on purpose: a near miss (`ignored`, `ignore [X]`) hides nothing, so it stays visible.
_SUPPRESSION = re.compile(r"#[ \t]*productops:[ \t]*ignore(?:\[(?P<codes>[^\]#]*)\])?[ \t]*(?=#|$)")
# Python's own line ends; str.splitlines() also splits on form feeds and other separators.
_LINE_END = re.compile(r"\r\n|\r|\n")


def _comments(line: str) -> list[str]:
    """The comment tokens of one physical line, tokenized on its own.

    Tokens come before any error, so `track(  # ...` (an open bracket) still yields its comment,
    while a line that ends or starts a multi-line string stops at the string: not a comment.
    """
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(line.lstrip() + "\n").readline):
            if token.type == tokenize.COMMENT:
                found.append(token.string)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _suppressed_codes(line: str) -> set[str] | None:
    """Codes a suppression comment on ``line`` names (upper case); an empty set means every code, None none."""
    if "productops:" not in line:  # cheap: most lines carry no marker, and need no tokenizing
        return None
    codes: set[str] | None = None
    for comment in _comments(line):
        for marker in _SUPPRESSION.finditer(comment):
            if marker.group("codes") is None:
                return set()
            named = {c.strip().upper() for c in marker.group("codes").split(",") if c.strip()}
            if named:
                codes = (codes or set()) | named
    return codes


def _suppress(
    diagnostics: list[Diagnostic], calls: Sequence[TrackingCall], text_of: Callable[[str], str | None]
) -> list[Diagnostic]:
    """Drop diagnostics suppressed on their own line or on the first line of their call."""
    call_lines: dict[tuple[str, int], int] = {}
    for c in calls:
        for line in range(c.span.start_line, c.span.end_line + 1):
            call_lines.setdefault((c.path, line), c.span.start_line)
    lines_cache: dict[str, list[str]] = {}
    kept = []
    for d in diagnostics:
        if d.path not in lines_cache:
            lines_cache[d.path] = _LINE_END.split(text_of(d.path) or "")
        lines = lines_cache[d.path]
        candidates = {d.span.start_line, call_lines.get((d.path, d.span.start_line), d.span.start_line)}
        hit = False
        for number in candidates:
            if 0 < number <= len(lines):
                codes = _suppressed_codes(lines[number - 1])
                if codes is not None and (not codes or d.code in codes):
                    hit = True
        if not hit:
            kept.append(d)
    return kept
