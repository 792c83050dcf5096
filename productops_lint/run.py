"""A run over the working tree: config, plan, files, engine, baseline and fixes, for the CLI and hooks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import files
from .config import Config
from .engine import Result, analyze
from .fix import FixPlan, plan_fixes
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
) -> Result:
    provider = ws.provider()
    targets = provider.targets(paths) if paths else None
    cache = files.FileCache(ws.root / ws.config.cache_dir) if use_cache else None
    return analyze(
        provider,
        ws.config,
        ws.plan,
        targets,
        jobs=jobs or os.cpu_count() or 1,
        cache=cache,
        prefilter=prefilter,
        progress=progress,
    )


def baseline_path(ws: Workspace, override: str | None = None) -> Path | None:
    chosen = override or ws.config.baseline
    return (ws.root / chosen) if chosen else None


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
    plan: FixPlan
    written: list[str]
    changed_on_disk: list[str]


def apply_fixes(ws: Workspace, result: Result, unsafe: bool, write: bool) -> FixOutcome:
    """Apply fixes; with ``write`` each file is replaced atomically unless it changed since it was read."""
    fix_plan = plan_fixes(result.diagnostics, result.sources, unsafe=unsafe)
    written: list[str] = []
    changed: list[str] = []
    if write:
        for path, text in sorted(fix_plan.new_sources.items()):
            target = ws.root / path
            try:
                files.write_source_if_unchanged(target, text, result.sources[path])
                written.append(path)
            except files.ChangedOnDisk:
                changed.append(path)
    return FixOutcome(fix_plan, written, changed)
