"""Listing a project that is not a git repository: the same files git would list, .gitignore files included."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from productops_lint.config import Config
from productops_lint.files import FileProvider

TREE = {
    "app.py": "",
    "shop/cart.py": "",
    "shop/generated/out.py": "",
    "shop/generated/keep.py": "",
    "shop/.gitignore": "generated/*\n!generated/keep.py\n*_tmp.py\n",
    "shop/scratch_tmp.py": "",
    "shop/deep/er/scratch_tmp.py": "",
    "shop/deep/er/real.py": "",
    ".gitignore": "/build/\nlogs\n",
    "build/lib.py": "",
    "src/build/lib.py": "",  # "/build/" is anchored to the root
    "logs/x.py": "",
    "src/logs/x.py": "",
    "src/pkg/__init__.py": "",
    "notes.txt": "",
    "node_modules/lib.py": "",  # a default exclude
    "src/.venv/lib.py": "",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _listed(root: Path, **options: object) -> list[str]:
    return FileProvider(root, Config(**options), None).paths()  # type: ignore[arg-type]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is the oracle here")
def test_the_walk_lists_what_git_lists(tree: Path):
    walked = _listed(tree)
    assert walked == ["app.py", "shop/cart.py", "shop/deep/er/real.py", "shop/generated/keep.py", "src/build/lib.py", "src/pkg/__init__.py"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True, env=env)
    assert _listed(tree) == walked  # now listed by git itself


def test_without_respect_gitignore_only_the_default_names_exclude(tree: Path):
    listed = _listed(tree, respect_gitignore=False)
    assert "shop/generated/out.py" in listed and "logs/x.py" in listed and "build/lib.py" in listed
    assert not any(part in _DEFAULTS for path in listed for part in path.split("/"))


def test_user_excludes_apply_to_folders_and_files(tree: Path):
    listed = _listed(tree, exclude=("src/", "cart.py"))
    assert listed == ["app.py", "shop/deep/er/real.py", "shop/generated/keep.py"]


_DEFAULTS = {"node_modules", ".venv"}


def _git(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=root, check=False, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_a_git_repository_deleted_files_go_and_conflicted_files_appear_once(tmp_path: Path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "keep.py").write_text("a = 1\n")
    (root / "gone.py").write_text("b = 1\n")
    (root / "both.py").write_text("c = 0\n")
    (root / "sparse.py").write_text("d = 0\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")
    _git(root, "checkout", "-qb", "other")
    (root / "both.py").write_text("c = 1\n")
    _git(root, "commit", "-qam", "two")
    _git(root, "checkout", "-q", "main")
    (root / "both.py").write_text("c = 2\n")
    _git(root, "commit", "-qam", "three")
    _git(root, "merge", "-q", "other")  # conflicts: both.py is listed at three stages
    (root / "gone.py").unlink()
    _git(root, "update-index", "--skip-worktree", "sparse.py")
    (root / "sparse.py").unlink()  # as a sparse checkout leaves it
    (root / "new.py").write_text("e = 0\n")
    (root / ".gitignore").write_text("ignored.py\n")
    (root / "ignored.py").write_text("f = 0\n")
    assert _listed(root) == ["both.py", "keep.py", "new.py"]
    (root / "sparse.py").write_text("d = 0\n")  # checked out after all
    assert _listed(root) == ["both.py", "keep.py", "new.py", "sparse.py"]


def _count_stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``os.stat`` is called with from now on."""
    stated: list[str] = []
    real = os.stat

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        stated.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting)
    return stated


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_a_git_repository_each_file_is_stated_once_for_listing_and_digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "repo"
    root.mkdir()
    old = time.time() - 3600  # so that the manifest vouches for them in the second run
    for n in range(20):
        (root / f"m{n}.py").write_text(f"x = {n}\n")
        os.utime(root / f"m{n}.py", (old, old))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")
    first = FileProvider(root, Config(), root / ".cache")
    expected = first.digests(first.paths())
    first.save()
    stated = _count_stats(monkeypatch)
    second = FileProvider(root, Config(), root / ".cache")
    assert second.digests(second.paths()) == expected
    python_files = [p for p in stated if p.endswith(".py")]
    assert sorted(python_files) == sorted(str(root / f"m{n}.py") for n in range(20))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_first_run_in_a_git_repository_stats_each_file_once_though_it_digests_them_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With no manifest yet, the pre-filter's search digests file by file: the listing's stat serves it."""
    root = tmp_path / "repo"
    root.mkdir()
    for n in range(20):
        (root / f"m{n}.py").write_text(f"x = {n}\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")
    stated = _count_stats(monkeypatch)
    provider = FileProvider(root, Config(), root / ".cache")
    one_by_one = {path: provider.digest(path) for path in provider.paths()}
    assert provider.digests(provider.paths()) == one_by_one
    assert all(one_by_one.values())
    python_files = [p for p in stated if p.endswith(".py")]
    assert sorted(python_files) == sorted(str(root / f"m{n}.py") for n in range(20))
