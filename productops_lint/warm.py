"""A warm worker: one process forked at start-up that imports libcst at once and parses the one batch it is later sent."""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .detect.values import ModuleSummary

# (path, module name, source text): what a worker is asked to summarize.
Item = tuple[str, str, str]
# A short process building many small objects collects cycles after this many allocations, not
# 700: the command-line run (cli._fewer_collections) and the warm worker, forked before it.
COLLECT_AFTER = 100_000
# A run over this many named files or more starts a process pool instead (parallel.Parser).
MAX_FILES = 15

# A worker forked by ``prestart`` that no run has taken yet.
_prestarted: WarmWorker | None = None
# This process's ends of every live worker's pipes. A worker forked later closes them, so that an
# older worker still sees end of input when this process closes (or loses) its end.
_ends: set[int] = set()


def wanted(paths: Sequence[str], jobs: int) -> bool:
    """Whether a run over ``paths`` with ``jobs`` parsers uses a warm worker: a few named Python files."""
    return jobs > 1 and 0 < len(paths) <= MAX_FILES and all(path.endswith(".py") for path in paths)


def prestart(args: Sequence[str]) -> None:
    """Fork a warm worker before the command line is parsed, if ``args`` may name a few Python files.

    A console script calls this first, so that the worker imports libcst while this process
    imports click and the rest of the tool. The guess costs only CPU when wrong: the run takes
    the worker only if its parsed options want one (``WarmWorker.start``); ``discard`` ends it
    otherwise. On one core the worker's import would slow this process down, so none is forked.
    """
    global _prestarted
    named = [arg for arg in args if arg.endswith(".py")]
    if _prestarted is None and "--no-cache" not in args and wanted(named, os.cpu_count() or 1):
        _prestarted = WarmWorker.fork()


def discard() -> None:
    """End a worker ``prestart`` forked that no run took."""
    global _prestarted
    if _prestarted is not None:
        _prestarted.stop()
        _prestarted = None


class WarmWorker:
    """A child process that imports the summarizer while its parent reads config and state.

    A run over one changed file would spend most of its time waiting for libcst to import
    (about 0.18 s, or 0.08 s with its dataclass methods in the code cache) and then parse.
    Forked before anything else, the import overlaps the rest of the run. The child is a bare ``fork``: a process pool would cost the parent its imports (about
    15 ms) even in runs that turn out to parse nothing. It parses one batch (``submit``) and
    exits; ``stop`` ends it at once if it was never needed.
    """

    def __init__(self, pid: int, requests: int, results: int) -> None:
        self.pid, self._requests, self._results = pid, requests, results
        self._batch: _Batch | None = None

    @classmethod
    def start(cls) -> WarmWorker | None:
        """The worker ``prestart`` forked, else a new one; None where forking is unsafe (see ``fork``)."""
        global _prestarted
        worker, _prestarted = _prestarted, None
        return worker or cls.fork()

    @classmethod
    def fork(cls) -> WarmWorker | None:
        """A new warm worker, or None where forking is unsafe: no ``fork``, not Linux, or other threads running."""
        # Forking a process with other threads can copy a lock one of them holds; macOS
        # libraries are unsafe after fork. Elsewhere the run parses as it would without one.
        if not hasattr(os, "fork") or not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        requests_read, requests_write = os.pipe()
        results_read, results_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            status = 1
            try:
                for fd in (requests_write, results_read, *_ends):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                _serve(requests_read, results_write)
                status = 0
            finally:
                os._exit(status)
        os.close(requests_read)
        os.close(results_write)
        _ends.update((requests_write, results_read))
        return cls(pid, requests_write, results_read)

    def submit(self, items: list[Item]) -> _Batch:
        """Send the one batch this worker parses; the child reads it while still importing."""
        assert self._batch is None, "a warm worker parses one batch"
        self._batch = _Batch(self, items)
        try:
            _write_all(self._requests, pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # the child is gone: the batch is parsed here instead (_Batch.results)
        finally:
            _close(self._requests)
            self._requests = -1
        return self._batch

    @property
    def used(self) -> bool:
        return self._batch is not None

    def stop(self) -> None:
        """End the child (at once, if it is still importing or parsing), reap it and release its pipes."""
        for fd in (self._requests, self._results):
            if fd >= 0:
                _close(fd)  # first: a child the signal misses still ends, on end of input
        self._requests = self._results = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0

    def _receive(self) -> bytes:
        chunks = []
        while chunk := os.read(self._results, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)


class _Batch:
    """The summaries of a batch sent to a warm worker, as they come back."""

    def __init__(self, worker: WarmWorker, items: list[Item]) -> None:
        self._worker, self._items = worker, items
        self._summaries: list[ModuleSummary] | None = None

    def done(self) -> bool:
        if self._summaries is not None or self._worker._results < 0:
            return True
        # The child writes its answer once, at the end: anything to read (or EOF) means it is done.
        return bool(select.select([self._worker._results], [], [], 0)[0])

    def results(self) -> list[ModuleSummary]:
        if self._summaries is None:
            summaries = None
            if self._worker._results >= 0:
                try:
                    summaries = pickle.loads(self._worker._receive())
                except Exception:  # noqa: BLE001 - the child died (killed, out of memory, a crash): parse here
                    summaries = None
            if not isinstance(summaries, list) or len(summaries) != len(self._items):
                from .detect.summarize import summarize

                summaries = [summarize(*item) for item in self._items]
            self._summaries = summaries
        return self._summaries


class Part:
    """One item's place in a batch: a future-like view that ``parallel.Parser`` keeps per item."""

    def __init__(self, batch: _Batch, index: int) -> None:
        self._batch, self._index = batch, index

    def done(self) -> bool:
        return self._batch.done()

    def result(self) -> list[ModuleSummary]:
        return [self._batch.results()[self._index]]


def _serve(requests: int, results: int) -> None:
    """The child's life: import the summarizer, parse the batch it is sent, write the summaries back."""
    import gc

    # This process lives for one command-line run: it collects cycles as rarely as the run does
    # (cli._fewer_collections), which it was forked too early to inherit.
    gc.set_threshold(COLLECT_AFTER, 20, 20)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    chunks: list[bytes] = []

    def read() -> None:  # drains the request while the import runs, so the parent never blocks
        while chunk := os.read(requests, 1 << 20):
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    from .detect.summarize import summarize

    reader.join()
    if not chunks:
        return  # stopped before it was needed
    items: list[Item] = pickle.loads(b"".join(chunks))
    summaries = [summarize(*item) for item in items]
    # What the imports compiled, which the parent may never import itself. Saved before the
    # answer, as the parent ends this process once it has it; there is something to save only
    # in the first runs after an install or an upgrade.
    from . import codecache

    codecache.save()
    _write_all(results, pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL))


def _close(fd: int) -> None:
    _ends.discard(fd)
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
