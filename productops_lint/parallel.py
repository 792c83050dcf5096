"""Parsing in worker processes: a pool started once enough files need it, fed while the pre-filter still runs."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable

from .detect.values import ModuleSummary

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# (path, module name, source text)
Item = tuple[str, str, str]

# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 16
# Files per task: enough to keep the per-task overhead small, few enough that the workers get
# busy as soon as the pre-filter finds the first files.
_BATCH = 4


def summarize_batch(items: list[Item]) -> list[ModuleSummary]:
    # Imported here: libcst is only needed once some file has to be parsed.
    from .detect.summarize import summarize

    return [summarize(*item) for item in items]


class Parser:
    """Summarizes files in order, in this process or in up to ``jobs`` worker processes.

    The workers start when a run has ``PARALLEL_MIN_FILES`` files to parse, and stay until
    ``close``: later, smaller rounds go to workers that have libcst imported already, which
    takes longer than parsing a few files.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def summarize(self, items: Iterable[Item]) -> list[ModuleSummary]:
        """The summaries of ``items``, in their order.

        ``items`` may be a generator that is still searching files: batches go to the workers as
        they fill, so parsing overlaps the search.
        """
        submitted: list[Future[list[ModuleSummary]]] = []
        waiting: list[Item] = []  # not handed to a worker yet
        for item in items:
            waiting.append(item)
            if self._pool is None and self.jobs > 1 and len(waiting) >= PARALLEL_MIN_FILES:
                self._start()
            if self._pool is not None and len(waiting) >= _BATCH:
                submitted.extend(self._submit(waiting))
                waiting = []
        if self._pool is None:
            return summarize_batch(waiting)  # too few files for workers, and none running
        submitted.extend(self._submit(waiting))
        return [summary for future in submitted for summary in future.result()]

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor  # only when many files need parsing

        self._pool = ProcessPoolExecutor(max_workers=min(self.jobs, os.cpu_count() or 1))

    def _submit(self, items: list[Item]) -> list[Future[list[ModuleSummary]]]:
        assert self._pool is not None
        return [self._pool.submit(summarize_batch, items[i : i + _BATCH]) for i in range(0, len(items), _BATCH)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
