"""The stat manifest: path -> (mtime_ns, size, inode, digest), and the pre-filter words found in each content."""

from __future__ import annotations

import json
import os
from pathlib import Path
from time import time_ns
from typing import Any, Iterable, Mapping

from .store import FORMAT, _read_json, digest, prepare_folder, read_regular, write_bytes_atomic

_NOTHING: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
# The file's name in the cache folder.
NAME = "manifest.json"


class _Manifest:
    """path -> (mtime_ns, size, inode, digest), so an unchanged tree is recognised by stat alone.

    Like git's index, an entry is trusted only when the file's mtime is safely older than the moment
    it was recorded: a file edited within the same clock tick is hashed again.
    """

    _RACY_NS = 2_000_000_000
    _SAVE_AFTER = 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, tuple[int, int, int, int, str]] = {}
        # content digest -> (words searched for in that content, the ones found). Any later search
        # for words already searched is answered without reading the file.
        # Read from the file on first use: a run answered from the result cache never needs it.
        self._word_table: dict[str, tuple[frozenset[str], frozenset[str]]] | None = {}
        self._stored_words: Any = None
        # One object per distinct searched set: most files share one.
        self._shared: dict[frozenset[str], frozenset[str]] = {}
        self._dirty = 0  # entries added or replaced since loading
        self._loaded = False
        loaded = _read_json(path)
        if loaded is not None:
            try:
                self._entries = _checked_entries(loaded)
                self._loaded = True
                self._word_table, self._stored_words = None, loaded
            except (TypeError, ValueError, KeyError, AttributeError):  # not a manifest of this format: start afresh
                self._entries = {}

    @property
    def _words(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        if self._word_table is None:
            try:
                self._word_table = _checked_words(self._stored_words)
            except (TypeError, ValueError, KeyError, AttributeError):  # the words are searched again
                self._word_table = {}
            self._stored_words = None
            for searched, _ in self._word_table.values():
                self._shared.setdefault(searched, searched)
        return self._word_table

    @property
    def words_table(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Content digest -> (words searched for in that content, the ones found)."""
        return self._words

    def find_words(self, full: str, value: str, words: Any, data: bytes | None = None) -> set[str] | None:
        """Which of ``words`` the file (whose content digest is ``value``) contains."""
        searched, found = self._words.get(value, _NOTHING)
        if searched.issuperset(words.names):
            return set(found & words.name_set)
        if data is None:
            try:
                data = read_regular(full)
            except OSError:
                return None
        missing = words.name_set - searched
        new = words.find(data) if len(missing) == len(words.names) else type(words)(missing).find(data)
        wider = searched | missing
        self._words[value] = (self._shared.setdefault(wider, wider), frozenset(found | new))
        self._dirty += 1
        return set((found | new) & words.name_set)

    def recorded(self) -> bool:
        return bool(self._entries)

    def digest(
        self, full: str, key: str, stamp: tuple[int, int, int] | None = None
    ) -> tuple[str | None, bytes | None]:
        """(digest, bytes if they had to be read) for the file at ``full``; ``stamp``: its
        (mtime_ns, size, inode) if this run stat'ed it already."""
        if stamp is None:
            try:
                st = os.stat(full)
            except OSError:
                return None, None
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        value = self.vouched(key, stamp)
        return (value, None) if value is not None else self._hash(full, key, stamp)

    def vouched(self, key: str, stamp: tuple[int, int, int]) -> str | None:
        """The recorded digest of ``key`` if its (mtime_ns, size, inode) still match and were not racy."""
        entry = self._entries.get(key)
        if entry is not None and entry[:3] == stamp and stamp[0] < entry[3] - self._RACY_NS:
            return entry[4]
        return None

    def unchanged(
        self, prefix: str, keys: Iterable[str], stamps: Mapping[str, tuple[int, int, int]] | None = None
    ) -> tuple[dict[str, str], list[str]]:
        """(digest of each file the manifest vouches for, the other keys): ``digest`` over many files.

        One loop, with no stat for a file in ``stamps`` (its (mtime_ns, size, inode), stat'ed
        this run already) or unknown to the manifest: a run over one changed file in a tree of
        10,000 asks this of every file. ``vouched`` is the one rule for trusting an entry.
        """
        entries, stat, vouched, taken = self._entries, os.stat, self.vouched, stamps or {}
        known: dict[str, str] = {}
        others: list[str] = []
        for key in keys:
            stamp = taken.get(key)
            if stamp is None and key in entries:  # a file the manifest never saw needs no stat here
                try:
                    st = stat(prefix + key)
                except OSError:
                    others.append(key)
                    continue
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            value = vouched(key, stamp) if stamp is not None else None
            if value is None:
                others.append(key)
            else:
                known[key] = value
        return known, others

    def _hash(self, full: str, key: str, stamp: tuple[int, int, int]) -> tuple[str | None, bytes | None]:
        try:
            data = read_regular(full)
        except OSError:
            return None, None
        value = digest(data)
        self._entries[key] = (*stamp, time_ns(), value)
        self._dirty += 1
        return value, data

    def save(self) -> None:
        # A few new entries are not worth rewriting every file's: the next run hashes those few
        # files again, which costs less than writing the whole manifest.
        if self._dirty <= (self._SAVE_AFTER if self._loaded else 0):
            return
        try:
            prepare_folder(self.path.parent)
            # Each distinct searched set once (most files share one), referred to by its place.
            sets: dict[frozenset[str], int] = {}
            live = {entry[4] for entry in self._entries.values()}
            words = {
                key: [sets.setdefault(searched, len(sets)), sorted(found)]
                for key, (searched, found) in self._words.items()
                if key in live
            }
            data = {
                "format": FORMAT,
                "entries": self._entries,
                "searched": [sorted(s) for s in sets],
                "words": words,
            }
            write_bytes_atomic(self.path, json.dumps(data, separators=(",", ":")).encode(), durable=False)
            self._dirty = 0
        except OSError:
            pass


def _checked_entries(data: Any) -> dict[str, tuple[int, int, int, int, str]]:
    """The manifest's stat table from its JSON, every value checked (ValueError/TypeError/KeyError if one is off)."""
    if type(data) is not dict or data.get("format") != FORMAT:
        raise ValueError("another format")
    entries: dict[str, tuple[int, int, int, int, str]] = {}
    for key, entry in data["entries"].items():
        if type(entry) is not list or len(entry) != 5:
            raise ValueError(key)
        a, b, c, d, e = entry
        if type(a) is not int or type(b) is not int or type(c) is not int or type(d) is not int or type(e) is not str:
            raise ValueError(key)
        entries[key] = (a, b, c, d, e)
    return entries


def _checked_words(data: Any) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """The manifest's word table from its JSON, every value checked."""
    searched = [frozenset(_strings(s)) for s in data["searched"]]
    empty = _NOTHING[1]
    words: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for key, (index, found) in data["words"].items():
        if type(key) is not str or type(index) is not int or not 0 <= index < len(searched):
            raise ValueError(key)
        words[key] = (searched[index], frozenset(_strings(found)) or empty)
    return words


def _strings(value: Any) -> list[str]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise ValueError("expected a list of strings")
    return value
