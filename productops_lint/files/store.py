"""The cache folder and safe writes: entries as checked JSON, the folder's trust rule, atomic writes, fixes that check first."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any, TypeVar

from .. import plain

T = TypeVar("T")

# The store's one format version: bump when the layout of an entry or of the manifest changes.
# Each entry also names its type and the fingerprint of that type's fields (``plain.fingerprint``).
FORMAT = 1
# Files the tool writes into a folder it created: the standard cache-folder tag (backup tools
# skip such folders), a .gitignore, and a marker naming the folder it was written in.
_TAG = "CACHEDIR.TAG"
_TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by productops-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_MARKER = "productops-cache.json"


def trust_problem(folder: Path) -> str | None:
    """Why the cache ``folder`` must not be used (None: it may be).

    The tool uses a folder that does not exist yet, an empty one, or one that carries its
    marker, belongs to the current user (where files have owners) and holds no file tracked by
    git. The marker records the folder's device and inode: a folder this tool created in this
    checkout is recognised from that alone. One restored or copied into place (a CI cache) has
    another inode; it is adopted once git confirms that none of its files is committed. A
    folder committed to the repository, or one of another tool's, is never read.
    """
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not os.path.isdir(folder):
        return "is not a folder"
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        return "belongs to another user"
    marker = _read_json(folder / _MARKER)
    if isinstance(marker, dict) and marker.get("tool") == "productops-lint":
        if marker.get("folder") == [st.st_dev, st.st_ino]:
            return None
        if _tracked(folder):
            return "holds files committed to git"
        try:
            prepare_folder(folder)  # restored or copied here: the tool's own from now on
        except OSError:
            pass
        return None
    try:
        if not any(os.scandir(folder)):
            return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return "was not created by productops-lint"


def _tracked(folder: Path) -> bool:
    """Whether git tracks any file under ``folder`` (False outside a repository, or without git)."""
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=folder, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout)


def prepare_folder(folder: Path) -> None:
    """Create the cache ``folder`` if needed, with the marker that lets later runs trust it."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / _MARKER
    st = os.stat(folder)
    if _read_json(marker) == {"tool": "productops-lint", "folder": [st.st_dev, st.st_ino]}:
        return
    (folder / ".gitignore").write_text("# Created by productops-lint.\n*\n")
    (folder / _TAG).write_text(_TAG_TEXT)
    data = json.dumps({"tool": "productops-lint", "folder": [st.st_dev, st.st_ino]})
    write_bytes_atomic(marker, data.encode(), durable=False)


def open_cache(folder: Path) -> tuple[FileCache | None, str | None]:
    """The cache in ``folder``, or None and a one-line warning when the folder is not trusted."""
    problem = trust_problem(folder)
    if problem is not None:
        return None, f"warning: cache folder {folder} {problem}; running without a cache (delete it to start a new one)"
    return FileCache(folder), None


def _read_json(path: Path) -> Any:
    """The JSON in ``path``; None if it is missing, unreadable or not JSON."""
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return None


class FileCache:
    """Entries on disk, one JSON file per key; writes are atomic so concurrent runs can share the folder.

    An entry is written as ``{"format", "kind", "schema", "value"}``. It is read back only as the
    type asked for, when its format and its type's field fingerprint match and every value has
    the type its field declares; anything else reads as missing and is computed again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / (key + ".json")

    def get(self, key: str, kind: type[T]) -> T | None:
        data = _read_json(self._path(key))
        if (
            type(data) is not dict
            or data.get("format") != FORMAT
            or data.get("kind") != kind.__qualname__
            or data.get("schema") != plain.fingerprint(kind)
        ):
            return None
        try:
            value: T = plain.decode(kind, data.get("value"))
        except plain.Invalid:  # a crafted or damaged entry: recompute it
            return None
        return value

    def put(self, key: str, value: object) -> None:
        kind = type(value)
        try:
            body = plain.encode(kind, value)
        except (plain.Unencodable, TypeError, ValueError, RecursionError):
            return  # a value with no plain form is simply not kept
        entry = {"format": FORMAT, "kind": kind.__qualname__, "schema": plain.fingerprint(kind), "value": body}
        try:
            if not self._ready:
                prepare_folder(self.folder)
                self._ready = True
            target = self._path(key)
            target.parent.mkdir(exist_ok=True)
            write_bytes_atomic(target, json.dumps(entry, separators=(",", ":")).encode(), durable=False)
        except (OSError, ValueError):
            pass  # a read-only checkout still lints, just without a cache


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old bytes or the new, never a mix.

    ``durable`` first forces the bytes to disk, so that a crash cannot leave an empty file where
    the old one was: for the user's files. The cache skips it (about 1 ms a file, for hundreds of
    files in a cold run): an entry a crash cut short fails to parse and is recomputed.
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


def read_regular(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``; OSError for anything else (a FIFO, a device).

    Opened without blocking and checked on the open descriptor: a FIFO in the tree would
    otherwise stop the run until something writes to it.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChangedOnDisk(Exception):
    """The file changed since it was read; the fix was not written."""


def write_source_if_unchanged(path: Path, text: str, expected: str) -> None:
    """Write Python ``text`` atomically, in the file's own encoding, unless it no longer reads as ``expected``."""
    import io
    import tokenize

    from ..sources import decode_source

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
