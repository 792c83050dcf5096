"""Fixtures for the hook tests: a committed snapshot of this checkout, one shared pre-commit cache, sample projects."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Iterator

import pytest
from filelock import FileLock

# The helpers live beside this file (tests/hooks has no __init__.py), as in tests/report.
HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from hook_helpers import (  # noqa: E402
    CART,
    CHECKOUT,
    FIXED_GIT,
    PLAN,
    PYTHON,
    HookRepo,
    Project,
    checkout_files,
    git,
)


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (the workers' common basetemp parent)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    # try-repo on the checkout itself would miss untracked files and fails before the first
    # commit; a snapshot commit of the working tree has neither problem.
    root = _shared_dir(tmp_path_factory)
    path = root / "hook-repo"
    with FileLock(str(root / "hook-repo.lock")):
        if not (path / ".git").exists():
            if path.exists():
                shutil.rmtree(path)
            path.mkdir()
            for name in checkout_files():
                target = path / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(CHECKOUT / name, target)
            env = {**os.environ, **FIXED_GIT}
            git(path, "init", "-q", "-b", "main")
            git(path, "add", "-A")
            git(path, "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "snapshot", env=env)
        return HookRepo(path, git(path, "rev-parse", "HEAD"))


@pytest.fixture(scope="session")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit and git: one PRE_COMMIT_HOME for the whole run, isolated git config."""
    root = _shared_dir(tmp_path_factory)
    gitconfig = root / "gitconfig"
    with FileLock(str(root / "gitconfig.lock")):
        if not gitconfig.exists():
            # A developer's global config (hooksPath, signing, templates) must not leak in.
            gitconfig.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        {
            "PRE_COMMIT_HOME": str(root / "pre-commit-home"),
            "PRE_COMMIT_COLOR": "never",
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.invalid",
            "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.invalid",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_PROGRESS_BAR": "off",
            # The console scripts of the environment under test, for the plain git hooks.
            "PATH": os.pathsep.join([str(Path(PYTHON).parent), env.get("PATH", "")]),
        }
    )
    return env


@pytest.fixture
def project(tmp_path: Path, hook_env: dict[str, str], hook_repo: HookRepo) -> Iterator[Project]:
    """A project with a plan (two events, SHOP tickets) and one valid call, committed on `main`."""
    path = tmp_path / "shop"
    path.mkdir()
    proj = Project(path, dict(hook_env), hook_repo)
    proj.git("init", "-q")
    proj.write("pyproject.toml", '[project]\nname = "shop"\nversion = "0"\n\n[tool.productops]\nregistry = ["rules"]\n')
    proj.write("rules/plan.yaml", PLAN)
    proj.write("shop/__init__.py", "")
    proj.write("shop/cart.py", CART)
    proj.git("add", "-A")
    proj.git("commit", "-q", "--no-verify", "-m", "SHOP-1: start")
    yield proj
