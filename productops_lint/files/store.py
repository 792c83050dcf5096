"""Writing to disk safely: the stat manifest, the result cache, atomic writes, fixes that check first."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from time import time_ns
from typing import Any, Iterable, Mapping

_NOTHING: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


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
        self._words: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        # One object per distinct searched set, so the pickle stores each set once.
        self._shared: dict[frozenset[str], frozenset[str]] = {}
        self._dirty = 0  # entries added or replaced since loading
        self._loaded = False
        try:
            with open(path, "rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict) and loaded.get("format") == 3:
                self._entries, self._words = loaded["entries"], loaded["words"]
                self._loaded = True
                for searched, _ in self._words.values():
                    self._shared.setdefault(searched, searched)
        except Exception:  # missing or corrupt: start afresh
            self._entries, self._words = {}, {}

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
                with open(full, "rb") as handle:
                    data = handle.read()
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
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError:
            return None, None
        value = digest(data)
        self._entries[key] = (*stamp, time_ns(), value)
        self._dirty += 1
        return value, data

    def save(self) -> None:
        # A few new entries are not worth rewriting every file's: the next run hashes those few
        # files again, which costs less than pickling the whole manifest.
        if self._dirty <= (self._SAVE_AFTER if self._loaded else 0):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Each digest string once (the entry's own object keys its words too) and one empty
            # set for the many files that contain none of the words: pickle then writes each
            # once, and loading the manifest, which every run does, makes a third fewer objects.
            live = {entry[4]: entry[4] for entry in self._entries.values()}
            empty = _NOTHING[1]
            words = {live[k]: (searched, found or empty) for k, (searched, found) in self._words.items() if k in live}
            data = {"format": 3, "entries": self._entries, "words": words}
            write_bytes_atomic(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
            self._dirty = 0
        except OSError:
            pass


class FileCache:
    """Summaries on disk, one file per key; writes are atomic so concurrent runs can share the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> object | None:
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # a truncated or foreign entry: recompute it
            return None

    def put(self, key: str, value: object) -> None:
        try:
            if not self._ready:
                self.folder.mkdir(parents=True, exist_ok=True)
                marker = self.folder / ".gitignore"
                if not marker.exists():
                    marker.write_text("# Created by productops-lint.\n*\n")
                self._ready = True
            target = self._path(key)
            target.parent.mkdir(exist_ok=True)
            write_bytes_atomic(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        except OSError:
            pass  # a read-only checkout still lints, just without a cache


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old bytes or the new, never a mix.

    ``durable`` first forces the bytes to disk, so that a crash cannot leave an empty file where
    the old one was: for the user's files. The cache skips it (about 1 ms a file, for hundreds of
    files in a cold run): an entry a crash cut short fails to unpickle and is recomputed.
    """
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _create_beside(path: Path) -> tuple[int, str]:
    """A new, empty, private file in ``path``'s folder, open for writing: ``tempfile.mkstemp``'s job.

    Done here because importing ``tempfile`` (with ``shutil``, ``random`` and the compression
    modules) takes about 4 ms, and every run with a cache writes a file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:  # a name another writer drew: draw again
            continue


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChangedOnDisk(Exception):
    """The file changed since it was read; the fix was not written."""


def write_source_if_unchanged(path: Path, text: str, expected: str) -> None:
    """Write Python ``text`` atomically, in the file's own encoding, unless it no longer reads as ``expected``."""
    import io
    import tokenize

    from ..engine import decode_source

    current = path.read_bytes()
    try:
        unchanged = decode_source(current) == expected
    except (UnicodeDecodeError, SyntaxError, LookupError):
        unchanged = False
    if not unchanged:
        raise ChangedOnDisk(str(path))
    encoding, _ = tokenize.detect_encoding(io.BytesIO(current).readline)
    data = text.encode(encoding)
    if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    write_bytes_atomic(path, data)


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, text.encode("utf-8"))
