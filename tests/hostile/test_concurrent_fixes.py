"""Two `check --fix` runs at once, and runs killed with SIGKILL while writing: every file is old or new.

Fixes are written atomically (a temporary file beside the target, fsync'ed, then renamed over it),
so a reader, a second writer or a crash never sees a truncated or mixed file. What a kill can leave
behind is a temporary file whose name ends in `.tmp`, which the tool never reads.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli.cli_helpers import Project

# "Signed Up" is deprecated in favour of "Account Created": a safe fix, applied by plain `--fix`.
CALL = 'analytics.track("u", "Signed Up")\n'
FIXED_CALL = 'analytics.track("u", "Account Created")\n'
SMALL_FILES = 40
# Near the 4 MiB limit above which files are not analyzed: its write takes longest.
BIG_PADDING_LINES = 30_000
HANG_GUARD_SECONDS = 300


def _sources() -> dict[str, str]:
    files = {
        f"app/m{i:03}.py": "import analytics\n\n" + "".join(f"def f{j}():\n    {CALL}" for j in range(5))
        for i in range(SMALL_FILES)
    }
    files["app/big.py"] = "import analytics\n" + ("# " + "x" * 97 + "\n") * BIG_PADDING_LINES + CALL * 20
    return files


def _fixed(text: str) -> str:
    return text.replace(CALL, FIXED_CALL)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PRODUCTOPS_DEBUG"}


def _fix(project: Project) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "productops_lint", "check", "--fix", "--jobs", "1"],
        cwd=project.root, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _assert_each_file_old_or_new(project: Project, old: dict[str, str]) -> dict[str, str]:
    """Which state each file is in; fails on any other content (truncated, mixed, empty)."""
    state = {}
    for rel, text in old.items():
        data = project.read(rel)
        assert data in (text, _fixed(text)), f"{rel} is neither the old nor the fixed text ({len(data)} chars)"
        state[rel] = "new" if data != text else "old"
    return state


def _strays(project: Project, old: dict[str, str]) -> list[str]:
    """Files other than the sources (and the tool's own cache) left in the tree."""
    known = set(old) | {"pyproject.toml", "rules/plan.yaml"}
    return sorted(rel for rel in project.snapshot() if rel not in known)


def _assert_strays_are_unread_temporaries(project: Project, old: dict[str, str]) -> None:
    for rel in _strays(project, old):
        name = rel.rpartition("/")[2]
        assert name.startswith(".") and name.endswith(".tmp") and not name.endswith(".py"), rel


def test_two_fix_runs_at_once_leave_every_file_fixed_once(tmp_path: Path) -> None:
    old = _sources()
    project = Project(tmp_path / "proj")
    project.write_files(old)

    runs = [_fix(project), _fix(project)]
    results = [(run.wait(timeout=HANG_GUARD_SECONDS), run.stderr.read().decode() if run.stderr else "") for run in runs]

    for code, stderr in results:
        assert code in (0, 1), stderr
        assert "Traceback" not in stderr, stderr
    assert set(_assert_each_file_old_or_new(project, old).values()) == {"new"}
    assert _strays(project, old) == [], "both runs finished, so no temporary file may remain"


def _wait_for_first_write(project: Project, run: subprocess.Popen[bytes]) -> bool:
    """Poll the folder's inodes until a write begins (a temporary appears or a file is replaced)."""
    folder = project.root / "app"
    inodes = {entry.name: entry.inode() for entry in os.scandir(folder)}
    while run.poll() is None:
        for entry in os.scandir(folder):
            if inodes.get(entry.name) != entry.inode():  # a new temporary, or a file replaced
                return True
        time.sleep(0.001)
    return False


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_fix_runs_killed_mid_write_leave_every_file_old_or_new(tmp_path: Path) -> None:
    old = _sources()
    project = Project(tmp_path / "proj")
    project.write_files(old)
    rng = random.Random(17)  # the kill moments vary within a run, but the same every run of the test

    states = []
    for attempt in range(6):
        # Kill moments spread over the first files' writes; one attempt in three anywhere in the run.
        if attempt % 3 == 2:
            run = _fix(project)
            time.sleep(rng.uniform(0.0, 3.0))
        else:
            for rel, text in old.items():  # from scratch, so that there is everything to write again
                project.write(rel, text)
            run = _fix(project)
            _wait_for_first_write(project, run)
            time.sleep(rng.uniform(0.0, 0.05))
        if run.poll() is None:
            run.kill()
        run.wait(timeout=HANG_GUARD_SECONDS)
        states.append(_assert_each_file_old_or_new(project, old))
        _assert_strays_are_unread_temporaries(project, old)

    finish = _fix(project)
    assert finish.wait(timeout=HANG_GUARD_SECONDS) in (0, 1)
    assert set(_assert_each_file_old_or_new(project, old).values()) == {"new"}
    _assert_strays_are_unread_temporaries(project, old)
    check = subprocess.run([sys.executable, "-m", "productops_lint", "check"], cwd=project.root, env=_env(),
                           capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    # The temporaries a kill left are not read: the same files as before, all clean.
    assert check.stdout == f"All checks passed ({len(old)} files checked)\n", check.stdout + check.stderr
    assert any("old" in s.values() and "new" in s.values() for s in states), (
        "no kill landed between two files' writes; the test did not test what it says"
    )
