"""Parsing: summaries' cache key, and worker processes fed while the pre-filter still runs."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Callable, Iterable

from . import __version__
from .plain import fingerprint

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .detect.values import ModuleSummary


# Bump when ModuleSummary's meaning changes, so old cache entries are ignored (a change of its
# fields changes the key by itself: see ``plain.fingerprint``).
SUMMARY_FORMAT = 14
# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 16
# Files per task: enough to keep the per-task overhead small, few enough that the workers get
# busy as soon as the pre-filter finds the first files.
_BATCH = 4

# (path, module name, source text): what a worker is asked to summarize.
Item = tuple[str, str, str]

_schema: str | None = None


def summary_key(module: str, text: str) -> str:
    """A summary's cache key: the source, the module name, the tool, the format and the summary's field layout."""
    global _schema
    if _schema is None:
        from .detect.values import ModuleSummary

        _schema = fingerprint(ModuleSummary)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"\0{module}\0{__version__}\0{SUMMARY_FORMAT}\0{_schema}".encode())
    return digest.hexdigest()


def summarize_batch(items: list[Item]) -> list[ModuleSummary]:
    if not items:
        return []  # before the import: a run with nothing to parse never loads libcst
    # Imported here: libcst is only needed once some file has to be parsed.
    from .detect.summarize import summarize

    return [summarize(*item) for item in items]


class Parser:
    """Summarizes files in order, in this process or in up to ``jobs`` worker processes.

    The workers start when a run has ``PARALLEL_MIN_FILES`` files to parse and stay until
    ``close``: later, smaller rounds go to workers that have libcst imported already, which
    takes longer than parsing a few files.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def summarize(self, items: Iterable[Item], progress: Callable[[int, int], None] | None = None) -> list[ModuleSummary]:
        """The summaries of ``items``, in their order; ``progress(done, total)`` follows the parsing.

        ``items`` may be a generator that is still searching files: batches go to the workers as
        they fill, so parsing overlaps the search.
        """
        # In order: futures of worker batches, and lists parsed in this process.
        slots: list[Future[list[ModuleSummary]] | list[Item]] = []
        waiting: list[Item] = []  # not handed to a worker yet
        count = 0
        for item in items:
            count += 1
            waiting.append(item)
            if self._pool is None and self.jobs > 1 and len(waiting) >= PARALLEL_MIN_FILES:
                self._start()
            if self._pool is not None and len(waiting) >= _BATCH:
                slots.extend(self._submit(waiting))
                waiting = []
        slots.extend(self._submit(waiting) if self._pool is not None else [[item] for item in waiting])
        results: list[ModuleSummary] = []
        for slot in slots:  # in order: a late batch waits for the ones before it
            results.extend(summarize_batch(slot) if isinstance(slot, list) else slot.result())
            if progress is not None:
                progress(len(results), count)
        return results

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor  # only when many files need parsing

        self._pool = ProcessPoolExecutor(max_workers=min(self.jobs, os.cpu_count() or 1))

    def _submit(self, items: list[Item]) -> list[Future[list[ModuleSummary]]]:
        if not items:
            return []
        assert self._pool is not None
        return [self._pool.submit(summarize_batch, items[i : i + _BATCH]) for i in range(0, len(items), _BATCH)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
