"""Run every scenario N times, round-robin, and reduce the runs to result rows.

Round-robin (every row once, then every row again) rather than row by row: on a machine whose
load drifts, each row then sees the same mix of quiet and busy moments, which keeps the ratios
between tools honest even when the absolute times move.
"""

from __future__ import annotations

from typing import Any, Callable

from .env import quiet_env
from .measure import Run, Summary, run_once
from .scenarios import Scenario


def failure(scenario: Scenario, run: Run) -> str | None:
    """Why a run does not count, or None when it does."""
    if run.timed_out:
        return "timed out"
    # Exit 1 means "found something" for every tool measured; anything else is a failure.
    if run.returncode not in (0, 1):
        return f"exit {run.returncode}"
    if "Traceback (most recent call last)" in run.stderr:
        return "crashed"
    if scenario.tool in ("productops-lint", "semgrep") and scenario.findings(run) is None:
        return "output is not the expected JSON"
    return None


def measure_all(
    plan: list[Scenario], timeout: float, slow: float, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Measure ``plan``; a row stops repeating once a run fails or takes longer than ``slow`` seconds."""
    runs: dict[str, list[Run]] = {s.key: [] for s in plan}
    stopped: set[str] = set()
    environment = quiet_env()
    for rep in range(max((s.reps for s in plan), default=0)):
        for scenario in plan:
            if rep >= scenario.reps or scenario.key in stopped:
                continue
            if scenario.before_each:
                scenario.before_each(rep)
            try:
                run = run_once(scenario.cmd, scenario.cwd, environment, timeout)
            finally:
                if scenario.after_each:
                    scenario.after_each()
            runs[scenario.key].append(run)
            why = failure(scenario, run)
            log(f"  [{rep + 1}] {scenario.key:<14} {run.wall:8.3f} s  {run.peak_tree_rss_mb:5.0f} MB"
                f"  {'FAILED: ' + why if why else ''}")
            if why or run.wall > slow:
                stopped.add(scenario.key)
    return [_row(s, runs[s.key]) for s in plan]


def _row(scenario: Scenario, runs: list[Run]) -> dict[str, Any]:
    last = runs[-1]
    summary = Summary(runs)
    row: dict[str, Any] = {
        "key": scenario.key, "group": scenario.group, "tool": scenario.tool, "label": scenario.label,
        "note": scenario.note, "extra": scenario.extra,
        "walls": [round(w, 4) for w in summary.walls], "min": summary.min, "median": summary.median,
        # CPU time of the tool and every process it waited for (workers, semgrep-core): less
        # sensitive than wall time to other load on a shared machine.
        "cpus": [round(r.user + r.system, 3) for r in runs], "cpu": min(r.user + r.system for r in runs),
        "max_rss_mb": summary.max_rss_mb, "peak_tree_rss_mb": summary.peak_tree_rss_mb,
        "returncodes": [r.returncode for r in runs], "findings": scenario.findings(last),
    }
    why = failure(scenario, last)
    if why:
        row["failed"] = True
        row["error"] = f"{why}: " + (last.stderr or last.stdout)[-1500:]
    elif scenario.subset_lines and scenario.corpus_lines:
        row["subset_lines"] = scenario.subset_lines
        row["scale"] = scenario.corpus_lines / scenario.subset_lines
    return row
