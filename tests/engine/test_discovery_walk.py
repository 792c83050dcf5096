"""Listing a project that is not a git repository: the same files git would list, .gitignore files included."""

from __future__ import annotations

import os
import shutil
import subprocess
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
