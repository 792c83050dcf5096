"""The console scripts as installed: a quick exit that loses no output, and no process left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .cli_helpers import CLEAN, MIXED, Project

SCRIPT = Path(sys.executable).with_name("productops-lint")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


def test_a_quick_exit_flushes_everything_printed_first():
    done = _python(
        "import sys\nfrom productops_lint.cli_guard import exit_now\n"
        "sys.stdout.write('x' * 1_000_000)\nsys.stderr.write('done')\nexit_now(3)\n"
    )
    assert done.returncode == 3
    assert len(done.stdout) == 1_000_000 and done.stderr == "done"


@pytest.mark.parametrize(("status", "code", "stderr"), [("None", 0, ""), ("1", 1, ""), ("'no plan'", 1, "no plan\n")])
def test_a_quick_exit_maps_statuses_as_sys_exit_does(status, code, stderr):
    done = _python(f"from productops_lint.cli_guard import exit_now\nexit_now({status})\n")
    assert (done.returncode, done.stderr) == (code, stderr)


def test_a_process_with_another_thread_running_exits_the_normal_way():
    # The thread's output would be lost by a quick exit; the normal exit waits for it.
    done = _python(
        "import threading, time\nfrom productops_lint.cli_guard import exit_now\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('late', flush=True))).start()\n"
        "exit_now(0)\n"
    )
    assert (done.returncode, done.stdout) == (0, "late\n")


def _survivors(marker: str) -> list[int]:
    """Processes still running with ``marker`` in their environment: what a run left behind.

    A pool worker orphaned by its parent's exit, or never reaped, would show here.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # gone meanwhile, or not ours
    return found


def _script(project: Project, marker: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PRODUCTOPS_RUN_MARKER": marker}
    env.pop("PRODUCTOPS_DEBUG", None)
    return subprocess.run([str(SCRIPT), *args], cwd=project.root, capture_output=True, text=True, env=env, timeout=300, check=False)


@linux_only
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed beside this Python")
def test_the_installed_script_answers_as_an_uncached_run_and_leaves_no_process_behind(project: Project):
    project.write("shop/names.py", 'CHECKOUT = "Checkout Started"\n')
    project.write("shop/cart.py", CLEAN)
    project.write("shop/quiet.py", "def add(a, b):\n    return a + b\n")
    marker = uuid.uuid4().hex
    assert _script(project, marker, "check", "--format", "json").returncode == 0  # saves the state
    project.write("shop/cart.py", MIXED)  # a warm run parses it
    runs = [
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py"),
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py"),  # answered from the cache
        _script(project, marker, "check", "--jobs", "1", "--format", "json", "shop/cart.py"),
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/quiet.py"),  # parses nothing
    ]
    fresh = _script(project, marker, "check", "--no-cache", "--format", "json", "shop/cart.py")
    assert [run.returncode for run in runs] == [1, 1, 1, 0], [run.stderr for run in runs]
    assert {run.stdout for run in runs[:3]} == {fresh.stdout}
    assert [d["code"] for d in json.loads(fresh.stdout)["diagnostics"]] == ["PO101", "PO301"]
    assert json.loads(runs[3].stdout)["diagnostics"] == []
    assert _survivors(marker) == []


def test_a_run_patches_no_library():
    # The dataclasses module's `exec` is its own after a whole run (no code cache patches it).
    done = _python(
        "import dataclasses, sys\nfrom productops_lint.cli import main\n"
        "try:\n    main.main(['check', '--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print('exec' in vars(dataclasses), 'productops_lint.codecache' in sys.modules)\n"
    )
    assert done.stdout.endswith("False False\n"), done.stderr
