"""Benchmark productops-lint against Fixit, semgrep and ripgrep, in one run on one machine.

    python bench/run.py                 # full run (~10 min on 2 cores): bench/results/latest.json
    python bench/run.py --quick         # small corpus, 1 repetition: bench/results/quick.json
    python bench/run.py --write-readme  # full run, then the tables into bench/README.md
    python bench/run.py --report-only --write-readme   # re-render README from latest.json

The first run creates bench/.work/venv (peers from PyPI, this repository editable), downloads
the PyPI corpus and generates the app tree; later runs reuse all three while they are current.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import env  # noqa: E402  (the path above makes the harness importable)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1,000 modules, one PyPI package, 1 repetition")
    p.add_argument("--reps", type=int, help="repetitions per measurement (default 3; quick 1)")
    p.add_argument("--files", type=int, help="modules in the generated tree (default 10,000; quick 1,000)")
    p.add_argument("--density", type=float, default=0.02, help="share of generated modules that track")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--jobs", default="1,2", help="--jobs values for the scaling rows")
    p.add_argument("--fixit-lines", type=int, help="lines of the Fixit subset (default 40,000; quick 10,000)")
    p.add_argument("--fixit-reps", type=int, default=1, help="repetitions for Fixit (it is slow)")
    p.add_argument("--timeout", type=float, default=600, help="seconds before one run is killed")
    p.add_argument("--only", help="regex of scenario keys to run (e.g. 'gen\\.|one\\.')")
    p.add_argument("--write-readme", action="store_true", help="put the tables into bench/README.md")
    p.add_argument("--report-only", action="store_true", help="measure nothing; render the last results")
    p.add_argument("--output", type=Path, help="results file (default results/latest.json; quick: quick.json)")
    args = p.parse_args(argv)
    args.reps = args.reps or (1 if args.quick else 3)
    args.files = args.files or (1_000 if args.quick else 10_000)
    args.fixit_lines = args.fixit_lines or (10_000 if args.quick else 40_000)
    args.output = args.output or env.BENCH / "results" / ("quick.json" if args.quick else "latest.json")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def reexec_in_venv(argv: list[str]) -> None:
    """Measure from inside the bench venv, where psutil and every tool live."""
    python = env.ensure_venv(log)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])


def failure(scenario: Any, run: Any) -> str | None:
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


def measure(scenario: Any, timeout: float) -> dict[str, Any]:
    from harness.measure import Summary, run_once

    runs = []
    try:
        for rep in range(scenario.reps):
            if scenario.before_each:
                scenario.before_each(rep)
            run = run_once(scenario.cmd, scenario.cwd, env.quiet_env(), timeout)
            runs.append(run)
            if failure(scenario, run):
                break
    finally:
        if scenario.after_all:
            scenario.after_all()
    last = runs[-1]
    summary = Summary(runs)
    row: dict[str, Any] = {
        "key": scenario.key, "group": scenario.group, "tool": scenario.tool, "label": scenario.label,
        "note": scenario.note, "extra": scenario.extra, "cmd": [Path(c).name if i == 0 else c for i, c in enumerate(scenario.cmd[:12])],
        "walls": [round(w, 4) for w in summary.walls], "min": summary.min, "median": summary.median,
        "user": last.user, "system": last.system,
        "max_rss_mb": summary.max_rss_mb, "peak_tree_rss_mb": summary.peak_tree_rss_mb,
        "returncodes": [r.returncode for r in runs], "findings": scenario.findings(last),
    }
    why = failure(scenario, last)
    if why:
        row["failed"] = True
        row["error"] = f"{why}: " + (last.stderr or last.stdout)[-1500:]
    if scenario.subset_lines and scenario.corpus_lines and not row.get("failed"):
        row["subset_lines"] = scenario.subset_lines
        row["scale"] = scenario.corpus_lines / scenario.subset_lines
    return row


def count_calls(corpus: Any) -> int | None:
    """Tracking calls productops-lint lists in the generated tree, to compare with what was planted."""
    from harness.measure import run_once

    run = run_once([env.tool("productops-lint"), "calls", ".", "--format", "json"], corpus.root, env.quiet_env(), 300)
    try:
        data = json.loads(run.stdout)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("calls")
    return len(data) if isinstance(data, list) else None


def scale_fixit(rows: list[dict[str, Any]]) -> None:
    """Whole-corpus Fixit time from its subset: start-up (Fixit on one file) plus the rest, by lines."""
    startup = next((r["min"] for r in rows if r["key"] == "one.fixit" and not r.get("failed")), 0.0)
    for row in rows:
        if row.get("scale"):
            row["startup_s"] = startup
            row["estimated_full"] = startup + max(row["min"] - startup, 0.0) * row["scale"]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    from harness import corpus as corpora
    from harness import scenarios as sc
    from harness.measure import run_once
    from harness.targets import evaluate

    started = time.monotonic()
    load_before = _load()
    log("preparing corpora")
    gen = corpora.generated_corpus(args.files, args.density, args.seed)
    real = corpora.real_corpus(args.quick)
    jobs = tuple(int(j) for j in args.jobs.split(",") if j)
    plan = sc.one_file_scenarios(gen, args.reps)
    for corpus in (gen, real):
        plan += sc.corpus_scenarios(corpus, args.reps, jobs, args.fixit_lines, args.fixit_reps)
    if args.only:
        plan = [s for s in plan if re.search(args.only, s.key)]

    # Untimed warm-up: the file system cache holds every corpus, and every tool has run once
    # (byte-code compiled, binaries paged in), so no row pays a one-off cost the others don't.
    quiet = env.quiet_env()
    for corpus in (gen, real):
        run_once([env.tool("rg"), "-c", "--no-ignore", "-t", "py", "import", "."], corpus.root, quiet, 300)
    for s in sc.one_file_scenarios(gen, 1):
        run_once(s.cmd, s.cwd, quiet, 300)

    rows = []
    for scenario in plan:
        row = measure(scenario, args.timeout)
        rows.append(row)
        status = "FAILED" if row.get("failed") else f"min {row['min']:.3f} s"
        log(f"  {scenario.key:<16} {len(row['walls'])} run(s)  {status}  peak {row['peak_tree_rss_mb']:.0f} MB"
            f"  reported {row['findings']}")
    scale_fixit(rows)

    info = {c.name: {"description": c.description, "files": c.files, "lines": c.lines, "calls": c.calls,
                     "off_plan_calls": c.off_plan_calls, "peer_expected_findings": c.peer_expected_findings}
            for c in (gen, real)}
    info["gen"]["calls_found"] = count_calls(gen)
    data = {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "machine": env.machine_info(),
        "settings": {"reps": args.reps, "fixit_reps": args.fixit_reps, "modules": args.files,
                     "density": args.density, "seed": args.seed, "jobs": list(jobs),
                     "fixit_lines": args.fixit_lines, "timeout_s": args.timeout},
        "corpora": info,
        "scenarios": rows,
        "duration_s": round(time.monotonic() - started, 1),
        # The machine may be shared: say how busy it was.
        "load_before": load_before,
        "load_after": _load(),
    }
    data["targets"] = evaluate(data)
    return data


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.report_only:
        from harness.report import markdown, write_readme

        data = json.loads(args.output.read_text())
        if args.write_readme:
            write_readme(data)
        print(markdown(data))
        return
    if not env.in_venv():
        reexec_in_venv(argv)
    from harness.report import markdown, write_json, write_readme

    data = run_all(args)
    write_json(data, args.output)
    if args.write_readme:
        write_readme(data)
    print(markdown(data))
    log(f"wrote {args.output.relative_to(env.REPO)} in {data['duration_s']:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
