"""A run over the working tree: config, plan, files, engine, baseline and fixes, for the CLI and hooks."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from . import files, plain
from .config import Config
from .engine import Result, analyze
from .registry.model import Plan
from .types import Diagnostic, Location, Problem, UserError

if TYPE_CHECKING:
    from .fix import FixRun

# Warnings printed by this process, each once (a command may open the workspace more than once).
_warned: set[str] = set()


@dataclass
class Workspace:
    """The project being checked: its root, effective config and tracking plan (parsed on first use)."""

    root: Path
    config: Config
    rule_files: list[tuple[str, str]] = field(default_factory=list)
    use_cache: bool = True
    _plan: Plan | None = None
    # The provider that listed the tree to infer its import roots, so the run does not list it again.
    _listing: files.FileProvider | None = None
    # The cache folder, opened (and its trust checked) on first use; False: not trusted.
    _cache: files.FileCache | None | bool = None

    @property
    def plan(self) -> Plan:
        # Parsing and validating the plan imports jsonschema; a cached run never needs it.
        if self._plan is None:
            self._plan = self._load_plan() if self.rule_files else Plan()
        return self._plan

    def _load_plan(self) -> Plan:
        """Validate and build the plan, reusing the one built from the same rule files last time."""
        from . import __version__

        h = hashlib.sha256(f"plan\0{__version__}".encode())
        for path, text in self.rule_files:
            h.update(f"\0{path}\0{text}".encode())
        cache = self.cache() if self.use_cache else None
        key = "plan-" + h.hexdigest()
        cached = cache.get(key, Plan) if cache else None
        if cached is not None:
            return cached
        from .registry.loader import load_plan

        plan = load_plan(self.rule_files)  # raises UserError listing every problem
        if cache is not None:
            cache.put(key, plan)
        return plan

    @property
    def cache_dir(self) -> Path:
        return self.root / self.config.cache_dir

    def cache(self) -> files.FileCache | None:
        """The project's cache, or None (with one warning line) when its folder is not trusted (docs/state.md)."""
        if self._cache is None:
            cache, warning = files.open_cache(self.cache_dir)
            if warning is not None and warning not in _warned:
                _warned.add(warning)
                print(warning, file=sys.stderr)
            self._cache = cache if cache is not None else False
        return self._cache if isinstance(self._cache, files.FileCache) else None

    def provider(self, use_cache: bool = True) -> files.FileProvider:
        trusted = use_cache and self.cache() is not None
        provider = files.FileProvider(self.root, self.config, self.cache_dir if trusted else None)
        if self._listing is not None:
            provider.adopt_listing(self._listing)
        return provider


def open_workspace(
    config_path: str | None = None,
    start: Path | None = None,
    require_plan: bool = True,
    missing_registry_ok: bool = False,
    analyze: bool = True,
    **overrides: object,
) -> Workspace:
    """Find the project, read its config and rule files (raising UserError with every problem).

    A configured registry path that does not exist is an error unless ``missing_registry_ok``
    (commands that inventory the code or write the first plan, before any rule file exists).
    Without ``analyze`` (a caller that reads only the config and plan) the import roots are not
    inferred, which would list the tree.
    """
    root = Path(config_path).resolve().parent if config_path else files.find_root(start)
    config = files.load_config(root, Path(config_path).resolve() if config_path else None)
    config = config.with_overrides(**overrides)
    required = require_plan or (config.source is not None and not missing_registry_ok)
    paths = files.rule_file_paths(root, config.registry, required=required)
    if not paths and require_plan:
        raise UserError(
            Problem(
                Location(str(root / config.registry[0]) if config.registry else str(root)),
                "no tracking plan found: add YAML rule files there or set `registry` in [tool.productops]",
            )
        )
    listing = None
    # Inferring the import roots lists the tree: only for a workspace whose code is analyzed.
    if analyze and not config.src:
        listing = files.FileProvider(root, config)
        from .detect.roots import with_inferred_roots

        config = with_inferred_roots(config, listing.paths(), listing.packaging())
    # The plan is parsed on first use: its problems still stop the run with exit 2, and a run
    # answered from the cache (same rule files as a run that succeeded) never needs it.
    return Workspace(root=root, config=config, rule_files=files.read_rule_files(paths), _listing=listing)


