"""Read a local git repository through the git CLI: trees, blobs and GitHub-style per-file patches."""

from __future__ import annotations

import re
import subprocess
import threading
import weakref
from pathlib import Path
from typing import IO

from .github import SYMLINK_MODE, ChangedFile

_STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "copied", "T": "changed"}


class GitError(Exception):
    """A git command failed; the message is git's own."""


_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")


class _BlobReader:
    """One ``git cat-file --batch`` for the repository's life: a blob per line asked, no process per blob."""

    def __init__(self, path: Path) -> None:
        self._process = subprocess.Popen(
            ["git", "-C", str(path), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()

    def read(self, sha: str) -> bytes:
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            stdin: IO[bytes] = self._process.stdin
            stdout: IO[bytes] = self._process.stdout
            stdin.write(sha.encode("ascii") + b"\n")
            stdin.flush()
            header = stdout.readline().split()  # `<sha> blob <size>`, or `<name> missing`
            if len(header) != 3:
                raise GitError(f"fatal: {sha}: no such object" if header else "git cat-file stopped")
            size = int(header[2])
            data = stdout.read(size)
            stdout.read(1)  # the newline after the content
        if header[1] != b"blob":
            raise GitError(f"fatal: {sha} is a {header[1].decode()}, not a blob")
        return data

    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


class LocalRepo:
    """A git working copy or bare repository on disk."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._blobs: _BlobReader | None = None
        self._blobs_lock = threading.Lock()

    def git(self, *args: str) -> bytes:
        done = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True)
        if done.returncode != 0:
            raise GitError(done.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
        return done.stdout

    def rev_parse(self, rev: str) -> str:
        return self.git("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").decode().strip()

    def merge_base(self, a: str, b: str) -> str:
        return self.git("merge-base", a, b).decode().strip()

    def entries(self, sha: str) -> dict[str, tuple[str, str]]:
        """Every blob of the commit's tree with its mode: path -> (mode, blob SHA), symlinks included."""
        out: dict[str, tuple[str, str]] = {}
        for entry in self.git("ls-tree", "-r", "-z", sha).split(b"\0"):
            if not entry:
                continue
            meta, path = entry.split(b"\t", 1)
            mode, kind, blob = meta.decode().split()
            if kind == "blob":
                out[path.decode()] = (mode, blob)
        return out

    def tree(self, sha: str) -> dict[str, str]:
        """Every regular file of the commit's tree: path -> blob SHA (like RepoClient.tree).

        A symlink's blob is its target's path; it is left out, as a checkout would follow it
        outside the repository (see SECURITY.md)."""
        return {path: blob for path, (mode, blob) in self.entries(sha).items() if mode != SYMLINK_MODE}

    def blob(self, sha: str) -> bytes:
        """The blob's bytes; only an object id is taken (cat-file would also read `HEAD:path`)."""
        if not _OBJECT_ID.fullmatch(sha):
            raise GitError(f"fatal: not a valid object name {sha[:80]!r}")
        with self._blobs_lock:
            if self._blobs is None or not self._blobs.alive():  # a reader killed from outside is replaced
                self._blobs = _BlobReader(self.path)
                weakref.finalize(self, self._blobs.close)
        return self._blobs.read(sha)

    def close(self) -> None:
        """Stop the blob reader (it also stops when the repository object is collected)."""
        with self._blobs_lock:
            if self._blobs is not None:
                self._blobs.close()
                self._blobs = None

    def changed_files(self, base: str, head: str) -> list[ChangedFile]:
        """Files changed from the merge base of ``base`` to ``head``, each with its hunks only
        (what GitHub's pull request files API calls ``patch``)."""
        merge_base = self.merge_base(base, head)
        names = self.git("diff", "--name-status", "-z", "-M", merge_base, head).split(b"\0")
        files: list[ChangedFile] = []
        i = 0
        while i < len(names) - 1:
            status = names[i].decode()
            if status[0] in "RC":
                old, new = names[i + 1].decode(), names[i + 2].decode()
                i += 3
            else:
                old, new = None, names[i + 1].decode()
                i += 2
            diff = self.git("diff", "-M", "--no-color", "--no-ext-diff", merge_base, head, "--", *(p for p in (old, new) if p))
            text = diff.decode(errors="replace")
            patch = text[text.index("@@"):] if "@@" in text else None
            if patch is not None and patch.endswith("\n"):
                patch = patch[:-1]  # GitHub's patches carry no final newline
            files.append(ChangedFile(new, _STATUS.get(status[0], "modified"), patch, old))
        return files
