"""Benchmark productops-lint against Fixit, semgrep and ripgrep, in one run on one machine.

    python bench/run.py                 # full run (about 15 min on 2 cores): bench/results/latest.json
    python bench/run.py --projects prefect,zenml   # real projects to measure (`all`, `none`)
    python bench/run.py --quick         # small corpus, 1 repetition: bench/results/quick.json
    python bench/run.py --write-readme  # full run, then the tables into bench/README.md
    python bench/run.py --report-only --write-readme   # re-render README from latest.json

The first run creates bench/.work/venv (peers from PyPI), downloads the PyPI corpus and
generates the app tree; later runs reuse all three while they are current. Every run installs
this working tree into that venv as a regular package, as users get it.
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
    p.add_argument("--short-reps", type=int, help="repetitions of the rows that take well under a second "
                   "(default 9; quick 1)")
    p.add_argument("--files", type=int, help="modules in the generated tree (default 10,000; quick 1,000)")
    p.add_argument("--density", type=float, default=0.02, help="share of generated modules that track")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--jobs", default="1,2", help="--jobs values for the scaling rows")
    p.add_argument("--fixit-lines", type=int, help="lines of the Fixit subset (default 20,000; quick 5,000)")
    p.add_argument("--fixit-reps", type=int, default=1, help="repetitions for Fixit (it is slow)")
    p.add_argument("--timeout", type=float, default=600, help="seconds before one run is killed")
    p.add_argument("--slow", type=float, default=60, help="a row whose run takes longer is not repeated")
    p.add_argument("--only", help="regex of scenario keys to run (e.g. 'gen\\.|one\\.')")
    p.add_argument("--projects", help="real projects to measure, comma-separated slugs, `all` or `none` "
                   "(default: the six largest; --quick: none); see bench/README.md")
    p.add_argument("--real-reps", type=int, help="repetitions on each real project (default 2; quick 1)")
    p.add_argument("--real-short-reps", type=int, help="repetitions of a real project's rows under a second "
                   "(default 5; quick 1)")
    p.add_argument("--real-fixit-lines", type=int, default=5_000, help="lines of Fixit's subset on each real project")
    p.add_argument("--write-readme", action="store_true", help="put the tables into bench/README.md")
    p.add_argument("--report-only", action="store_true", help="measure nothing; render the last results")
    p.add_argument("--output", type=Path, help="results file (default results/latest.json; --quick: quick.json; "
                   "--only: only.json)")
    args = p.parse_args(argv)
    args.reps = args.reps or (1 if args.quick else 3)
    args.short_reps = args.short_reps or (1 if args.quick else 9)
    args.real_reps = args.real_reps or (1 if args.quick else 2)
    args.real_short_reps = args.real_short_reps or (1 if args.quick else 5)
    args.files = args.files or (1_000 if args.quick else 10_000)
    args.fixit_lines = args.fixit_lines or (5_000 if args.quick else 20_000)
    # A quick or partial run never overwrites the full results.
    default = "quick.json" if args.quick else "only.json" if args.only else "latest.json"
    args.output = args.output or env.BENCH / "results" / default
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def reexec_in_venv(argv: list[str]) -> None:
    """Measure from inside the bench venv, where psutil and every tool live."""
    python = env.ensure_venv(log)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])


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
    one = next((r for r in rows if r["key"] == "one.fixit" and not r.get("failed")), None)
    startup, startup_cpu = (one["min"], one["cpu"]) if one else (0.0, 0.0)
    for row in rows:
        if row.get("scale"):
            row["startup_s"] = startup
            row["estimated_full"] = startup + max(row["min"] - startup, 0.0) * row["scale"]
            row["estimated_full_cpu"] = startup_cpu + max(row["cpu"] - startup_cpu, 0.0) * row["scale"]


def _size(corpus: Any) -> int:
    return sum(p.stat().st_size for p in corpus.python_files())


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    from harness import corpus as corpora
    from harness import scenarios as sc
    from harness.measure import run_once
    from harness.runner import measure_all
    from harness.targets import evaluate

    started = time.monotonic()
    load_before = _load()
    log("preparing corpora")
    gen = corpora.generated_corpus(args.files, args.density, args.seed)
    real = corpora.real_corpus(args.quick)
    jobs = tuple(int(j) for j in args.jobs.split(",") if j)
    from harness import projects

    reals = [projects.project_corpus(slug) for slug in projects.select(args.projects, args.quick)]
    # Order matters: the one-file rows need the full cache the gen rows leave behind.
    plan = [
        *sc.lint_scenarios(gen, args.reps, jobs, args.short_reps),
        *sc.one_file_scenarios(gen, args.reps, args.short_reps),
        *sc.peer_scenarios(gen, args.reps, args.fixit_lines, args.fixit_reps),
        *sc.lint_scenarios(real, args.reps, jobs, args.short_reps),
        *sc.peer_scenarios(real, args.reps, args.fixit_lines, args.fixit_reps),
    ]
    listings: dict[str, Path] = {}
    for corpus in reals:
        listings[corpus.name] = env.WORK / "floor" / f"{corpus.name}.txt"
        plan += [
            *sc.lint_scenarios(corpus, args.real_reps, jobs, args.real_short_reps),
            sc.real_one_file(corpus, args.real_short_reps),
            sc.ci_restored(corpus, projects.ci_clone(corpus), args.real_short_reps),
            *sc.peer_scenarios(corpus, args.real_reps, args.real_fixit_lines, args.fixit_reps),
        ]
    if args.only:
        plan = [s for s in plan if re.search(args.only, s.key)]

    # Untimed warm-up: the file system cache holds every corpus, and every tool has run once
    # (byte-code compiled, binaries paged in), so no row pays a one-off cost the others don't.
    quiet = env.quiet_env()
    env.install_tool(log)
    for corpus in (gen, real, *reals):
        run_once([env.tool("rg"), "-c", "--no-ignore", "-t", "py", "import", "."], corpus.root, quiet, 300)
    # The floor rows parse what this code's cold run parses: listed now, after the install.
    parsed: dict[str, int] = {}
    for corpus in reals:
        parsed[corpus.name] = sc.parsed_list(corpus, listings[corpus.name])
        floor = sc.floor_scenario(corpus, listings[corpus.name], parsed[corpus.name], args.real_reps)
        if not args.only or re.search(args.only, floor.key):
            plan.append(floor)
    for s in sc.one_file_scenarios(gen, 1, 1):
        if s.key != "one.nocache":  # the slow one; compiles nothing the others don't
            run_once(s.cmd, s.cwd, quiet, args.timeout)

    rows = measure_all(plan, args.timeout, args.slow, log)
    scale_fixit(rows)

    info = {c.name: {"description": c.description, "files": c.files, "lines": c.lines, "calls": c.calls,
                     "off_plan_calls": c.off_plan_calls, "peer_expected_findings": c.peer_expected_findings}
            for c in (gen, real, *reals)}
    for corpus in reals:
        info[corpus.name].update(real=True, parsed_files=parsed[corpus.name], bytes=_size(corpus))
    info["gen"]["calls_found"] = count_calls(gen)
    data = {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "machine": env.machine_info(),
        "settings": {"reps": args.reps, "short_reps": args.short_reps, "real_reps": args.real_reps,
                     "real_short_reps": args.real_short_reps, "fixit_reps": args.fixit_reps, "modules": args.files,
                     "density": args.density, "seed": args.seed, "jobs": list(jobs),
                     "fixit_lines": args.fixit_lines, "real_fixit_lines": args.real_fixit_lines,
                     "projects": [c.name for c in reals], "timeout_s": args.timeout, "slow_s": args.slow},
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
    failed = [row["key"] for row in data["scenarios"] if row.get("failed")]
    if failed:
        # A broken run must not replace good results: keep it aside, with the errors, to look at.
        args.output = args.output.with_name("failed.json")
    write_json(data, args.output)
    if args.write_readme and not failed:
        write_readme(data)
    print(markdown(data))
    log(f"wrote {args.output.relative_to(env.REPO)} in {data['duration_s']:.0f} s")
    if failed:
        log(f"FAILED rows: {', '.join(failed)} (errors in the JSON); README and latest results left as they were")
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