def lint(
    ws: Workspace,
    paths: Sequence[str] = (),
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    prefilter: bool = True,
    progress: Callable[[int, int], None] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Result:
    """Analyze the project (or ``paths``); ``overrides`` stand in for the text of some files.

    With the cache on, a run whose inputs are all unchanged returns the stored result at once.
    """
    provider = ws.provider(use_cache)
    cache = ws.cache() if use_cache else None
    jobs = jobs or os.cpu_count() or 1
    targets = provider.targets(paths) if paths else None
    key = run_key(ws, targets, prefilter) if cache is not None and not overrides else None
    # A stored run is looked for only beside a stat manifest: without one, checking its trace
    # means reading and hashing every file before parsing the first (a first run, a deleted cache).
    if cache is not None and key is not None and provider.recorded():
        hit = cache.get(key, TracedResult)
        if hit is not None and files.still_holds(hit.trace, provider):
            return hit.result
    tracing = files.Tracing(provider) if key is not None else None
    if tracing is not None and provider.recorded():
        # The digests the trace keeps are taken before any file is read (by stat, for unchanged
        # files), so a file edited while the run reads it is seen as changed by the next run.
        provider.digests(provider.paths())
    result = analyze(
        _Overlay(provider, overrides) if overrides else (tracing or provider),
        ws.config,
        ws.plan,
        targets,
        jobs=jobs,
        cache=cache,
        prefilter=prefilter,
        progress=progress,
    )
    trace = tracing.trace() if tracing is not None else None
    if cache is not None and key is not None and trace is not None:
        cache.put(key, TracedResult(trace, result))
    if cache is not None:
        provider.save()
    return result


@dataclass(frozen=True)
class TracedResult:
    """A stored run: its result, and the trace that says when the result still holds (``files.trace``)."""

    trace: files.Trace
    result: Result


def _inputs(ws: Workspace, kind: str) -> "hashlib._Hash":
    """A hash of the tool, the config and the rule files: what every cached answer depends on."""
    from . import __version__
    from .engine import RESULT_FORMAT

    h = hashlib.sha256()
    h.update(f"{kind}\0{__version__}\0{RESULT_FORMAT}\0{plain.fingerprint(Result)}\0{ws.config!r}".encode())
    for path, text in ws.rule_files:
        h.update(f"\0{path}\0{text}".encode())
    return h


def run_key(ws: Workspace, targets: Sequence[str] | None, prefilter: bool) -> str:
    """Where a run's result is stored: tool, config, rule files, targets. The files' part of what it
    depends on is its trace (``files.trace``), checked when the entry is read."""
    h = _inputs(ws, "run")
    h.update(f"\0{targets!r}\0{prefilter}".encode())
    return "run-" + h.hexdigest()


class _Overlay:
    """The project's files as the provider reads them, except those given new text in memory."""

    def __init__(self, base: files.FileProvider, texts: Mapping[str, str]) -> None:
        self.base, self.texts = base, dict(texts)

    def paths(self) -> list[str]:
        return self.base.paths()

    def read(self, path: str) -> bytes | None:
        text = self.texts.get(path)
        if text is None:
            return self.base.read(path)
        from .fix import declared_encoding

        # Encoded as the file will be written, so its coding cookie still reads true.
        return text.encode(declared_encoding(text))


def baseline_path(ws: Workspace, override: str | None = None) -> Path | None:
    """The baseline file: ``override`` (a command-line path, relative to the current folder) or the config's."""
    if override:
        return Path(override).resolve()
    return (ws.root / ws.config.baseline) if ws.config.baseline else None


def apply_baseline(ws: Workspace, result: Result, path: Path | None) -> tuple[list[Diagnostic], int]:
    """Findings not recorded in the baseline, and how many it hid. A missing baseline hides nothing."""
    if path is None or not path.exists():
        return result.diagnostics, 0
    from .baseline import filter_new, parse_baseline

    shown = _relative(path)
    text = files.read_text(path)
    if text is None:
        raise UserError(Problem(Location(shown), "cannot read the baseline file (not UTF-8, or not readable)"))
    baseline = parse_baseline(text, shown)
    return filter_new(result.diagnostics, baseline, result.sources)


def _relative(path: Path) -> str:
    """``path`` as people typed it: relative to the current folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def write_baseline(result: Result, path: Path) -> None:
    from .baseline import write_baseline as render

    files.write_text(path, render(result.diagnostics, result.sources))


@dataclass
class FixOutcome:
    """What fixing did (``fixes``) and which changed files were written, or why not."""

    fixes: FixRun
    written: list[str] = field(default_factory=list)
    changed_on_disk: list[str] = field(default_factory=list)
    unwritable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fixed(self) -> list[Diagnostic]:
        """Applied fixes none of whose changed files failed to be written."""
        failed = set(self.changed_on_disk) | {path for path, _ in self.unwritable}
        return [d for d in self.fixes.applied if d.fix and not any(e.path in failed for e in d.fix.edits)]


def apply_fixes(
    ws: Workspace,
    result: Result,
    unsafe: bool,
    write: bool,
    paths: Sequence[str] = (),
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    max_passes: int | None = None,
) -> FixOutcome:
    """Fix ``result``'s findings, re-analyzing the fixed text in memory until no fix is left.

    With ``write``, each changed file is then replaced atomically, in its own encoding, unless it
    changed on disk since it was read.
    """
    # Imported here: fix.py pulls in libcst, which a cached run without fixes never needs.
    from .fix import MAX_FIX_PASSES, fix_until_stable

    def reanalyze(texts: Mapping[str, str]) -> Result:
        return lint(ws, paths, jobs=jobs, use_cache=use_cache, overrides=texts)

    passes = MAX_FIX_PASSES if max_passes is None else max_passes
    outcome = FixOutcome(fix_until_stable(result, reanalyze, unsafe=unsafe, max_passes=passes))
    if not write:
        return outcome
    # Written through symlinks (replacing the link would turn it into a copy), and a file that two
    # project paths lead to is written once.
    done: dict[Path, str] = {}
    for path, text in outcome.fixes.new_sources.items():
        target = (ws.root / path).resolve()
        if target in done:
            if done[target] == text:
                outcome.written.append(path)
            else:
                outcome.changed_on_disk.append(path)
            continue
        try:
            files.write_source_if_unchanged(target, text, outcome.fixes.originals[path])
            outcome.written.append(path)
            done[target] = text
        except (files.ChangedOnDisk, FileNotFoundError):
            outcome.changed_on_disk.append(path)
        except (OSError, UnicodeEncodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            outcome.unwritable.append((path, reason))
    return outcome
