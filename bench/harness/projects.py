"""The real projects: the recall benchmark's pinned trees plus bench/projects/*.toml, fetched by validation/run.py.

Each project is downloaded by name, version and sha256 and unpacked as a git repository by the
recall benchmark's own ``fetch`` (the recall projects into validation/.work/trees, where
`make validate` keeps them; the bench's own into bench/.work). The benchmark then measures a
copy under bench/.work/corpus/real/<slug>, so its edits and caches never touch the recall trees,
with the product files every corpus gets, committed.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .corpus import CORPUS_DIR, FIXIT_TABLE, SEMGREPIGNORE, Corpus, _count, _stamp_ok
from .env import BENCH, REPO, WORK

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

RECALL = REPO / "validation" / "projects"
OWN = BENCH / "projects"
REAL_DIR = CORPUS_DIR / "real"
# The plan lives outside `rules/`, which some projects have for their own purposes.
PLAN_DIR = ".bench-plan"
# Run when --projects is not given: the six largest trees by Python files (bench/README.md).
DEFAULT = ("zenml", "mlflow", "prefect", "dagster", "great-expectations", "meltano")
LAYOUT = "real-copy-2"


def _validation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validation_run", REPO / "validation" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def metas() -> dict[str, tuple[dict[str, Any], bool]]:
    """Every project by slug: its pinned metadata, and whether it is one of the recall benchmark's."""
    out: dict[str, tuple[dict[str, Any], bool]] = {}
    for folder, recall in ((RECALL, True), (OWN, False)):
        for path in sorted(folder.glob("*.toml")):
            out[path.stem] = (tomllib.loads(path.read_text()), recall)
    return out


def select(spec: str | None, quick: bool) -> list[str]:
    """The slugs ``--projects`` names (`all`, or a comma-separated list); the default set otherwise."""
    known = metas()
    if spec in (None, ""):
        return [] if quick else list(DEFAULT)
    if spec == "all":
        return sorted(known)
    if spec == "none":
        return []
    slugs = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise SystemExit(f"--projects: unknown {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return slugs


def _tracking_files(slug: str, root: Path) -> tuple[str, ...]:
    """The files the recall benchmark's ground truth names (the touch target is one of them)."""
    truth = REPO / "validation" / "truth" / f"{slug}.csv"
    if not truth.exists():
        return ()
    import csv

    with open(truth, newline="", encoding="utf-8") as f:
        paths = {row["path"] for row in csv.DictReader(f)}
    return tuple(sorted(p for p in paths if (root / p).is_file()))


def _product_files(root: Path) -> None:
    import gen_corpus

    plan = root / PLAN_DIR
    plan.mkdir(exist_ok=True)
    (plan / "plan.yaml").write_text(gen_corpus._plan_yaml())
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text() if pyproject.exists() else ""
    if "[tool.productops]" not in text:
        text += f'\n[tool.productops]\nregistry = ["{PLAN_DIR}"]\n'
    if "[tool.fixit]" not in text:
        text += FIXIT_TABLE
    pyproject.write_text(text)
    (root / ".semgrepignore").write_text(SEMGREPIGNORE)


def project_corpus(slug: str) -> Corpus:
    """The measured copy of one project, made again when its pin or this layout changes."""
    meta, recall = metas()[slug]
    root = REAL_DIR / slug
    stamp = json.dumps([LAYOUT, meta["sha256"]])
    if not _stamp_ok(root, stamp):
        tree = _validation().fetch(slug, meta, *(() if recall else (WORK / "projects",)))
        shutil.rmtree(root, ignore_errors=True)
        root.parent.mkdir(parents=True, exist_ok=True)
        # Not the cache folder another run in the recall tree may have left (the recall runs use none).
        shutil.copytree(tree, root, symlinks=True, ignore=shutil.ignore_patterns(".productops_cache"))
        _product_files(root)
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
        subprocess.run(git + ["add", "-f", "pyproject.toml", ".semgrepignore", PLAN_DIR], cwd=root, check=True)
        subprocess.run(git + ["commit", "-q", "-m", "bench product files"], cwd=root, check=True)
        (root / ".bench-stamp").write_text(stamp)
    files, lines = _count(root)
    source = "recall benchmark" if recall else "bench/projects"
    what = meta.get("tracking", "?")
    return Corpus(slug, root, files, lines, f"{meta['name']} {meta['version']} ({meta['kind']}; {source}; tracking: {what})",
                  tracking_files=_tracking_files(slug, root))


def ci_clone(corpus: Corpus) -> Path:
    """A fresh clone of the project's copy, as a CI job checks it out (another path, no cache folder)."""
    clone = REAL_DIR / f"{corpus.name}-ci-clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(corpus.root), str(clone)], check=True)
    return clone
