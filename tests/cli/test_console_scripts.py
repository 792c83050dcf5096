"""The console scripts as installed: a quick exit that loses no output, and a warm worker that never outlives its run."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from productops_lint import codecache, warm
from productops_lint.warm import WarmWorker

from .cli_helpers import CLEAN, MIXED, Project

SCRIPT = Path(sys.executable).with_name("productops-lint")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="warm workers are forked on Linux only")


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

    A worker orphaned by its parent's exit would end by itself once its import finished; this
    catches one that stays (a pipe end held elsewhere, a worker never killed nor reaped).
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
    project.write("shop/cart.py", MIXED)  # an edit the fixpoint survives: a warm run parses it
    runs = [
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py"),
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py"),  # answered from the cache
        _script(project, marker, "check", "--jobs", "1", "--format", "json", "shop/cart.py"),  # forked, not taken
        _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/quiet.py"),  # taken, parses nothing
    ]
    fresh = _script(project, marker, "check", "--no-cache", "--format", "json", "shop/cart.py")
    assert [run.returncode for run in runs] == [1, 1, 1, 0], [run.stderr for run in runs]
    assert {run.stdout for run in runs[:3]} == {fresh.stdout}
    assert [d["code"] for d in json.loads(fresh.stdout)["diagnostics"]] == ["PO101", "PO301"]
    assert json.loads(runs[3].stdout)["diagnostics"] == []
    assert _survivors(marker) == []


@linux_only
def test_check_hands_the_named_file_to_the_warm_worker(project: Project, monkeypatch):
    project.write("shop/cart.py", CLEAN)
    assert project.run("check").exit_code == 0
    project.write("shop/cart.py", MIXED)
    sent: list[list[str]] = []
    submit = WarmWorker.submit

    def spy(self: WarmWorker, items: list[tuple[str, str, str]]) -> object:
        sent.append([path for path, _, _ in items])
        return submit(self, items)

    monkeypatch.setattr(WarmWorker, "submit", spy)
    run = project.run("check", "--jobs", "2", "shop/cart.py")
    assert run.exit_code == 1 and "PO101" in run.stdout
    assert sent == [["shop/cart.py"]]
    assert warm._prestarted is None


@linux_only
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed beside this Python")
def test_a_second_run_compiles_no_dataclass_method_again(project: Project, tmp_path: Path, monkeypatch):
    # The first run fills the code cache, from the main process and from the warm worker
    # (which alone imports libcst here); the second finds every method there and writes nothing.
    monkeypatch.setenv(codecache.FOLDER_VARIABLE, str(tmp_path / "code"))
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    project.write("shop/cart.py", CLEAN)
    marker = uuid.uuid4().hex
    assert _script(project, marker, "check", "--format", "json").returncode == 0
    project.write("shop/cart.py", MIXED)
    cache = tmp_path / "code" / f"dataclass-code-{sys.implementation.cache_tag}.marshal"
    cache.unlink()
    first = _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py")
    shards = marshal.loads(cache.read_bytes())[2]
    saved = cache.stat().st_mtime_ns
    assert any("whitespace_before" in source for source in marshal.loads(shards["libcst"]))  # from the worker
    assert any("fix_title" in source for source in marshal.loads(shards["productops_lint"]))  # from the main process
    project.write("shop/cart.py", MIXED + "\n# edited\n")
    second = _script(project, marker, "check", "--jobs", "2", "--format", "json", "shop/cart.py")
    assert (first.returncode, second.returncode) == (1, 1)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert cache.stat().st_mtime_ns == saved
    assert _survivors(marker) == []


def test_importing_the_scripts_module_changes_nothing():
    done = _python(
        "import dataclasses\nimport productops_lint.scripts\nfrom productops_lint import codecache\n"
        "print('exec' in vars(dataclasses), codecache.active is None)\n"
    )
    assert done.stdout == "False True\n", done.stderr
