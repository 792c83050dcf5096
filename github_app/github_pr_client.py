"""The PR checks' and commands' calls on one repository (mixed into RepoClient): reads, body edits, reactions, named runs."""

from __future__ import annotations

import base64
import uuid
from typing import TYPE_CHECKING, Any, Callable, ContextManager, TypeVar

from github import GithubException
from github.CheckRun import CheckRun
from github.Repository import Repository

from .github_safety import reauthed, write_once

if TYPE_CHECKING:
    from .github import GitHubApp

T = TypeVar("T")

class PullRequestChecksClient:
    """The calls of the PR checks and commands (epic link, launch checklist, `/productops`), mixed into RepoClient.

    Every call is ``reauthed`` (a 401 mints a new token and tries once more) and every write goes
    through ``write_once`` (a lost answer never makes a second run, review or comment).
    """

    # Set by RepoClient.
    _repo: Repository
    app: "GitHubApp"
    full_name: str
    installation_id: int

    def _writing(self) -> ContextManager[None]:
        raise NotImplementedError

    def _write(self, send: Callable[[], T], find: Callable[[], T | None] | None = None) -> T:
        with self._writing():
            return write_once(send, find, self.app.write_backoff)

    # Reads
    @reauthed
    def pull_data(self, number: int) -> dict[str, Any]:
        """The pull request as GitHub's REST API returns it (the shape of the webhook's `pull_request`)."""
        return dict(self._repo.get_pull(number).raw_data)

    @reauthed
    def pull_commits(self, number: int) -> list[tuple[str, str]]:
        """(sha, message) of the pull request's commits, oldest first (GitHub lists at most 250)."""
        return [(c.sha, c.commit.message) for c in self._repo.get_pull(number).get_commits()]

    @reauthed
    def permission(self, login: str) -> str:
        """The user's permission on the repository: `admin`, `write`, `read` or `none`."""
        return str(self._repo.get_collaborator_permission(login))

    @reauthed
    def named_check_runs(self, name: str, head_sha: str) -> list[CheckRun]:
        """Our check runs called ``name`` on ``head_sha``, newest first."""
        runs = self._repo.get_commit(head_sha).get_check_runs(check_name=name)
        return sorted((r for r in runs if r.app.id == self.app.settings.app_id), key=lambda r: r.id, reverse=True)

    @reauthed
    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        """The YAML files under ``folder`` of the owner's `.github` repository (its default branch);
        None when the repository does not exist or the App cannot read it."""
        owner = self.full_name.split("/", 1)[0]
        try:
            repo = self.app.client(self.installation_id).get_repo(f"{owner}/.github")
            tree = repo.get_git_tree(repo.default_branch, recursive=True)
        except GithubException as exc:
            if exc.status in (403, 404, 409):  # missing, not installed there, or empty
                return None
            raise
        prefix = folder.strip("/") + "/"
        out = []
        for entry in sorted(tree.tree, key=lambda e: e.path):
            if entry.type == "blob" and entry.path.startswith(prefix) and entry.path.endswith((".yml", ".yaml")):
                blob = repo.get_git_blob(entry.sha)
                data = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
                out.append((entry.path, data.decode("utf-8", errors="replace")))
        return out

    # Writes
    @reauthed
    def edit_pull_body(self, number: int, body: str) -> None:
        self._write(lambda: self._repo.get_pull(number).edit(body=body))

    @reauthed
    def add_reaction(self, number: int, comment_id: int, content: str) -> None:
        """React to an issue comment (GitHub answers 200 when the reaction is already there)."""
        self._write(lambda: self._repo.get_issue(number).get_comment(comment_id).create_reaction(content))

    @reauthed
    def create_named_check_run(self, name: str, head_sha: str, **fields: Any) -> CheckRun:
        # A nonce in external_id tells the run this call made from any other, should its answer be lost.
        external_id = str(fields.pop("external_id", None) or uuid.uuid4().hex)

        def made() -> CheckRun | None:
            return next((r for r in self.named_check_runs(name, head_sha) if r.external_id == external_id), None)

        return self._write(
            lambda: self._repo.create_check_run(name=name, head_sha=head_sha, external_id=external_id, **fields), made
        )
