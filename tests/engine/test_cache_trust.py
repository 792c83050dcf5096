"""The cache is data that cannot run code, and a cache folder the tool did not create is not read."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from productops_lint.run import lint, open_workspace

PLAN = """
events:
  - name: Order Completed
    description: An order was paid.
"""

ENTRY_FILES = ("manifest.json", "manifest.pickle")


class _Planted:
    """Unpickling this writes a file: what a repository could commit in place of a cache entry."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.target, "ran"))  # type: ignore[return-value]


def _project(root: Path, modules: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\n')
    (root / "rules").mkdir()
    (root / "rules" / "plan.yaml").write_text(PLAN)
    pkg = root / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "events.py").write_text("ORDER = 'Order Completed'\n")
    (pkg / "tracking.py").write_text(
        "from segment import analytics\n\ndef track_event(user, name, props=None):\n"
        "    analytics.track(user, name, props)\n"
    )
    for i in range(modules):
        (pkg / f"view_{i}.py").write_text(
            "from app.tracking import track_event\nfrom app.events import ORDER\n\n"
            f"def view_{i}(user):\n    track_event(user, ORDER)\n    track_event(user, 'Cart Viewd{i % 3}', {{'n': {i}, 'b': b'x', 'c': 1j}})\n"
        )
    return root


def _findings(root: Path, **kwargs: object) -> list[tuple[object, ...]]:
    ws = open_workspace(start=root)
    result = lint(ws, **kwargs)  # type: ignore[arg-type]
    return [(d.path, d.span, d.code, d.message) for d in result.diagnostics]


def _crafted(target: Path) -> bytes:
    return pickle.dumps(_Planted(target))


def _entries(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_file() and p.parent != cache or p.name in ENTRY_FILES]


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from productops_lint.cli import main; main()", "check", "--format", "json", *args]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=300, check=False)


def test_a_pickle_in_place_of_every_entry_never_runs(tmp_path: Path):
    root = _project(tmp_path / "p", modules=4)
    expected = _findings(root, use_cache=False)
    assert _findings(root) == expected  # fills the cache, in a folder this run created
    cache = root / ".productops_cache"
    planted = tmp_path / "planted"
    entries = _entries(cache)
    assert entries
    for entry in entries:
        entry.write_bytes(_crafted(planted))
    # Where the pickle-based cache kept its entries and manifest, too.
    for entry in entries:
        if entry.suffix == ".json":
            entry.with_suffix("").write_bytes(_crafted(planted))
    (cache / "manifest.pickle").write_bytes(_crafted(planted))
    assert _findings(root) == expected
    assert _findings(root, paths=[str(root / "app" / "view_1.py")]) == [f for f in expected if f[0] == "app/view_1.py"]
    assert not planted.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[" * 200_000,
        b'{"format": 1, "kind": "ModuleSummary", "schema": "x", "value": []}',
        b"null",
        b"\xff\xfe",
    ],
)
def test_a_damaged_entry_is_computed_again(tmp_path: Path, body: bytes):
    root = _project(tmp_path, modules=4)
    expected = _findings(root)
    for entry in _entries(root / ".productops_cache"):
        entry.write_bytes(body)
    assert _findings(root) == expected
    assert _findings(root, paths=[str(root / "app" / "view_2.py")]) == [f for f in expected if f[0] == "app/view_2.py"]


def test_an_entry_of_the_right_kind_with_wrong_values_is_computed_again(tmp_path: Path):
    root = _project(tmp_path, modules=4)
    expected = _findings(root)
    for entry in _entries(root / ".productops_cache"):
        if entry.suffix != ".json" or entry.name in ENTRY_FILES:
            continue
        data = json.loads(entry.read_bytes())
        data["value"] = _scrambled(data["value"])
        entry.write_text(json.dumps(data))
    assert _findings(root) == expected


def _scrambled(value: object) -> object:
    """The same shape with each string made a number and each number a string."""
    if isinstance(value, list):
        return [_scrambled(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrambled(v) for k, v in value.items()}
    if isinstance(value, str):
        return 7
    if isinstance(value, bool) or value is None:
        return value
    return "seven"


def _git(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True, env=env)


def test_a_committed_cache_folder_is_ignored_with_one_warning(tmp_path: Path):
    first = _project(tmp_path / "first", modules=4)
    expected = _cli(first)
    assert expected.returncode == 1 and expected.stderr == ""
    # The second project arrives with the first one's cache committed in it: the entries are
    # genuine, and planted pickles sit beside them.
    second = _project(tmp_path / "second", modules=4)
    shutil.copytree(first / ".productops_cache", second / ".productops_cache")
    planted = tmp_path / "planted"
    (second / ".productops_cache" / "manifest.pickle").write_bytes(_crafted(planted))
    _git(second, "init", "-q")
    _git(second, "add", "-A")
    _git(second, "add", "-f", ".productops_cache")
    _git(second, "commit", "-q", "-m", "with a cache")
    before = sorted((p.relative_to(second), p.read_bytes()) for p in (second / ".productops_cache").rglob("*") if p.is_file())
    run = _cli(second)
    assert run.returncode == 1
    assert json.loads(run.stdout)["diagnostics"] == json.loads(expected.stdout)["diagnostics"]
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "holds files committed to git" in lines[0], run.stderr
    after = sorted((p.relative_to(second), p.read_bytes()) for p in (second / ".productops_cache").rglob("*") if p.is_file())
    assert after == before  # nothing read from it or written to it
    assert not planted.exists()


def test_a_restored_cache_folder_is_adopted(tmp_path: Path):
    """What a CI job does: the folder of an earlier run restored into a fresh clone, never committed."""
    first = _project(tmp_path / "first", modules=4)
    expected = _findings(first)
    second = _project(tmp_path / "second", modules=4)
    _git(second, "init", "-q")
    _git(second, "add", "-A")
    _git(second, "commit", "-q", "-m", "code")
    shutil.copytree(first / ".productops_cache", second / ".productops_cache")
    ws = open_workspace(start=second)
    result = lint(ws)
    assert [(d.path, d.span, d.code, d.message) for d in result.diagnostics] == expected
    assert result.files_parsed == 0  # every summary (and the result) came from the restored folder
    assert _cli(second).stderr == ""


def test_a_cache_dir_pointing_at_a_foreign_folder_is_not_written(tmp_path: Path):
    root = _project(tmp_path / "p", modules=4)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone else's\n")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'cache-dir = "{foreign.as_posix()}"\n')
    run = _cli(root)
    assert run.returncode == 1 and "running without a cache" in run.stderr
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_a_folder_the_tool_created_is_trusted_and_tagged(tmp_path: Path):
    root = _project(tmp_path, modules=4)
    assert _cli(root).stderr == ""
    cache = root / ".productops_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    second = _cli(root)
    assert second.stderr == ""
    assert not any(p.suffix == ".pickle" for p in cache.rglob("*"))
