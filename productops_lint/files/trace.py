"""A run's trace: the files it read, and what it asked of the others, so a later run can tell it would go the same way.

A run is a pure function of the config, the rule files, the list of paths and the answers the
files give it. It asks two kinds of question: "what are your bytes?" (a file it reads, to parse
it or to look at its import lines) and "which of these words do you spell?" (the pre-filter's
first stage, the unique-name search, the constants' readers: asked of every file it does not
read). So a stored result still holds when every file it read has the same digest and every
other file spells the same of those words. An edit to a module that imports no SDK and spells
no name the run looked for is the usual pre-commit case: its result comes back without working
out the pre-filter's rounds and the wrapper inference again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from ..prefilter import Words

if TYPE_CHECKING:
    from .discovery import FileProvider


@dataclass(frozen=True)
class Trace:
    """What a run depended on: ``digests`` of every file, which of them it ``read``, and, of the
    ``words`` it asked every other file, those each one spells (``spelled``; a file spelling none
    is left out)."""

    digests: dict[str, str]
    read: frozenset[str]
    words: tuple[str, ...]
    spelled: dict[str, tuple[str, ...]]


class Tracing:
    """A file provider that notes each question the run asks of it, and answers as ``base`` does."""

    def __init__(self, base: FileProvider) -> None:
        self.base = base
        self._read: set[str] = set()
        # Each distinct words object asked (by identity: most runs ask a few), and the paths it
        # was asked of. The object is kept, so its id is not reused.
        self._asked: dict[int, tuple[Words, set[str]]] = {}
        self._found: dict[str, set[str]] = {}

    def paths(self) -> list[str]:
        return self.base.paths()

    def read(self, path: str) -> bytes | None:
        self._read.add(path)
        return self.base.read(path)

    def _note(self, words: Words, paths: Iterable[str]) -> None:
        self._asked.setdefault(id(words), (words, set()))[1].update(paths)

    def find_words(self, path: str, words: Words) -> set[str] | None:
        found = self.base.find_words(path, words)
        if found is None:  # unreadable: only a read can say why, and the run reports it
            self._read.add(path)
        self._note(words, (path,))
        if found:
            self._found.setdefault(path, set()).update(found)
        return found

    def with_words(self, paths: Iterable[str], words: Words) -> list[str]:
        paths = list(paths)
        found = self.base.with_words(paths, words)
        self._note(words, paths)
        for path in found:
            # Only "some of them": which ones is asked again, so the trace records the exact set.
            self._found.setdefault(path, set()).update(self.base.find_words(path, words) or ())
        return found

    def trace(self) -> Trace | None:
        """The trace of the run so far; None when it cannot vouch for the run (an unreadable
        file, or a file not read that was not asked every word)."""
        paths = self.base.paths()
        digests = self.base.digests(paths)
        if None in digests.values():
            return None
        words = sorted({name for asked, _ in self._asked.values() for name in asked.names})
        unread = set(paths) - self._read
        for asked, where in self._asked.values():
            if asked.names and not unread <= where:
                # A word some unread file was never asked: its answer is unknown, so a change
                # to that file could have changed the run.
                return None
        return Trace(
            digests={p: d for p, d in digests.items() if d is not None},
            read=frozenset(self._read & set(paths)),
            words=tuple(words),
            spelled={p: tuple(sorted(self._found[p] & set(words))) for p in sorted(unread) if self._found.get(p)},
        )


def still_holds(trace: Trace, provider: FileProvider) -> bool:
    """Whether a run over the files as they are now would ask and be answered as the traced one."""
    paths = provider.paths()
    if len(paths) != len(trace.digests):
        return False
    now: Mapping[str, str | None] = provider.digests(paths)
    words: Words | None = None
    for path in paths:
        before = trace.digests.get(path)
        value = now[path]
        if before is None or value is None:
            return False  # a new file, or one now unreadable
        if value == before:
            continue
        if path in trace.read:
            return False
        words = words or Words(trace.words)
        found = provider.find_words(path, words)
        if found is None or tuple(sorted(found)) != trace.spelled.get(path, ()):
            return False
    return True
