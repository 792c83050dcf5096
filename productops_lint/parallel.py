"""Parsing: summaries' cache key, and worker processes fed while the pre-filter still runs or before it starts."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, Sequence

from . import __version__
from .detect.modules import module_name
from .warm import Item, Part, WarmWorker, wanted

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .config import Config
    from .detect.values import ModuleSummary
    from .engine import SummaryCache


# Bump when ModuleSummary's shape or meaning changes, so old cache entries are ignored.
SUMMARY_FORMAT = 13
# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 16
# Files per task: enough to keep the per-task overhead small, few enough that the workers get
# busy as soon as the pre-filter finds the first files.
_BATCH = 4


def summary_key(module: str, text: str) -> str:
    """A summary's cache key: the source, the module name it is summarized as, the tool and the format."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"\0{module}\0{__version__}\0{SUMMARY_FORMAT}".encode())
    return digest.hexdigest()


def summarize_batch(items: list[Item]) -> list[ModuleSummary]:
    if not items:
        return []  # before the import: a run with nothing to parse never loads libcst
    # Imported here: libcst is only needed once some file has to be parsed.
    from .detect.summarize import summarize

    return [summarize(*item) for item in items]


class Parser:
    """Summarizes files in order, in this process or in up to ``jobs`` worker processes.

    The workers start when a run has ``PARALLEL_MIN_FILES`` files to parse, or when files are
    handed over early (``prefetch``), and stay until ``close``: later, smaller rounds go to
    workers that have libcst imported already, which takes longer than parsing a few files. A
    parser made by ``warm`` hands its first early batch to a worker forked before the run began.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._early: dict[Item, Future[list[ModuleSummary]] | Part] = {}
        self._warm: WarmWorker | None = None

    @classmethod
    def warm(cls, paths: Sequence[str], jobs: int | None) -> Parser | None:
        """A parser with a worker already importing libcst, for a run over a few named files (``warm.WarmWorker``).

        Such a run (pre-commit's) spends most of its time waiting for a worker to import libcst
        and parse. Started before this process reads its config, the import overlaps everything
        else the run does. A run over a folder or many files starts its process pool as usual.
        """
        jobs = jobs or os.cpu_count() or 1
        worker = WarmWorker.start() if wanted(paths, jobs) else None
        if worker is None:
            return None
        parser = cls(jobs)
        parser._warm = worker
        return parser

    def prefetch(self, items: list[Item]) -> None:
        """Start parsing ``items`` in a worker now, while this process goes on; ``summarize`` takes the results.

        A run over a few changed files knows early which of them it will parse. Importing libcst
        takes longer than anything else such a run does, so it is better done beside that work.
        """
        if self.jobs < 2 or not items:
            return
        items = [item for item in items if item not in self._early]
        if self._warm is not None and not self._warm.used and items:
            batch = self._warm.submit(items)
            self._early.update((item, Part(batch, index)) for index, item in enumerate(items))
            return
        if self._pool is None and items:
            self._start()
        for item in items:
            self._early[item] = self._submit([item])[0]

    def busy(self) -> bool:
        """Whether a file handed over by ``prefetch`` is still being parsed."""
        return any(not future.done() for future in self._early.values())

    def summarize(self, items: Iterable[Item], progress: Callable[[int, int], None] | None = None) -> list[ModuleSummary]:
        """The summaries of ``items``, in their order; ``progress(done, total)`` follows the parsing.

        ``items`` may be a generator that is still searching files: batches go to the workers as
        they fill, so parsing overlaps the search.
        """
        # In order: futures of worker batches, prefetched files, and lists parsed in this process.
        slots: list[Future[list[ModuleSummary]] | Part | list[Item]] = []
        waiting: list[Item] = []  # not handed to a worker yet
        count = 0
        for item in items:
            count += 1
            early = self._early.pop(item, None)
            if early is not None:  # prefetched: its place in the order is kept
                slots.extend(self._dispatch(waiting))
                slots.append(early)
                waiting = []
                continue
            waiting.append(item)
            if self._pool is None and self.jobs > 1 and len(waiting) >= PARALLEL_MIN_FILES:
                self._start()
            if self._pool is not None and len(waiting) >= _BATCH:
                slots.extend(self._submit(waiting))
                waiting = []
        slots.extend(self._dispatch(waiting))
        results: list[ModuleSummary] = []
        for slot in slots:  # in order: a late batch waits for the ones before it
            results.extend(summarize_batch(slot) if isinstance(slot, list) else slot.result())
            if progress is not None:
                progress(len(results), count)
        return results

    def _dispatch(self, items: list[Item]) -> list[Future[list[ModuleSummary]] | Part | list[Item]]:
        """``items`` sent to the workers, or (too few files for workers, and none running) one by one here."""
        if self._pool is not None:
            return list(self._submit(items))
        return [[item] for item in items]

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor  # only when many files need parsing

        self._pool = ProcessPoolExecutor(max_workers=min(self.jobs, os.cpu_count() or 1))

    def _submit(self, items: list[Item]) -> list[Future[list[ModuleSummary]]]:
        if not items:
            return []
        assert self._pool is not None
        return [self._pool.submit(summarize_batch, items[i : i + _BATCH]) for i in range(0, len(items), _BATCH)]

    def close(self) -> None:
        if self._warm is not None:
            self._warm.stop()
            self._warm = None
        if self._pool is not None:
            # A prefetched file the run did not need after all (its gate moved) is dropped.
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self._early.clear()


class _Files(Protocol):
    def relative(self, item: str) -> str | None: ...

    def read(self, path: str) -> bytes | None: ...


def parse_early(
    parser: Parser,
    files: _Files,
    config: "Config",
    cache: "SummaryCache",
    gate: tuple[frozenset[str], frozenset[str], frozenset[str]],
    paths: Sequence[str],
) -> None:
    """Hand the files named in ``paths`` that the last run's pre-filter ``gate`` (words, SDK
    roots, exports) passes, and whose summary is not cached, to a worker before the project is
    even listed.

    Importing libcst takes longer than anything else a run over one changed file does; started
    here, it overlaps listing the project and restoring the last run's state. Such a file is
    what the resumed run parses too, unless the fixpoint moves; ``Parser.summarize`` uses a
    result only for the same path, module and text.
    """
    from .engine import decode_source
    from .prefilter import ImportGate, Words

    words, imports = Words(gate[0]), ImportGate(gate[1], gate[2])
    items: list[Item] = []
    for item in paths:
        path = files.relative(item)
        if path is None or not path.endswith(".py"):
            continue
        data = files.read(path)
        if not data or len(data) > config.max_file_size or not words.find(data):
            continue
        try:
            text = decode_source(data)
        except (UnicodeDecodeError, SyntaxError, LookupError):
            continue  # the run reports it; there is nothing to parse
        module = module_name(path, config.src)
        if imports.admits(text, module, path.endswith("__init__.py")) and cache.get(summary_key(module, text)) is None:
            items.append((path, module, text))
    parser.prefetch(items)
