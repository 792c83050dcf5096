"""The corpora: real packages from PyPI (unpacked wheels) and the generated app tree.

Each corpus root gets the files a product would have: ``pyproject.toml`` with
``[tool.productops]`` (and ``[tool.fixit] root = true`` so Fixit's config search stops there),
``rules/plan.yaml``, and an empty ``.semgrepignore`` so semgrep scans the same files as the
other tools instead of its default skip list (``tests/``, ``test/`` ...). Each is then a git
repository of its own with everything committed, as a project that pre-commit runs in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import gen_corpus

from .env import BIN, WORK

CORPUS_DIR = WORK / "corpus"
DOWNLOADS = WORK / "downloads"
# Pinned so every run reads the same source. Both are large, pure-Python in their .py files.
FULL_PACKAGES = ("django==5.2.19", "sqlalchemy==2.0.58")
QUICK_PACKAGES = ("sqlalchemy==2.0.58",)

FIXIT_TABLE = "\n[tool.fixit]\n# Stop Fixit's upward config search at the corpus root.\nroot = true\n"
SEMGREPIGNORE = "# Empty on purpose: scan every file, as the other tools do.\n"
# In every corpus stamp: a corpus made before a change of this layout is made again.
LAYOUT = "git-repository"


@dataclass(frozen=True)
class Corpus:
    """A folder to run every tool in, with what we know about it."""

    name: str
    root: Path
    files: int
    lines: int
    description: str
    # Planted tracking calls and the off-plan names the peer rules should flag (generated tree only).
    calls: int | None = None
    off_plan_calls: int | None = None
    peer_expected_findings: int | None = None
    tracking_files: tuple[str, ...] = ()

    def python_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.py") if ".productops_cache" not in p.parts)


def _count(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        lines += path.read_bytes().count(b"\n")
    return files, lines


def _stamp_ok(root: Path, value: str) -> bool:
    stamp = root / ".bench-stamp"
    return stamp.exists() and stamp.read_text() == value


def _product_files(root: Path, plan_yaml: str, pyproject: str) -> None:
    (root / "rules").mkdir(parents=True, exist_ok=True)
    (root / "rules/plan.yaml").write_text(plan_yaml)
    (root / "pyproject.toml").write_text(pyproject + FIXIT_TABLE)
    (root / ".semgrepignore").write_text(SEMGREPIGNORE)


def _as_repository(root: Path) -> None:
    """Make the corpus a git repository of its own, everything committed, as a project pre-commit runs in.

    productops-lint then lists its files with `git ls-files`, as it does in every such project
    (a corpus is not part of this repository's, whose .gitignore covers bench/.work).
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    shutil.rmtree(root / ".git", ignore_errors=True)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(git + args, cwd=root, check=True, env=environment)


def _download(spec: str) -> Path:
    """Fetch one pinned wheel with pip (cached under bench/.work/downloads)."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    name = spec.split("==")[0].lower()
    version = spec.split("==")[1]
    for wheel in DOWNLOADS.glob("*.whl"):
        if wheel.name.lower().startswith(f"{name}-{version}-"):
            return wheel
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--only-binary=:all:", "-d", str(DOWNLOADS), spec],
        check=True,
    )
    return next(w for w in DOWNLOADS.glob("*.whl") if w.name.lower().startswith(f"{name}-{version}-"))


def real_corpus(quick: bool) -> Corpus:
    """Unpacked Python sources of big PyPI packages: realistic code in which nothing tracks."""
    packages = QUICK_PACKAGES if quick else FULL_PACKAGES
    root = CORPUS_DIR / ("pypi-quick" if quick else "pypi")
    stamp = json.dumps([LAYOUT, packages])
    if not _stamp_ok(root, stamp):
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        for spec in packages:
            with zipfile.ZipFile(_download(spec)) as wheel:
                for member in wheel.namelist():
                    top = member.split("/", 1)[0]
                    if member.endswith(".py") and not top.endswith((".dist-info", ".data")):
                        wheel.extract(member, root)
        pyproject = '[project]\nname = "pypi-corpus"\nversion = "0"\n\n[tool.productops]\nregistry = ["rules"]\n'
        _product_files(root, gen_corpus._plan_yaml(), pyproject)
        _as_repository(root)
        (root / ".bench-stamp").write_text(stamp)
    files, lines = _count(root)
    names = " + ".join(p.replace("==", " ") for p in packages)
    return Corpus("pypi", root, files, lines, f"{names} (unpacked wheels; nothing tracks)")


def generated_corpus(modules: int, density: float, seed: int) -> Corpus:
    """The generated app tree (bench/gen_corpus.py), regenerated when its parameters or code change."""
    root = CORPUS_DIR / f"gen-{modules}"
    source = Path(gen_corpus.__file__).read_bytes()
    stamp = f"{LAYOUT}:{modules}:{density}:{seed}:{hashlib.sha256(source).hexdigest()}"
    if not _stamp_ok(root, stamp):
        gen_corpus.generate(root, modules, density, seed)
        _product_files(root, gen_corpus._plan_yaml(), gen_corpus.PYPROJECT)
        _as_repository(root)
        (root / ".bench-stamp").write_text(stamp)
    manifest = json.loads((root / "manifest.json").read_text())
    return Corpus(
        name="gen",
        root=root,
        files=manifest["python_files"],
        lines=manifest["lines"],
        description=(
            f"generated app, {modules:,} modules, {density:.0%} of them track "
            f"(seed {seed}; {sum(manifest['calls'].values())} planted calls)"
        ),
        calls=sum(manifest["calls"].values()),
        off_plan_calls=sum(manifest["off_plan_calls"].values()),
        peer_expected_findings=manifest["peer_expected_findings"],
        tracking_files=tuple(manifest["tracking_files"]),
    )


def fixit_subset(corpus: Corpus, max_lines: int) -> tuple[list[str], int]:
    """Every k-th file (sorted by path) so the subset holds about ``max_lines`` lines.

    Fixit needs minutes for what the others do in seconds; a spread-out fixed subset keeps the
    run short and is scaled to the whole corpus by line count (see README).
    """
    files = corpus.python_files()
    step = max(1, round(corpus.lines / max_lines)) if max_lines else 1
    chosen = files[::step]
    lines = sum(p.read_bytes().count(b"\n") for p in chosen)
    return [p.relative_to(corpus.root).as_posix() for p in chosen], lines


def touch_target(corpus: Corpus) -> Path:
    """The file the "one file changed" measurement edits: a tracking module, or the middle file."""
    if corpus.tracking_files:
        return corpus.root / corpus.tracking_files[len(corpus.tracking_files) // 2]
    files = [p for p in corpus.python_files() if p.stat().st_size > 2000]
    return files[len(files) // 2]


def small_file(corpus: Corpus) -> Path:
    """A small tracking module, as pre-commit would pass one changed file."""
    candidates = [corpus.root / f for f in corpus.tracking_files] or corpus.python_files()
    return min(candidates, key=lambda p: (p.stat().st_size, p.as_posix()))


def quiet_file(corpus: Corpus) -> Path:
    """A small module that tracks nothing and names no SDK: what most commits change."""
    tracking = set(corpus.tracking_files)
    needles = (b"analytics", b"posthog", b"mixpanel", b"amplitude", b"snowplow", b"rudder", b"track", b"capture")
    candidates = [
        p for p in corpus.python_files()
        if p.name != "__init__.py" and p.relative_to(corpus.root).as_posix() not in tracking
        and not any(n in p.read_bytes() for n in needles)
    ]
    return min(candidates, key=lambda p: (p.stat().st_size, p.as_posix()))
