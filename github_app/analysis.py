"""The one seam to productops_lint: config, plan, analysis, plan diff and fingerprints via its public API."""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

import pathspec

from productops_lint.baseline import filter_new, fingerprints, parse_baseline
from productops_lint.config import Config, parse_config
from productops_lint.detect.roots import with_inferred_roots
from productops_lint.engine import Result, analyze
from productops_lint.files import DEFAULT_EXCLUDES, is_test_path
from productops_lint.registry.diff import PlanDiff, diff_plans
from productops_lint.registry.diff_render import render_diff_markdown
from productops_lint.registry.loader import load_plan
from productops_lint.registry.model import Plan
from productops_lint.registry.paths import rule_paths_in
from productops_lint.sources import SourceProvider, SummaryCache
from productops_lint.types import Diagnostic, Severity, TrackingCall, UserError

CONFIG_FILE = "pyproject.toml"

__all__ = [
    "CONFIG_FILE",
    "Config",
    "Diagnostic",
    "Plan",
    "PlanDiff",
    "Result",
    "Severity",
    "SourceProvider",
    "UserError",
    "diff_markdown",
    "drop_baselined",
    "excluded",
    "finding_fingerprints",
    "load_config",
    "load_rules",
    "plan_diff",
    "rule_file_paths",
    "run_analysis",
]


def load_config(text: str | None) -> Config:
    """The repository's ``[tool.productops]`` settings (defaults when there is no pyproject.toml)."""
    return Config() if text is None else parse_config(text, CONFIG_FILE)


def excluded(config: Config) -> Callable[[str], bool]:
    """Whether a path is left out of the project, as the CLI's file discovery decides."""
    spec = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDES, *config.exclude])
    if config.check_tests:
        return spec.match_file
    return lambda path: spec.match_file(path) or is_test_path(path)


def rule_file_paths(paths: Iterable[str], config: Config) -> list[str]:
    """The rule files that ``config.registry`` names among the repository's ``paths``, as the CLI
    finds them on disk; none, or an entry naming nothing, is an error."""
    return rule_paths_in(paths, config, required=True)


def load_rules(files: Sequence[tuple[str, str]]) -> Plan:
    """The merged plan; raises UserError listing every problem."""
    return load_plan(files)


def run_analysis(
    provider: SourceProvider, config: Config, plan: Plan, targets: Sequence[str] | None,
    cache: SummaryCache | None = None,
) -> Result:
    """Run the engine in-process, exactly as the CLI does for the same files."""
    packaging = getattr(provider, "packaging", None)
    if not config.src and packaging is not None:
        # The module names the CLI infers from the same tree (detect/roots.py).
        config = with_inferred_roots(config, list(provider.paths()), packaging())
    return analyze(provider, config, plan, targets=targets, cache=cache)


def plan_diff(old: Plan, new: Plan, calls: Sequence[TrackingCall] | None) -> PlanDiff:
    return diff_plans(old, new, calls)


def diff_markdown(diff: PlanDiff) -> str:
    return render_diff_markdown(diff)


def finding_fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """Stable ids for findings (the baseline's), used to recognise our earlier review comments."""
    return fingerprints(diagnostics, sources)


def drop_baselined(
    diagnostics: list[Diagnostic], sources: Mapping[str, str], text: str | None, path: str
) -> tuple[list[Diagnostic], int]:
    """The findings the baseline file does not record, as the CLI filters them, and how many it hid.

    No baseline file hides nothing; a malformed one raises UserError."""
    if text is None:
        return diagnostics, 0
    return filter_new(diagnostics, parse_baseline(text, path), sources)
