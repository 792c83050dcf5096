"""One pull request evaluated: config and rules from the base, analysis of the head, plan diff."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Mapping

from productops_lint.sources import SummaryCache

from . import analysis
from .analysis import Config, Diagnostic, Plan, Severity, UserError
from .github import ChangedFile
from .sources import BlobCache, TreeProvider

SUCCESS, FAILURE, NEUTRAL = "success", "failure", "neutral"


@dataclass
class Evaluation:
    """What the App reports for one head commit; every renderer reads only this."""

    head_sha: str
    conclusion: str
    title: str
    changed: list[ChangedFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # Problems that stopped the check (invalid config or rule files), one per line.
    error: str | None = None
    rules_changed: bool = False
    plan_diff: str | None = None
    # Findings on the changed files under the PR's own version of the rules, when it changes them.
    pr_plan_diagnostics: list[Diagnostic] = field(default_factory=list)
    # Findings hidden because the base branch's baseline file records them.
    baselined: int = 0

    @property
    def patches(self) -> dict[str, str | None]:
        return {f.path: f.patch for f in self.changed}


def _python_targets(changed: list[ChangedFile], head: TreeProvider) -> list[str]:
    # Like the CLI's discovery: excluded files are not linted even when the PR touches them.
    kept = set(head.paths())
    return [f.path for f in changed if f.status != "removed" and f.path in kept]


def _touches_rules(changed: list[ChangedFile], config: Config) -> bool:
    entries = [posixpath.normpath(posixpath.join(config.root, e)) for e in config.registry]
    for f in changed:
        for path in filter(None, (f.path, f.previous_path)):
            inside = any(path == e or e == "." or path.startswith(e + "/") for e in entries)
            if inside and (path in entries or path.endswith((".yml", ".yaml"))):
                return True
    return False


def _rules(provider: TreeProvider, config: Config) -> Plan:
    files = [(path, provider.text(path) or "") for path in analysis.rule_file_paths(provider.tree, config)]
    return analysis.load_rules(files)


def _errors(exc: UserError, where: str) -> str:
    return f"{where}:\n" + "\n".join(str(problem) for problem in exc.problems)


def _conclude(diagnostics: list[Diagnostic]) -> tuple[str, str]:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if errors:
        return FAILURE, f"{errors} tracking plan {'error' if errors == 1 else 'errors'}"
    if diagnostics:
        return SUCCESS, f"No errors, {len(diagnostics)} {'finding' if len(diagnostics) == 1 else 'findings'}"
    return SUCCESS, "No tracking plan findings"


def evaluate(
    head_sha: str,
    changed: list[ChangedFile],
    base_tree: Mapping[str, str],
    head_tree: Mapping[str, str],
    blobs: BlobCache,
    summaries: SummaryCache | None = None,
) -> Evaluation:
    """Lint the changed Python files of ``head`` with the config and rules of ``base``; ``summaries``
    keeps the files' summaries between analyses (the App's, for the life of its process).

    The base decides the gate, so a pull request cannot loosen the check it is held to; when the
    pull request edits rule files, its own rules are also applied and the plan diff is shown.
    """
    base = TreeProvider(base_tree, blobs)
    try:
        config = analysis.load_config(base.text(analysis.CONFIG_FILE))
        plan = _rules(base, config)
    except UserError as exc:
        return Evaluation(
            head_sha, NEUTRAL, "Configuration error on the base branch", changed,
            error=_errors(exc, "The base branch's configuration or rule files are invalid"),
        )
    head = TreeProvider(head_tree, blobs, analysis.excluded(config))
    targets = _python_targets(changed, head)
    rules_changed = _touches_rules(changed, config)
    if not targets and not rules_changed:
        return Evaluation(head_sha, NEUTRAL, "No Python changes", changed)

    head.prefetch()
    result = analysis.run_analysis(head, config, plan, targets, summaries)
    wanted = set(targets)
    diagnostics = [d for d in result.diagnostics if d.path in wanted]
    sources = {path: text for path, text in result.sources.items() if path in wanted}
    for path in wanted - set(sources):
        sources[path] = head.text(path) or ""
    try:
        # The base's baseline, like its config: a PR cannot hide its own findings by recording them.
        baseline_path = posixpath.normpath(posixpath.join(config.root, config.baseline)) if config.baseline else ""
        text = base.text(baseline_path) if baseline_path else None
        diagnostics, hidden = analysis.drop_baselined(diagnostics, sources, text, baseline_path)
    except UserError as exc:
        return Evaluation(
            head_sha, NEUTRAL, "Configuration error on the base branch", changed,
            error=_errors(exc, "The base branch's baseline file is invalid"),
        )
    conclusion, title = _conclude(diagnostics)
    evaluation = Evaluation(
        head_sha, conclusion, title, changed, diagnostics,
        analysis.finding_fingerprints(diagnostics, sources), sources, rules_changed=rules_changed,
        baselined=hidden,
    )
    if not targets:
        evaluation.conclusion, evaluation.title = NEUTRAL, "No Python changes; the tracking plan changed"
    if rules_changed:
        _apply_pr_rules(evaluation, head, config, plan, targets, summaries)
    return evaluation


def _apply_pr_rules(
    evaluation: Evaluation, head: TreeProvider, config: Config, base_plan: Plan, targets: list[str],
    summaries: SummaryCache | None,
) -> None:
    try:
        pr_plan = _rules(head, config)
    except UserError as exc:
        evaluation.conclusion, evaluation.title = FAILURE, "This pull request's rule files are invalid"
        evaluation.error = _errors(exc, "The rule files of this pull request are invalid")
        return
    # Every call of the head (not only the changed files) tells whether a removed event is still sent.
    whole = analysis.run_analysis(head, config, pr_plan, None, summaries)
    evaluation.plan_diff = analysis.diff_markdown(analysis.plan_diff(base_plan, pr_plan, whole.calls))
    wanted = set(targets)
    evaluation.pr_plan_diagnostics = [d for d in whole.diagnostics if d.path in wanted]
