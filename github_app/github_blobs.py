"""Blob reads for RepoClient: blob bytes kept across jobs by SHA (bounded), missing ones fetched a few at a time."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable

from github import Github
from github.Repository import Repository

from .github_safety import reauthed

if TYPE_CHECKING:
    from .github import GitHubApp

# Bytes of blob content one worker process keeps; the least recently used go first.
BLOB_CACHE_BYTES = 64 * 1024 * 1024
# Blob GETs of one job in flight at once: GitHub asks for few concurrent requests (its secondary
# limits count them), and a few already hide most of each request's round trip.
FETCH_THREADS = 8


def git_blob_id(data: bytes) -> str:
    """The SHA git names a blob of ``data`` by."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class KnownBlobs:
    """Blob bytes by (repository, SHA), bounded by their total size.

    A blob's SHA is the hash of its content, so what is kept is never stale: a later push of the
    same pull request fetches only the files it changed. Only content that hashes to its SHA is
    kept, and each repository has its own entries (no installation reads another's blobs)."""

    def __init__(self, limit: int = BLOB_CACHE_BYTES) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, repo: str, sha: str) -> bytes | None:
        with self._lock:
            data = self._items.get((repo, sha))
            if data is not None:
                self._items.move_to_end((repo, sha))
            return data

    def put(self, repo: str, sha: str, data: bytes) -> None:
        if len(data) > self.limit or git_blob_id(data) != sha:
            return
        with self._lock:
            if (repo, sha) in self._items:
                self._items.move_to_end((repo, sha))
                return
            self._items[(repo, sha)] = data
            self._size += len(data)
            while self._size > self.limit:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)


class BlobReads:
    """RepoClient's blob reads (mixed in): from the App's KnownBlobs, else from GitHub.

    Each fetch is ``reauthed`` and goes through the App's retry, as every other read does."""

    # Set by RepoClient.
    _repo: Repository
    app: "GitHubApp"
    full_name: str
    installation_id: int

    def blob(self, sha: str) -> bytes:
        return self.blobs([sha])[sha]

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob; the ones not kept are fetched, ``app.blob_threads`` at once."""
        out: dict[str, bytes] = {}
        missing = []
        for sha in dict.fromkeys(shas):
            data = self.app.blob_cache.get(self.full_name, sha)
            if data is None:
                missing.append(sha)
            else:
                out[sha] = data
        if len(missing) > 1 and self.app.blob_threads > 1:
            out.update(self._fetch_concurrently(missing, self.app.blob_threads))
        else:
            out.update((sha, self._fetch_blob(self._repo, sha)) for sha in missing)
        return out

    def _fetch_concurrently(self, shas: list[str], threads: int) -> dict[str, bytes]:
        # A PyGithub connection object holds each request between sending it and reading the answer
        # (PyGithub PR #2052), so no two threads may share a client: each pool thread makes its own,
        # on the installation's shared token (a refresh by one thread reaches all).
        local = threading.local()
        clients: list[Github] = []
        lock = threading.Lock()

        def fetch(sha: str) -> tuple[str, bytes]:
            repo: Repository | None = getattr(local, "repo", None)
            if repo is None:
                client = self.app.new_client(self.installation_id)
                with lock:
                    clients.append(client)
                repo = local.repo = client.get_repo(self.full_name)
            return sha, self._fetch_blob(repo, sha)

        pool = ThreadPoolExecutor(min(threads, len(shas)), thread_name_prefix="productops-blobs")
        try:
            return dict(pool.map(fetch, shas))
        finally:
            # On the first failure the blobs not started yet are not fetched at all.
            pool.shutdown(cancel_futures=True)
            for client in clients:
                client.close()

    @reauthed
    def _fetch_blob(self, repo: Repository, sha: str) -> bytes:
        blob = repo.get_git_blob(sha)
        data = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
        self.app.blob_cache.put(self.full_name, sha, data)
        return data
