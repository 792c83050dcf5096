"""The recall benchmark: pinned real projects, their hand-written ground truth, and the score of `calls` on each.

    python validation/run.py                 # every project, default config and declared wrappers
    python validation/run.py prefect dbt-core
    python validation/run.py --misses        # also list each missed row and each unmatched call

Each project in `projects/*.toml` is downloaded by name, version and sha256 from the package
registry, unpacked into `.work/trees/<slug>` (ignored by git) as its own git repository, and run
with `productops-lint calls --format json --no-cache`. The ground truth in `truth/<slug>.csv` was
written by reading the code before any output of the tool was looked at (README.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TOOL = Path(sys.executable).with_name("productops-lint")


@dataclass(frozen=True)
class Row:
    path: str
    line: int
    event: str
    kind: str  # static, dynamic, unresolved
    role: str  # site, sink
    needs: str  # default, declared
    note: str


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    reported: int = 0
    correct: int = 0  # reported calls that are truth rows
    static: int = 0  # found static rows
    named: int = 0  # ... whose reported event is the truth's
    misses: list[Row] = field(default_factory=list)
    wrong_names: list[tuple[Row, str | None]] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("expected", "found", "reported", "correct", "static", "named"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "  -  "


def load_truth(slug: str) -> list[Row]:
    with open(HERE / "truth" / f"{slug}.csv", newline="", encoding="utf-8") as f:
        return [
            Row(r["path"], int(r["line"]), r["event"], r["kind"], r["role"], r["needs"], r["note"])
            for r in csv.DictReader(f)
        ]


def fetch(slug: str, meta: dict, work: Path = WORK) -> Path:
    """The project's tree, downloaded, checked against its sha256 and unpacked once (under ``work``)."""
    tree = work / "trees" / slug
    stamp = tree / ".validation-sha256"
    if stamp.exists() and stamp.read_text() == meta["sha256"]:
        return tree
    dl = work / "dl"
    dl.mkdir(parents=True, exist_ok=True)
    archive = dl / meta["file"]
    if not archive.exists():
        binary = ["--only-binary=:all:"] if meta["kind"] == "wheel" else ["--no-binary=:all:"]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *binary, *meta.get("pip_args", []),
             f"{meta['name']}=={meta['version']}", "-d", str(dl)],
            check=True,
        )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != meta["sha256"]:
        raise SystemExit(f"{archive}: sha256 is {digest}, expected {meta['sha256']}")
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(tree)
    else:
        with tarfile.open(archive) as t:
            t.extractall(tree, filter="data")
    if meta["kind"] == "sdist":
        (top,) = list(tree.iterdir())
        for item in top.iterdir():
            item.rename(tree / item.name)
        top.rmdir()
    # A git repository, as the projects people lint are: discovery lists files as git does.
    git = ["git", "-C", str(tree), "-c", "user.name=validation", "-c", "user.email=validation@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A", "-f"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "unpacked"], check=True)
    stamp.write_text(meta["sha256"])
    return tree


def run_calls(tree: Path, wrappers: list[dict] | None) -> list[dict]:
    """`calls --format json` on the tree: its own config, or one declaring ``wrappers``."""
    args = [str(TOOL), "calls", ".", "--format", "json", "--no-cache"]
    if wrappers:
        config = WORK / "configs" / f"{tree.name}.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        lines = ["[tool.productops]", "registry = []"]
        for w in wrappers:
            lines += ["[[tool.productops.wrappers]]", *(f"{k} = {json.dumps(v)}" for k, v in w.items())]
        # The config's folder is the project root: keep it in the tree, outside git's listing.
        local = tree / ".validation-config.toml"
        local.write_text("\n".join(lines) + "\n")
        args[1:1] = ["--config", str(local)]
    done = subprocess.run(args, cwd=tree, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree.name}: calls exited {done.returncode}\n{done.stderr}")
    return json.loads(done.stdout or "[]")


def score(truth: list[Row], calls: list[dict], declared: bool) -> Score:
    s = Score()
    expected = [r for r in truth if declared or r.needs == "default"]
    by_place = {(r.path, r.line): r for r in truth}
    matched: set[tuple[str, int]] = set()
    s.reported = len(calls)
    for call in calls:
        row = by_place.get((call["path"], call["line"]))
        if row is None or (row.path, row.line) in matched:
            s.unmatched.append(call)
            continue
        matched.add((row.path, row.line))
        s.correct += 1
        if row.kind == "static":
            s.static += 1
            s.named += call.get("event") == row.event
            if call.get("event") != row.event:
                s.wrong_names.append((row, call.get("event")))
    s.expected = len(expected)
    s.found = sum((r.path, r.line) in matched for r in expected)
    s.misses = [r for r in expected if (r.path, r.line) not in matched]
    return s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", help="slugs (default: all)")
    parser.add_argument("--misses", action="store_true", help="list missed rows, wrong names and unmatched calls")
    args = parser.parse_args(argv)
    slugs = args.projects or sorted(p.stem for p in (HERE / "projects").glob("*.toml"))
    totals = {"default": Score(), "declared": Score()}
    print(f"{'project':<22} {'run':<9} {'truth':>5} {'found':>5} {'calls':>5} {'recall':>6} {'precision':>9} {'name right':>10}")
    for slug in slugs:
        meta = tomllib.loads((HERE / "projects" / f"{slug}.toml").read_text())
        truth = load_truth(slug)
        tree = fetch(slug, meta)
        runs = [("default", None)] + ([("declared", meta["wrappers"])] if meta.get("wrappers") else [])
        for run, wrappers in runs:
            s = score(truth, run_calls(tree, wrappers), declared=run == "declared")
            totals[run].add(s)
            if run == "default" and not wrappers:
                totals["declared"].add(s)  # nothing to declare: the same run counts for both
            print(
                f"{slug:<22} {run:<9} {s.expected:>5} {s.found:>5} {s.reported:>5} "
                f"{Score.ratio(s.found, s.expected):>6} {Score.ratio(s.correct, s.reported):>9} "
                f"{Score.ratio(s.named, s.static):>10}"
            )
            if args.misses:
                for r in s.misses:
                    print(f"    missed     {r.path}:{r.line}  {r.event or '(' + r.kind + ')'}  [{r.role}] {r.note[:110]}")
                for r, got in s.wrong_names:
                    print(f"    wrong name {r.path}:{r.line}  {got!r} != {r.event!r}")
                for c in s.unmatched:
                    print(f"    unmatched  {c['path']}:{c['line']}  {c.get('event')!r} via {c.get('via')}")
    for run, s in totals.items():
        print(
            f"{'all':<22} {run:<9} {s.expected:>5} {s.found:>5} {s.reported:>5} "
            f"{Score.ratio(s.found, s.expected):>6} {Score.ratio(s.correct, s.reported):>9} {Score.ratio(s.named, s.static):>10}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
