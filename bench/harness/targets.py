"""The product's performance targets, checked against one run's results."""

from __future__ import annotations

from typing import Any

from .report import _get, cpu_seconds, seconds

SCALE_FILES = 10_000


def _target(target: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met}


def _ratio_target(data: dict[str, Any], group: str, peer: str, label: str, minimum: float) -> dict[str, Any]:
    cold, other = seconds(_get(data, f"{group}.cold")), seconds(_get(data, f"{group}.{peer}"))
    text = f"cold ≥{minimum:g}× faster than {label} (`{group}`)"
    if not cold or not other:
        return _target(text, "not measured", None)
    ratio = other / cold
    cpu_cold, cpu_other = cpu_seconds(_get(data, f"{group}.cold")), cpu_seconds(_get(data, f"{group}.{peer}"))
    cpu = f"; CPU {cpu_other / cpu_cold:.1f}×" if cpu_cold and cpu_other else ""
    return _target(text, f"{ratio:.1f}× ({other:.2f} s vs {cold:.2f} s{cpu})", ratio >= minimum)


def _floor_target(data: dict[str, Any], group: str, cold: float | None) -> dict[str, Any]:
    floor = seconds(_get(data, f"{group}.floor"))
    text = f"cold within 1.5× of the libcst floor (`{group}`)"
    if not cold or not floor:
        return _target(text, "not measured", None)
    return _target(text, f"{cold / floor:.2f}× ({cold:.2f} s vs {floor:.2f} s)", cold / floor <= 1.5)


def _median(data: dict[str, Any], key: str) -> str:
    """What stands beside a fastest time judged against an absolute target: "; median 0.261 s of 9"."""
    row = _get(data, key)
    if row is None or row.get("failed") or len(row.get("walls", ())) < 2:
        return ""
    return f"; median {row['median']:.3f} s of {len(row['walls'])}"


def evaluate(data: dict[str, Any]) -> list[dict[str, Any]]:
    corpora = data["corpora"]
    gen_files = data["settings"]["modules"]
    at_scale = gen_files >= SCALE_FILES
    scale_note = "" if at_scale else f" (quick run: {gen_files:,} modules, not {SCALE_FILES:,})"
    out: list[dict[str, Any]] = []
    python = seconds(_get(data, "one.python"))
    for group, corpus in corpora.items():
        out.append(_ratio_target(data, group, "fixit", "Fixit", 20))
        out.append(_ratio_target(data, group, "semgrep", "semgrep", 5))
        cold = seconds(_get(data, f"{group}.cold"))
        if corpus.get("real"):
            out.append(_floor_target(data, group, cold))
            continue
        # The I/O floor: ripgrep's search, plus starting the interpreter (`python -c pass`).
        rg = seconds(_get(data, f"{group}.ripgrep"))
        text = f"cold within 3× of ripgrep plus interpreter start (`{group}`)"
        if cold and rg:
            floor = rg + (python or 0.0)
            out.append(_target(text, f"{cold / floor:.1f}× ({cold:.2f} s vs {rg:.3f} + {python or 0:.3f} s)",
                               cold / floor <= 3))
        else:
            out.append(_target(text, "not measured", None))
    for group in corpora:
        ci, local = seconds(_get(data, f"{group}.ci_restored")), seconds(_get(data, f"{group}.touched"))
        if ci and local:
            out.append(_target(f"CI run with a restored cache after a one-file change ≤ 2× the local run (`{group}`)",
                               f"{ci / local:.2f}× ({ci:.3f} s vs {local:.3f} s){_median(data, f'{group}.ci_restored')}",
                               ci / local <= 2))
    warm = seconds(_get(data, "gen.warm"))
    out.append(_target(f"warm re-run on {SCALE_FILES:,} files ≤ 0.3 s",
                       "not measured" if warm is None else f"{warm:.3f} s{_median(data, 'gen.warm')}{scale_note}",
                       None if warm is None or not at_scale else warm <= 0.3))
    one = seconds(_get(data, "one.warm"))
    out.append(_target("one small file ≤ 0.25 s wall (interpreter start included)",
                       "not measured" if one is None else f"{one:.3f} s{_median(data, 'one.warm')}",
                       None if one is None else one <= 0.25))
    quiet = seconds(_get(data, "one.quiet"))
    if quiet is not None:
        # Not the judged row (that is the tracking file above): what most commits see.
        out.append(_target("one small file that tracks nothing ≤ 0.25 s wall (same measure)",
                           f"{quiet:.3f} s{_median(data, 'one.quiet')}", quiet <= 0.25))
    cold_row = _get(data, "gen.cold")
    mem = None if cold_row is None or cold_row.get("failed") else cold_row["peak_tree_rss_mb"]
    out.append(_target(f"peak memory ≤ 300 MB at {SCALE_FILES:,} files (cold, whole process tree)",
                       "not measured" if mem is None else f"{mem:.0f} MB{scale_note}",
                       None if mem is None or not at_scale else mem <= 300))
    return out
