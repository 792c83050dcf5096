"""SourceProviders over one commit's git tree: paths from the tree listing, blobs read on demand or fetched together."""

from __future__ import annotations

import threading
from typing import Callable, Iterable, Mapping

from productops_lint.detect.roots import PACKAGING_FILES

BlobFetcher = Callable[[str], bytes]
# Many blobs in one call (RepoClient.blobs fetches them concurrently).
ManyBlobFetcher = Callable[[list[str]], Mapping[str, bytes]]


class BlobCache:
    """Blob contents by SHA: a blob is fetched once however many trees (base, head) share it."""

    def __init__(self, fetch: BlobFetcher, fetch_many: ManyBlobFetcher | None = None) -> None:
        self._fetch = fetch
        self._fetch_many = fetch_many
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.fetched = 0

    def get(self, sha: str) -> bytes:
        with self._lock:
            cached = self._blobs.get(sha)
        if cached is not None:
            return cached
        data = self._fetch(sha)
        with self._lock:
            self.fetched += 1
            self._blobs[sha] = data
        return data

    def prefetch(self, shas: Iterable[str]) -> None:
        """Fetch the blobs not held yet in one call (concurrently, when the source can)."""
        with self._lock:
            missing = [sha for sha in dict.fromkeys(shas) if sha not in self._blobs]
        if not missing:
            return
        got = self._fetch_many(missing) if self._fetch_many is not None else {sha: self._fetch(sha) for sha in missing}
        with self._lock:
            self.fetched += len(got)
            self._blobs.update(got)


class TreeProvider:
    """The engine's SourceProvider over a commit (GitHub API or local git): a file is read when the
    engine asks for it, unless ``prefetch`` fetched it already."""

    def __init__(self, tree: Mapping[str, str], blobs: BlobCache, excluded: Callable[[str], bool] | None = None) -> None:
        self.tree = dict(tree)
        self.blobs = blobs
        self.excluded = excluded or (lambda path: False)

    def paths(self) -> Iterable[str]:
        return sorted(path for path in self.tree if path.endswith(".py") and not self.excluded(path))

    def packaging_paths(self) -> list[str]:
        return [path for path in self.tree if path.rpartition("/")[2] in PACKAGING_FILES and not self.excluded(path)]

    def prefetch(self) -> None:
        """Fetch at once what an analysis of the commit reads: the engine's pre-filter reads every
        Python file of the project, and the import roots come from the packaging files."""
        self.blobs.prefetch(self.tree[path] for path in [*self.paths(), *self.packaging_paths()])

    def packaging(self) -> dict[str, str]:
        """The text of each packaging file of the commit (where import roots are declared)."""
        found: dict[str, str] = {}
        for path in self.packaging_paths():
            text = self.text(path)
            if text is not None:
                found[path] = text
        return found

    def read(self, path: str) -> bytes | None:
        sha = self.tree.get(path)
        return None if sha is None else self.blobs.get(sha)

    def text(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else data.decode("utf-8", errors="replace")
