"""Where the per-module summary pass spends its CPU, phase by phase, on the generated tree's tracking modules.

    bench/.work/venv/bin/python bench/profile_summary.py                  # after `make bench` made the tree
    bench/.work/venv/bin/python bench/profile_summary.py path/to/corpus   # another generated tree

The modules are the manifest's tracking files plus the `app/tracking` package: what the
pre-filter selects on that tree. Each phase runs twice over all of them; the faster CPU time is
printed. The phases overlap: "scopes" includes the expression contexts it needs, and "summarize"
is the whole pass (parse, both metadata walks, tables, positions and the summary's own walk).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

import libcst as cst

# The working tree's code, not the copy the last benchmark run installed into the venv.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from productops_lint.detect.modules import module_name
from productops_lint.detect.positions import Positions
from productops_lint.detect.scopes import expression_contexts, scopes
from productops_lint.detect.summarize import summarize
from productops_lint.detect.tables import LocalTables


def _best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent / ".work" / "corpus" / "gen-10000"
    manifest = root / "manifest.json"
    if not manifest.is_file():
        print(f"{manifest}: not found; `make bench` generates the tree", file=sys.stderr)
        return 2
    paths = sorted(set(json.loads(manifest.read_text())["tracking_files"]) | {
        p.relative_to(root).as_posix() for p in (root / "app" / "tracking").glob("*.py")
    })
    items = [(p, module_name(p), (root / p).read_text(encoding="utf-8")) for p in paths]
    trees = [cst.parse_module(text) for _, _, text in items]
    size = sum(len(text.encode()) for _, _, text in items)
    print(f"{len(items)} modules, {size / 1024:.0f} KB; CPU seconds, best of 2")
    phases: list[tuple[str, Callable[[], object]]] = [
        ("parse", lambda: [cst.parse_module(text) for _, _, text in items]),
        ("expression contexts", lambda: [expression_contexts(t) for t in trees]),
        ("scopes", lambda: [scopes(t) for t in trees]),
        ("tables", lambda: [LocalTables.of(t) for t in trees]),
        ("positions", lambda: [Positions(t, text) for t, (_, _, text) in zip(trees, items)]),
        ("empty libcst visit", lambda: [t.visit(cst.CSTVisitor()) for t in trees]),
        ("summarize", lambda: [summarize(*item) for item in items]),
    ]
    for name, work in phases:
        print(f"  {name:20s} {_best(2, work):6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
