"""The benchmark's real projects: pins in the recall benchmark's format, `--projects`, `debug --parsed` and the libcst floor."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from harness import projects  # noqa: E402  (bench/ on the path above)

TOOL = Path(sys.executable).with_name("productops-lint")


def test_the_bench_projects_are_pinned_as_the_recall_projects_are() -> None:
    metas = projects.metas()
    own = {slug: meta for slug, (meta, recall) in metas.items() if not recall}
    assert {"mlflow", "dagster"} <= own.keys()
    recall_keys = {frozenset(meta) for meta, recall in metas.values() if recall}
    for slug, meta in own.items():
        # The same fields validation/run.py's fetch reads, a real sha256, a pinned version.
        assert {"name", "version", "file", "sha256", "kind", "pip_args"} <= meta.keys(), slug
        assert re.fullmatch(r"[0-9a-f]{64}", meta["sha256"]), slug
        assert meta["version"] in meta["file"] and meta["kind"] in ("wheel", "sdist"), slug
        assert any(keys >= meta.keys() - {"tracking"} for keys in recall_keys), slug
    assert set(projects.DEFAULT) <= metas.keys()


def test_projects_option_selects_by_slug_all_or_none() -> None:
    assert projects.select(None, quick=False) == list(projects.DEFAULT)
    assert projects.select(None, quick=True) == []
    assert projects.select("none", quick=False) == []
    assert projects.select("all", quick=False) == sorted(projects.metas())
    assert projects.select("prefect, zenml", quick=True) == ["prefect", "zenml"]
    with pytest.raises(SystemExit, match="unknown nosuch"):
        projects.select("prefect,nosuch", quick=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", root, ignore=shutil.ignore_patterns(".productops_cache"))
    (root / "notes.py").write_text("import os\n\nprint(os.getcwd())\n")  # tracks nothing: never parsed
    return root


def test_debug_parsed_lists_the_files_a_cold_run_summarizes(shop: Path) -> None:
    done = subprocess.run([str(TOOL), "debug", "--parsed"], cwd=shop, capture_output=True, text=True, check=True)
    parsed = done.stdout.split()
    calls = subprocess.run([str(TOOL), "calls", "--format", "json", "--no-cache"], cwd=shop, capture_output=True, text=True)
    with_calls = {c["path"] for c in json.loads(calls.stdout)}
    assert with_calls and with_calls <= set(parsed)
    assert "notes.py" not in parsed
    assert parsed == sorted(parsed) and all((shop / p).is_file() for p in parsed)
    # It runs without the summary cache, so a second listing (cache or not) is the same.
    again = subprocess.run([str(TOOL), "debug", "--parsed"], cwd=shop, capture_output=True, text=True, check=True)
    assert again.stdout.split() == parsed


def test_the_floor_parses_every_listed_file_and_counts_what_libcst_rejects(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("def f(:\n")
    (tmp_path / "c.py").write_bytes("# -*- coding: latin-1 -*-\ns = '\xe9'\n".encode("latin-1"))
    listing = tmp_path / "list.txt"
    listing.write_text("a.py\nb.py\nc.py\n")
    done = subprocess.run([sys.executable, str(BENCH / "harness" / "floor.py"), str(listing)], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2 of 3 files parsed"
    listing.write_text("")
    done = subprocess.run([sys.executable, str(BENCH / "harness" / "floor.py"), str(listing)], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0 of 0 files parsed"
