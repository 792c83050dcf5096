"""Source plus config in, diagnostics and tracking calls out. No filesystem access here."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Protocol, Sequence

from .config import Config, is_enabled, severity_for
from .registry.model import Plan
from .syntax import syntax_error_position  # noqa: F401 - re-exported: part of the engine's surface
from .types import Diagnostic, Severity, Span, TrackingCall

if TYPE_CHECKING:
    from .parallel import Parser
    from .resume import ProjectState

# Bump when Result's shape or meaning changes, so cached whole-run results are ignored.
RESULT_FORMAT = 1


class SourceProvider(Protocol):
    """Where the engine gets Python source: the filesystem (CLI), a git tree (App), or a dict (tests)."""

    def paths(self) -> Iterable[str]:
        """Every Python file of the project, as relative POSIX paths."""
        ...

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it cannot be read."""
        ...


class SummaryCache(Protocol):
    """Per-file summaries keyed by content digest (the filesystem one lives in files.py)."""

    def get(self, key: str) -> object | None: ...

    def put(self, key: str, value: object) -> None: ...


class DictProvider:
    """Sources held in memory: ``{"pkg/mod.py": "code"}``."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self._files = {p: (v.encode() if isinstance(v, str) else v) for p, v in files.items()}

    def paths(self) -> Iterable[str]:
        return list(self._files)

    def read(self, path: str) -> bytes | None:
        return self._files.get(path)

    def digest(self, path: str) -> str | None:
        """Content digest, so a run over these sources can resume from an earlier one."""
        import hashlib

        data = self._files.get(path)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def digests(self, paths: Sequence[str]) -> dict[str, str | None]:
        return {path: self.digest(path) for path in paths}


@dataclass
class Result:
    """What one run found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    calls: list[TrackingCall] = field(default_factory=list)
    # Inferred and declared wrappers: qualified name -> the chain it forwards through.
    wrappers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    files_total: int = 0
    files_parsed: int = 0
    # Text of every file that has a diagnostic or a tracking call (renderers and fixes need it).
    sources: dict[str, str] = field(default_factory=dict)


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


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
    state: ProjectState | None = None,
    keep_state: Callable[[ProjectState], None] | None = None,
    parser: "Parser | None" = None,
) -> Result:
    """Find tracking calls in ``targets`` (default: every file) and check them against ``plan``.

    Other files of the provider are read when resolution needs them (constants, wrappers).
    ``state`` is what ``keep_state`` received from an earlier pre-filtered run over the same
    project, config and plan: the run starts from it and reads only files that changed since.
    A ``parser`` the caller owns (and closes) may already be parsing some files.
    """
    from .project import Project
    from .checks.runner import enabled_checks, run_checks

    # Loaded before the calls are found: a run over named files does it while its worker parses.
    checks = enabled_checks(config)
    project = Project(provider, config, plan, jobs=jobs, cache=cache, progress=progress, parser=parser)
    resumed = prefilter and state is not None and project.resume(state, set(targets) if targets is not None else None)
    if project.spoiled:
        # Resuming failed part-way (a summary left the cache): start from a clean project.
        project.close()
        project = Project(provider, config, plan, jobs=jobs, cache=cache, progress=progress, parser=parser)
    calls = project.tracking_calls(targets, prefilter=prefilter)
    if resumed and not project.resume_held():
        # The changes moved the pre-filter's fixpoint (a wrapper appeared or went): start afresh.
        project = Project(provider, config, plan, jobs=jobs, cache=cache, progress=progress, parser=parser)
        calls = project.tracking_calls(targets, prefilter=prefilter)
    if keep_state is not None and (snapshot := project.snapshot()) is not None:
        keep_state(snapshot)
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


def file_diagnostic(code: str, path: str, line: int, col: int, message: str, config: Config) -> Diagnostic | None:
    """A diagnostic about a whole file (unparsable, undecodable, too large), if its code is enabled."""
    if not is_enabled(config, code)[0]:
        return None
    return Diagnostic(
        code=code,
        path=path,
        span=Span(max(line, 1), max(col, 0), max(line, 1), max(col, 0)),
        message=message,
        severity=severity_for(config, code, Severity.ERROR),
    )


def oversized_message(limit: int) -> str:
    """PO003's message for a file over ``limit`` bytes (the `max-file-size` option)."""
    mib, kib = 1024 * 1024, 1024
    size = f"{limit // mib} MiB" if limit % mib == 0 else f"{limit // kib} KiB" if limit % kib == 0 else f"{limit} bytes"
    return f"File is larger than {size} and was not analyzed"


    return None
