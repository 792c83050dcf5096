"""The App's in-process analysis over a git tree finds exactly what the CLI finds on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import ROOT, commit, shop_repo

from github_app.localgit import LocalRepo
from github_app.pipeline import evaluate
from github_app.sources import BlobCache

KEYS = ("code", "severity", "path", "line", "column", "end_line", "end_column", "message", "note", "fingerprint")


def _src_layout(path: Path) -> None:
    """The shop moved under `src/`, with `src` no longer set: both front ends infer the root."""
    subprocess.run(["git", "-C", str(path), "mv", "shop", "src/shop"], check=False)
    if not (path / "src" / "shop").exists():
        (path / "src").mkdir()
        subprocess.run(["git", "-C", str(path), "mv", "shop", "src/shop"], check=True)
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('src = ["."]\n', ""))
    commit(path, {}, "src layout")


@pytest.mark.parametrize("layout", ["flat", "src"])
def test_app_diagnostics_equal_the_cli_on_the_same_files(tmp_path: Path, layout: str) -> None:
    path = shop_repo(tmp_path / "shop")
    if layout == "src":
        _src_layout(path)
    base = LocalRepo(path).rev_parse("HEAD")
    # Touch every Python file so the App lints the whole project, as the CLI does with no paths.
    touched = {p.relative_to(path).as_posix(): p.read_text() + "\n# touched\n" for p in path.rglob("*.py")}
    head = commit(path, touched, "touch", branch="feature")

    cli = subprocess.run(
        [sys.executable, "-m", "productops_lint", "check", "--format", "json", "--no-cache"],
        cwd=path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=300,
    )
    assert cli.returncode in (0, 1), cli.stderr
    expected = [{k: d[k] for k in KEYS} | {"fix": (d["fix"] or {}).get("title")} for d in json.loads(cli.stdout)["diagnostics"]]
    assert expected, "the example shop has findings"

    repo = LocalRepo(path)
    ev = evaluate(head, repo.changed_files(base, head), repo.tree(base), repo.tree(head), BlobCache(repo.blob))
    got = [
        {"code": d.code, "severity": d.severity.value, "path": d.path, "line": d.line, "column": d.column,
         "end_line": d.span.end_line, "end_column": d.span.end_col + 1, "message": d.message, "note": d.note,
         "fingerprint": fp, "fix": d.fix.title if d.fix else None}
        for d, fp in zip(ev.diagnostics, ev.fingerprints)
    ]
    assert got == expected
    if layout == "src":  # the constants and wrappers still resolve: the same findings as the flat shop
        assert len(got) == 9
