"""The App's PullSource: a pull request's trees, blobs, commits, files and org defaults read through RepoClient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from productops_lint.pr.gather import Gathered, PullFile, gather
from productops_lint.pr.types import Tick

from .github import RepoClient
from .sources import BlobCache

if TYPE_CHECKING:
    from productops_lint.sources import SummaryCache

    from .store import Store


class AppPullSource:
    """One pull request of one installation; each answer fetched once per job."""

    def __init__(self, repo: RepoClient, number: int) -> None:
        self.repo = repo
        self.number = number
        self._blobs = BlobCache(repo.blob, repo.blobs)
        self._trees: dict[str, dict[str, str]] = {}

    def tree(self, sha: str) -> Mapping[str, str]:
        if sha not in self._trees:
            self._trees[sha] = self.repo.tree(sha)
        return self._trees[sha]

    def blob(self, sha: str) -> bytes:
        return self._blobs.get(sha)

    def blobs(self, shas: Sequence[str]) -> Mapping[str, bytes]:
        self._blobs.prefetch(shas)
        return {sha: self._blobs.get(sha) for sha in shas}

    def commits(self) -> list[tuple[str, str]]:
        return self.repo.pull_commits(self.number)

    def files(self) -> list[PullFile]:
        return [PullFile(f.path, f.status, f.patch) for f in self.repo.pull_files(self.number)]

    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        return self.repo.owner_files(folder)


def stored_ticks(store: "Store", repo: str, number: int) -> list[Tick]:
    return [Tick(item, checked, by, at) for item, checked, by, at in store.ticks(repo, number)]


def gather_pull(repo: RepoClient, number: int, pull: Mapping[str, Any], store: "Store",
                summaries: "SummaryCache | None" = None) -> Gathered:
    """The facts and config of ``pull`` (GitHub's JSON of it), with the ticks the App recorded."""
    return gather(repo.full_name, pull, AppPullSource(repo, number), stored_ticks(store, repo.full_name, number),
                  cache=summaries)
