"""Results as JSON (bench/results/latest.json) and as the Markdown tables of bench/README.md."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .env import BENCH

RESULTS = BENCH / "results"
README = BENCH / "README.md"
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"
TOOL_OK = "productops-lint"


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write atomically (a .tmp beside it, then rename), so a killed run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


def _rows(data: dict[str, Any], group: str) -> list[dict[str, Any]]:
    return [s for s in data["scenarios"] if s["group"] == group]


def _get(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((s for s in data["scenarios"] if s["key"] == key), None)


def seconds(row: dict[str, Any] | None) -> float | None:
    """The time a row stands for: its fastest run, or for a subset run the whole-corpus estimate.

    The fastest of N runs is the one least disturbed by whatever else the machine was doing;
    medians are kept in the JSON.
    """
    if row is None or row.get("failed"):
        return None
    return row.get("estimated_full") or row["min"]


def cpu_seconds(row: dict[str, Any] | None) -> float | None:
    """CPU seconds a row stands for (the least of its runs, or the whole-corpus estimate)."""
    if row is None or row.get("failed"):
        return None
    return row.get("estimated_full_cpu") or row.get("cpu")


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.1:
        return f"{value:.2g}×"  # keep two significant digits for the fast rows (ripgrep, warm)
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def corpus_table(data: dict[str, Any], group: str) -> list[str]:
    base = seconds(_get(data, f"{group}.cold"))
    base_cpu = cpu_seconds(_get(data, f"{group}.cold"))
    floor = seconds(_get(data, f"{group}.floor"))
    lines = [
        "| Run | Wall (s) | Wall vs cold | CPU (s) | CPU vs cold | Peak RSS, process tree (MB) | Reported |"
        + (" Wall vs libcst floor |" if floor else ""),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if floor else ""),
    ]
    for row in _rows(data, group):
        t, cpu = seconds(row), cpu_seconds(row)
        label = row["label"]
        shown = _fmt_s(t)
        if row.get("failed"):
            shown = "failed"
        elif row.get("estimated_full"):
            shown = f"{_fmt_s(t)} (est.; {_fmt_s(row['min'])} measured on {row['note']})"
        ratio = _fmt_ratio(t / base) if (t is not None and base) else "—"
        cpu_ratio = _fmt_ratio(cpu / base_cpu) if (cpu is not None and base_cpu) else "—"
        findings = row.get("findings")
        unit = "files" if row["tool"] in ("ripgrep", "libcst") else ""
        if row.get("scale"):
            unit = "in subset"
        reported = "—" if findings is None else f"{findings} {unit}".strip()
        mem = "—" if row.get("failed") else f"{row['peak_tree_rss_mb']:.0f}"
        line = f"| {label} | {shown} | {ratio} | {_fmt_s(cpu)} | {cpu_ratio} | {mem} | {reported} |"
        if floor:
            line += f" {_fmt_ratio(t / floor) if t is not None else '—'} |"
        lines.append(line)
    return lines


def _ratio(a: float | None, b: float | None) -> str:
    return _fmt_ratio(a / b) if a and b else "—"


def real_table(data: dict[str, Any]) -> list[str]:
    """One line per real project: the cold run next to the libcst floor and the peers, and the cached rows."""
    lines = [
        "| project | .py files | MB | parsed | cold (s) | libcst floor (s) | cold / floor | CPU: cold / floor | semgrep / cold "
        "| Fixit / cold | ripgrep (s) | `--jobs 1` (s) | `--jobs 2` (s) | warm (s) | one edit (s) | CI, restored cache, one edit (s) "
        "| one file (s) | peak MB | reported |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, corpus in data["corpora"].items():
        if not corpus.get("real"):
            continue
        row = {k: _get(data, f"{name}.{k}") for k in
               ("cold", "floor", "semgrep", "fixit", "ripgrep", "jobs1", "jobs2", "warm", "touched", "ci_restored",
                         "onefile")}
        t = {k: seconds(v) for k, v in row.items()}
        cold = row["cold"]
        mem = "—" if cold is None or cold.get("failed") else f"{cold['peak_tree_rss_mb']:.0f}"
        found = "—" if cold is None or cold.get("findings") is None else str(cold["findings"])
        lines.append(
            f"| {name} | {corpus['files']:,} | {corpus.get('bytes', 0) / 2**20:.1f} | {corpus.get('parsed_files', '—')} "
            f"| {_fmt_s(t['cold'])} | {_fmt_s(t['floor'])} | {_ratio(t['cold'], t['floor'])} "
            f"| {_ratio(cpu_seconds(row['cold']), cpu_seconds(row['floor']))} "
            f"| {_ratio(t['semgrep'], t['cold'])} | {_ratio(t['fixit'], t['cold'])} | {_fmt_s(t['ripgrep'])} "
            f"| {_fmt_s(t['jobs1'])} | {_fmt_s(t['jobs2'])} | {_fmt_s(t['warm'])} | {_fmt_s(t['touched'])} "
            f"| {_fmt_s(t['ci_restored'])} | {_fmt_s(t['onefile'])} | {mem} | {found} |"
        )
    return lines


def one_file_table(data: dict[str, Any]) -> list[str]:
    lines = ["| Run | Wall (s) | Median wall (s) | Runs | CPU (s) | Peak RSS (MB) |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in _rows(data, "one-file"):
        failed = row.get("failed")
        shown = "failed" if failed else _fmt_s(row["min"])
        median = "—" if failed else _fmt_s(row["median"])
        mem = "—" if failed else f"{row['peak_tree_rss_mb']:.0f}"
        lines.append(f"| {row['label']} | {shown} | {median} | {len(row['walls'])} | {_fmt_s(cpu_seconds(row))} | {mem} |")
    return lines


def targets_table(data: dict[str, Any]) -> list[str]:
    lines = ["| Target | Measured | Met |", "| --- | --- | :---: |"]
    for t in data["targets"]:
        met = "—" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append(f"| {t['target']} | {t['measured']} | {met} |")
    return lines


def markdown(data: dict[str, Any]) -> str:
    m = data["machine"]
    s = data["settings"]
    out = [
        f"Run of {data['generated']} ({data['mode']} mode), on {m['logical_cores']} cores ({m['cpu_model']}), "
        f"{m['memory_gb']} GB, Python {m['python']}; load average {data['load_before']} before, "
        f"{data['load_after']} after; {data.get('duration_s', 0) / 60:.0f} minutes in all. Times are the fastest of "
        f"{s['reps']} runs (Fixit: {s['fixit_reps']}"
        + (f"; productops-lint's runs under a second and `python -c pass`: {s['short_reps']}" if s.get("short_reps") else "")
        + (f"; on the real projects {s['real_reps']}, and {s['real_short_reps']} for the rows under a second"
           if s.get("projects") else "")
        + "); "
        "the ratio columns are each run's time over productops-lint's cold time (above 1× is slower). "
        "CPU is user + system time of the tool and all its processes, which other load on the machine "
        "disturbs less than wall time.",
        "",
        "Versions: " + ", ".join(f"{k} `{v}`" for k, v in m["versions"].items()) + ".",
        "",
        "### Targets",
        "",
        *targets_table(data),
    ]
    reals = [name for name, corpus in data["corpora"].items() if corpus.get("real")]
    for name, corpus in data["corpora"].items():
        if corpus.get("real"):
            continue
        out += ["", f"### `{name}`: {corpus['description']}", "",
                f"{corpus['files']:,} Python files, {corpus['lines']:,} lines."]
        if corpus.get("calls") is not None:
            found = corpus.get("calls_found")
            out[-1] += (f" Planted: {corpus['calls']} tracking calls (productops-lint `calls` lists "
                        f"{'?' if found is None else found}), {corpus['off_plan_calls']} with an off-plan event name, "
                        f"of which {corpus['peer_expected_findings']} are literals at `analytics.track` / "
                        "`track_event` that the peer rules can see.")
        out += ["", *corpus_table(data, name)]
    if reals:
        out += ["", "### Real projects", "",
                "Cold runs next to the libcst floor (the same files parsed by `libcst.parse_module` alone, on "
                "all cores, whole process) and the peers; ratios above 1× mean the second is slower. "
                "Fixit is estimated from a subset, as on the other corpora. Each project's rows follow.", "",
                *real_table(data)]
    for name in reals:
        corpus = data["corpora"][name]
        out += ["", f"#### `{name}`: {corpus['description']}", "",
                f"{corpus['files']:,} Python files, {corpus['lines']:,} lines; a cold run parses "
                f"{corpus.get('parsed_files', '?')} of them.", "", *corpus_table(data, name)]
    if _rows(data, "one-file"):
        file = next((r["extra"].get("file") for r in _rows(data, "one-file") if r["key"] == "one.warm"), "?")
        out += ["", f"### One small file, as pre-commit passes it (`{file}`)", "", *one_file_table(data)]
    return "\n".join(out) + "\n"


def write_readme(data: dict[str, Any], readme: Path = README) -> None:
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme} lacks the {BEGIN} / {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{markdown(data)}{END}{tail}")
