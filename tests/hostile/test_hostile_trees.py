"""Hostile trees: symlink loops, FIFOs, unreadable, undecodable, huge and deeply nested files.

The run completes, reports each such file as one file finding (`path:line:col: CODE reason`) and
exits with the documented status (1: there are error findings); no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli.cli_helpers import Project

FINDING = 'import analytics\n\nanalytics.track("u", "Checkout Stared")\n'
# Bounds the test, never asserted on: before the fix a FIFO in the tree stopped the run for good.
HANG_GUARD_SECONDS = 180


def _check(project: Project, *args: str) -> tuple[int, dict[str, tuple[str, str]], str]:
    """`check --format json` in a real process: a regression here may hang or kill the interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "PRODUCTOPS_DEBUG"}
    run = subprocess.run(
        [sys.executable, "-m", "productops_lint", "check", "--format", "json", *args],
        cwd=project.root, env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )
    assert "Traceback" not in run.stderr, run.stderr
    found = {d["path"]: (d["code"], d["message"]) for d in json.loads(run.stdout)["diagnostics"]}
    return run.returncode, found, run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "symlink"), reason="needs FIFOs and symlinks")
@pytest.mark.parametrize("cache", [True, False], ids=["with-cache", "no-cache"])
def test_fifos_and_symlink_loops_in_the_tree_are_reported_and_the_run_completes(tmp_path: Path, cache: bool) -> None:
    project = Project(tmp_path / "proj")
    project.write("app/good.py", FINDING)
    app = project.root / "app"
    os.mkfifo(app / "pipe.py")
    os.symlink("self.py", app / "self.py")
    os.symlink("y.py", app / "x.py")
    os.symlink("x.py", app / "y.py")
    os.symlink("missing.py", app / "dangling.py")

    code, found, _ = _check(project, *([] if cache else ["--no-cache"]))
    again, found_again, _ = _check(project, *([] if cache else ["--no-cache"]))

    assert code == 1
    assert found == {
        "app/good.py": ("PO101", "Event `Checkout Stared` is not in the tracking plan; did you mean `Checkout Started`?"),
        **{f"app/{name}.py": ("PO002", "File could not be read") for name in ("pipe", "self", "x", "y", "dangling")},
    }
    assert (again, found_again) == (code, found), "a second run (from the cache when there is one) says the same"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="runs as root here, and root reads a file whatever its mode (chmod 000 cannot deny it)")
def test_a_file_without_read_permission_is_reported(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj")
    project.write("app/good.py", FINDING)
    secret = project.write("app/secret.py", FINDING)
    secret.chmod(0)
    try:
        code, found, _ = _check(project)
    finally:
        secret.chmod(0o644)

    assert code == 1
    assert found["app/secret.py"] == ("PO002", "File could not be read")
    assert found["app/good.py"][0] == "PO101"


def test_huge_undecodable_and_deeply_nested_files_are_each_one_finding(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj")
    project.write("app/good.py", FINDING)
    line = 'analytics.track("u", "Checkout Stared")  # ' + "p" * 60 + "\n"
    project.write("app/big.py", "import analytics\n" + line * (50 * 1024 * 1024 // len(line)))
    project.write("app/latin1.py", b'import analytics\nanalytics.track("u", "Caf\xe9 Opened")\n')
    project.write("app/parens.py", "import analytics\nx = " + "(" * 5000 + "a" + ")" * 5000 + "\n")
    project.write("app/long_sum.py", "import analytics\nx = " + "a+" * 100_000 + "a\n")
    assert (project.root / "app/big.py").stat().st_size >= 50 * 1024 * 1024

    code, found, _ = _check(project, "--no-cache", "--jobs", "1")

    assert code == 1
    assert found["app/big.py"] == ("PO003", "File is larger than 4 MiB and was not analyzed")
    assert found["app/latin1.py"][0] == "PO002" and "invalid continuation byte" in found["app/latin1.py"][1]
    assert found["app/parens.py"] == ("PO001", "File could not be parsed: too many nested parentheses")
    assert found["app/long_sum.py"] == ("PO001", "File could not be parsed: too deeply nested for Python to parse")
    assert found["app/good.py"][0] == "PO101"
    assert len(found) == 5


def test_calls_and_fix_complete_over_the_same_tree(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj")
    project.write("app/good.py", FINDING)
    project.write("app/parens.py", "import analytics\nx = " + "(" * 5000 + "a" + ")" * 5000 + "\n")
    if hasattr(os, "mkfifo"):
        os.mkfifo(project.root / "app" / "pipe.py")
    env = {k: v for k, v in os.environ.items() if k != "PRODUCTOPS_DEBUG"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "productops_lint", *args], cwd=project.root, env=env,
                              capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)

    calls = cli("calls", "--format", "json")
    fixed = cli("check", "--fix", "--unsafe-fixes")

    assert calls.returncode == 0 and "Traceback" not in calls.stderr, calls.stderr
    assert [c["event"] for c in json.loads(calls.stdout)] == ["Checkout Stared"]
    assert fixed.returncode == 1 and "Traceback" not in fixed.stderr, fixed.stderr
    assert "Checkout Started" in project.read("app/good.py")
