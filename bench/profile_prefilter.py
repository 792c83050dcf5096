"""What the pre-filter's two stages cost on one tree, next to reading its bytes, with the gate a cold run ends at.

    .venv/bin/python bench/profile_prefilter.py validation/.work/trees/prefect
    .venv/bin/python bench/profile_prefilter.py TREE --against /tmp/old/productops_lint/prefilter.py

One run over the tree (no cache) finds the pre-filter's fixpoint; then, best of 5 each, CPU
seconds for reading every listed file, stage 1 (`Words.find`) over all of them and stage 2
(`ImportGate.admits`) over the files stage 1 passes, as each round of a cold run does.
`--against` also times another checkout's prefilter.py (`git worktree add /tmp/old HEAD`) on
the same files with the same gate, so only the pre-filter's code differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Callable

from productops_lint.detect.modules import module_name
from productops_lint.prefilter import Words
from productops_lint.project import Project
from productops_lint.run import open_workspace

try:
    from productops_lint.sources import decode_source
except ImportError:  # a checkout from before it moved out of engine.py
    from productops_lint.engine import decode_source  # type: ignore[attr-defined,no-redef]


def _best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--against", type=Path, help="another prefilter.py to time on the same gate")
    args = parser.parse_args(argv)
    root = args.tree.resolve()
    ws = open_workspace(start=root, require_plan=False, missing_registry_ok=True)
    provider = ws.provider(use_cache=False)
    project = Project(provider, ws.config, ws.plan)
    project.tracking_calls(None)
    names, gate = project._gate()  # the fixpoint the run ended at
    paths = [p for p in provider.paths() if p.endswith(".py")]
    data = {p: provider.read(p) or b"" for p in paths}
    words = Words(names)
    passed = [p for p in paths if words.find(data[p])]
    texts = [(decode_source(data[p]), module_name(p, ws.config.src), p.endswith("__init__.py")) for p in passed]
    size = sum(len(d) for d in data.values())
    read = _best(5, lambda: [(root / p).read_bytes() for p in paths])
    stage1 = _best(5, lambda: [words.find(d) for d in data.values()])
    stage2 = _best(5, lambda: [gate.admits(*t) for t in texts])
    admitted = sum(gate.admits(*t) for t in texts)
    print(f"{root.name}: {len(paths)} files, {size / 2**20:.1f} MB; {len(words.names)} words, {len(gate.exports)} exports")
    print(f"  read bytes           {read:6.3f} s")
    print(f"  stage 1 Words.find   {stage1:6.3f} s  ({len(passed)} files pass)")
    print(f"  stage 2 admits       {stage2:6.3f} s  ({admitted} files pass)")
    if args.against:
        spec = importlib.util.spec_from_file_location("other_prefilter", args.against)
        assert spec is not None and spec.loader is not None
        other = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(other)
        old_gate = other.ImportGate(gate.sdk_roots, gate.exports)
        old_words = other.Words(names)
        old1 = _best(5, lambda: [old_words.find(d) for d in data.values()])
        old2 = _best(5, lambda: [old_gate.admits(*t) for t in texts])
        same = [old_gate.admits(*t) for t in texts] == [gate.admits(*t) for t in texts]
        print(f"  {args.against}: stage 1 {old1:6.3f} s, stage 2 {old2:6.3f} s "
              f"({'same answers' if same else 'DIFFERENT answers'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
