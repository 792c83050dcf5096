"""The warm worker: forked early, parses the batch it is sent as this process would, and never outlives its run."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from productops_lint import warm
from productops_lint.detect.summarize import summarize
from productops_lint.parallel import Parser
from productops_lint.warm import MAX_FILES, WarmWorker, discard, prestart, wanted

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="warm workers are forked on Linux only")


def _items(n: int) -> list[tuple[str, str, str]]:
    return [(f"app/m{i}.py", f"app.m{i}", f"import analytics\nE = 'Ev {i}'\ndef f(u):\n    analytics.track(u, E)\n") for i in range(n)]


def _gone(pid: int) -> bool:
    """Whether ``pid`` is no child of this process any more (reaped, not a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture(autouse=True)
def _no_leftover_worker():
    yield
    discard()
    assert warm._prestarted is None


def _fork() -> WarmWorker:
    worker = WarmWorker.fork()
    assert worker is not None, "this test process runs other threads"
    return worker


def test_the_worker_parses_a_batch_as_this_process_would():
    worker = _fork()
    pid, items = worker.pid, _items(3)
    try:
        batch = worker.submit(items)
        assert batch.results() == [summarize(*item) for item in items]
        assert batch.done()
    finally:
        worker.stop()
    assert _gone(pid) and worker.pid == 0


def test_a_large_batch_does_not_block_the_parent_while_the_child_imports():
    # More than a pipe holds (64 KiB): the child drains it while it still imports libcst.
    source = "import analytics\n" + "".join(f"X{i} = 'v'\n" for i in range(20_000))
    items = [("big.py", "big", source)]
    worker = _fork()
    try:
        assert worker.submit(items).results() == [summarize(*items[0])]
    finally:
        worker.stop()


def test_stop_ends_a_worker_still_importing_and_reaps_it():
    worker = _fork()
    pid = worker.pid
    worker.stop()
    assert _gone(pid) and worker.pid == 0
    worker.stop()  # twice is harmless


def test_a_dead_worker_costs_nothing_but_time():
    """The child killed before (or while) it parses: the batch is parsed in this process."""
    worker = _fork()
    os.kill(worker.pid, signal.SIGKILL)
    items = _items(2)
    try:
        batch = worker.submit(items)
        assert batch.results() == [summarize(*item) for item in items]
    finally:
        worker.stop()


def test_a_worker_left_alone_exits_when_its_parent_closes_the_request():
    worker = _fork()
    younger = _fork()  # holds no copy of the older worker's request pipe
    pid = worker.pid
    warm._close(worker._requests)  # what the parent's exit does
    worker._requests = -1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            break
        time.sleep(0.02)
    else:
        younger.stop()
        pytest.fail("the worker did not exit after its request pipe closed")
    worker.pid = 0
    worker.stop()
    younger.stop()
    assert warm._ends == set()


@pytest.mark.parametrize(
    ("paths", "jobs", "expected"),
    [
        (["a.py"], 2, True),
        ([f"m{i}.py" for i in range(MAX_FILES)], 4, True),
        ([f"m{i}.py" for i in range(MAX_FILES + 1)], 4, False),  # a pool serves many files better
        (["a.py"], 1, False),  # one job: everything parses in this process
        (["app"], 2, False),  # a folder: the pool starts as the files are found
        (["a.py", "README.md"], 2, False),
        ([], 2, False),
    ],
)
def test_which_runs_want_a_warm_worker(paths, jobs, expected):
    assert wanted(paths, jobs) is expected


@pytest.mark.parametrize(
    ("args", "forks"),
    [
        (["check", "shop/cart.py"], True),
        (["--config", "x/pyproject.toml", "check", "--format", "json", "a.py", "b.py"], True),
        (["check", "--no-cache", "shop/cart.py"], False),
        (["check"], False),
        (["check", "shop"], False),
        (["check", *[f"m{i}.py" for i in range(MAX_FILES + 1)]], False),
    ],
)
def test_prestart_forks_only_for_a_few_named_python_files(args, forks, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    prestart(args)
    assert (warm._prestarted is not None) is forks


def test_prestart_forks_nothing_on_one_core(monkeypatch):
    # The run would not take it (one job by default), and its import would compete with the run.
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    prestart(["check", "shop/cart.py"])
    assert warm._prestarted is None


def test_the_run_takes_the_prestarted_worker_and_discard_ends_one_nobody_took(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    prestart(["check", "a.py"])
    early = warm._prestarted
    assert early is not None
    assert WarmWorker.start() is early and warm._prestarted is None
    early.stop()
    prestart(["check", "a.py"])
    left = warm._prestarted
    assert left is not None
    pid = left.pid
    discard()
    assert warm._prestarted is None and _gone(pid)


def test_a_warm_parser_answers_as_a_cold_one_and_stops_its_worker():
    items = _items(3)
    parser = Parser.warm([path for path, _, _ in items], 2)
    assert parser is not None and parser._warm is not None
    worker, pid = parser._warm, parser._warm.pid
    try:
        parser.prefetch(items[:2])  # the worker's one batch
        assert parser.summarize(iter(items)) == [summarize(*item) for item in items]
    finally:
        parser.close()
    assert worker.pid == 0 and parser._warm is None and _gone(pid)


def test_a_warm_parser_that_parsed_nothing_stops_at_once():
    parser = Parser.warm(["a.py"], 2)
    assert parser is not None and parser._warm is not None
    pid = parser._warm.pid
    parser.close()
    assert _gone(pid)
    assert parser.summarize(iter(_items(1))) == [summarize(*_items(1)[0])]  # parsed here after close
