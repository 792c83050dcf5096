"""The one seam to productops_lint: config, plan, analysis, plan diff and fingerprints via its public API."""

from __future__ import annotations

import posixpath
from typing import Iterable, Mapping, Sequence

from productops_lint.baseline import fingerprints
from productops_lint.config import Config, parse_config
from productops_lint.engine import Result, SourceProvider, analyze
from productops_lint.registry.diff import PlanDiff, diff_plans
from productops_lint.registry.diff_render import render_diff_markdown
from productops_lint.registry.loader import load_plan
from productops_lint.registry.model import Plan
from productops_lint.types import Diagnostic, Severity, TrackingCall, UserError

RULE_SUFFIXES = (".yml", ".yaml")
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


def rule_file_paths(paths: Iterable[str], config: Config) -> list[str]:
    """The rule files that ``config.registry`` names, among the repository's ``paths``: each entry is
    a YAML file or a folder whose YAML files (at any depth) are rule files."""
    every = sorted(paths)
    found: list[str] = []
    for entry in config.registry:
        entry = posixpath.normpath(posixpath.join(config.root, entry)).lstrip("./") or "."
        if entry in every:
            found.append(entry)
            continue
        prefix = "" if entry == "." else entry.rstrip("/") + "/"
        found.extend(p for p in every if p.startswith(prefix) and p.endswith(RULE_SUFFIXES))
    return list(dict.fromkeys(found))


def load_rules(files: Sequence[tuple[str, str]]) -> Plan:
    """The merged plan; raises UserError listing every problem."""
    return load_plan(files)


def run_analysis(
    provider: SourceProvider, config: Config, plan: Plan, targets: Sequence[str] | None
) -> Result:
    """Run the engine in-process, exactly as the CLI does for the same files."""
    return analyze(provider, config, plan, targets=targets)


def plan_diff(old: Plan, new: Plan, calls: Sequence[TrackingCall] | None) -> PlanDiff:
    return diff_plans(old, new, calls)


def diff_markdown(diff: PlanDiff) -> str:
    return render_diff_markdown(diff)


def finding_fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """Stable ids for findings (the baseline's), used to recognise our earlier review comments."""
    return fingerprints(diagnostics, sources)
