"""Run one command and measure it: wall time, CPU time, and peak memory of its whole process tree.

Memory is taken two ways. ``max_rss`` comes from ``wait4`` (exact, but only the largest single
process); ``peak_tree_rss`` samples the sum over the process tree every 10 ms from /proc,
which is what matters for tools that fan out into workers (Fixit, semgrep, ``--jobs``).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.01


@dataclass
class Run:
    wall: float
    user: float
    system: float
    max_rss_mb: float
    peak_tree_rss_mb: float
    returncode: int
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")
    timed_out: bool = False


_PAGE = os.sysconf("SC_PAGE_SIZE")
# /proc/PID/task/TID/children lists a task's children; reading it beats psutil's scan of every
# process by ~20x, so sampling costs the measured tools almost nothing on a 2-core machine.
_HAVE_CHILDREN_FILE = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def _tree_pids(pid: int) -> list[int]:
    if not _HAVE_CHILDREN_FILE:
        try:
            return [pid, *(c.pid for c in psutil.Process(pid).children(recursive=True))]
        except psutil.Error:
            return []
    pids, i = [pid], 0
    while i < len(pids):
        current, i = pids[i], i + 1
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    pids.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    return pids


def _tree_rss(pid: int) -> int:
    total = 0
    for member in _tree_pids(pid):
        try:
            with open(f"/proc/{member}/statm") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()
        self.interval = SAMPLE_SECONDS if _HAVE_CHILDREN_FILE else 0.1

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self.done.wait(self.interval)


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Run:
    """Run ``cmd`` to completion (or kill its process group at ``timeout``) and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # Own session, so a time-out ends exactly the processes this run started.
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        sampler = _Sampler(proc.pid)
        sampler.start()
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        # wait4 rather than Popen.wait: it hands back the child's resource usage.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            user=usage.ru_utime,
            system=usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
            peak_tree_rss_mb=sampler.peak / 2**20,
            returncode=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            timed_out=killed.is_set(),
        )


@dataclass
class Summary:
    """N runs of one measurement, reduced."""

    runs: list[Run]

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    @property
    def min(self) -> float:
        return min(self.walls)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_tree_rss_mb(self) -> float:
        return max(r.peak_tree_rss_mb for r in self.runs)

    @property
    def max_rss_mb(self) -> float:
        return max(r.max_rss_mb for r in self.runs)
