"""Shared helpers for the hook tests: git, a snapshot of the checkout, and sample projects."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

# The checkout under test, found from this file so the tests run from any clone.
CHECKOUT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# A fixed identity and date make the snapshot commit's id depend only on the files, so every
# xdist worker (and every rerun on an unchanged tree) agrees on it and shares one environment.
FIXED_GIT = {
    "GIT_AUTHOR_NAME": "productops tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "productops tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def checkout_files() -> list[str]:
    """The checkout's files as a commit would hold them: tracked plus untracked, minus ignored."""
    if (CHECKOUT / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=CHECKOUT, capture_output=True, check=True,
        ).stdout.decode()
        return sorted(p for p in out.split("\0") if p and (CHECKOUT / p).is_file())
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".productops_cache", "build", "dist"}
    return sorted(
        str(p.relative_to(CHECKOUT))
        for p in CHECKOUT.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(CHECKOUT).parts) and ".egg-info" not in str(p)
    )


@dataclass(frozen=True)
class HookRepo:
    """A committed copy of the checkout: what pre-commit installs the hooks from."""

    path: Path
    rev: str


PLAN = """\
version: 1
owner: shop-team
events:
  - name: Order Completed
    description: The order was paid for.
    properties:
      order_id: {type: string, required: true}
      total: number
  - name: Cart Viewed
    description: The cart page was shown.
tickets:
  project_keys: [SHOP]
  escape_words: ["[trivial]"]
"""

CART = """\
import analytics


def show_cart(user_id: str) -> None:
    analytics.track(user_id, "Cart Viewed")
"""


@dataclass
class Project:
    """A git repository of a small project that uses the hooks."""

    path: Path
    env: dict[str, str]
    hook_repo: HookRepo

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def git(self, *args: str) -> str:
        return git(self.path, *args, env=self.env)

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run a command in the project; stdout and stderr together, as a person sees them."""
        done = subprocess.run(
            list(args), cwd=self.path, env=self.env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}")
        return done

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(PYTHON, "-m", "pre_commit", *args)

    def use_hooks(self, hooks: Sequence[str | Mapping[str, object]]) -> None:
        """Write .pre-commit-config.yaml for ``hooks`` (ids, or mappings with args) and install it."""
        import yaml

        entries = [{"id": h} if isinstance(h, str) else dict(h) for h in hooks]
        config = {
            "default_install_hook_types": ["pre-commit", "commit-msg"],
            "repos": [{"repo": str(self.hook_repo.path), "rev": self.hook_repo.rev, "hooks": entries}],
        }
        self.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
        self.pre_commit("install").check_returncode()
        self.git("add", ".pre-commit-config.yaml")

    def commit(self, message: str, *paths: str) -> subprocess.CompletedProcess[str]:
        if paths:
            self.git("add", *paths)
        return self.run("git", "commit", "-m", message)
