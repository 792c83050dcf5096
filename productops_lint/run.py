"""A run over the working tree: config, plan, files, engine, baseline and fixes, for the CLI and hooks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import files
from .config import Config
from .engine import Result, analyze
from .fix import MAX_FIX_PASSES, FixRun, declared_encoding, fix_until_stable
from .registry.model import Plan
from .types import Diagnostic, Location, Problem, UserError


@dataclass
class Workspace:
    """The project being checked: its root, effective config and tracking plan."""

    root: Path
    config: Config
    plan: Plan
    rule_files: list[tuple[str, str]] = field(default_factory=list)

    def provider(self) -> files.FileProvider:
        return files.FileProvider(self.root, self.config)


def open_workspace(
    config_path: str | None = None,
    start: Path | None = None,
    require_plan: bool = True,
    **overrides: object,
) -> Workspace:
    """Find the project, read its config and rule files (raising UserError with every problem)."""
    root = Path(config_path).resolve().parent if config_path else files.find_root(start)
    config = files.load_config(root, Path(config_path).resolve() if config_path else None)
    config = config.with_overrides(**overrides)
    paths = files.rule_file_paths(root, config.registry, required=require_plan or config.source is not None)
    if not paths and require_plan:
        raise UserError(
            Problem(
                Location(str(root / config.registry[0]) if config.registry else str(root)),
                "no tracking plan found: add YAML rule files there or set `registry` in [tool.productops]",
            )
        )
    from .registry.loader import load_plan

    rule_files = files.read_rule_files(paths)
    plan = load_plan(rule_files) if rule_files else Plan()
    return Workspace(root=root, config=config, plan=plan, rule_files=rule_files)


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
    """Analyze the project (or ``paths``); ``overrides`` stand in for the text of some files."""
    provider = ws.provider()
    targets = provider.targets(paths) if paths else None
    cache = files.FileCache(ws.root / ws.config.cache_dir) if use_cache else None
    return analyze(
        _Overlay(provider, overrides) if overrides else provider,
        ws.config,
        ws.plan,
        targets,
        jobs=jobs or os.cpu_count() or 1,
        cache=cache,
        prefilter=prefilter,
        progress=progress,
    )


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

    text = files.read_text(path)
    if text is None:
        raise UserError(Problem(Location(str(path)), "cannot read the baseline file"))
    baseline = parse_baseline(text, str(path))
    return filter_new(result.diagnostics, baseline, result.sources)


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
    max_passes: int = MAX_FIX_PASSES,
) -> FixOutcome:
    """Fix ``result``'s findings, re-analyzing the fixed text in memory until no fix is left.

    With ``write``, each changed file is then replaced atomically, in its own encoding, unless it
    changed on disk since it was read.
    """

    def reanalyze(texts: Mapping[str, str]) -> Result:
        return lint(ws, paths, jobs=jobs, use_cache=use_cache, overrides=texts)

    outcome = FixOutcome(fix_until_stable(result, reanalyze, unsafe=unsafe, max_passes=max_passes))
    if not write:
        return outcome
    for path, text in outcome.fixes.new_sources.items():
        try:
            files.write_source_if_unchanged(ws.root / path, text, outcome.fixes.originals[path])
            outcome.written.append(path)
        except (files.ChangedOnDisk, FileNotFoundError):
            outcome.changed_on_disk.append(path)
        except (OSError, UnicodeEncodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            outcome.unwritable.append((path, reason))
    return outcome
