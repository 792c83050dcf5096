"""`productops-lint pr check`: the PR checks in a GitHub Actions job, from the event payload, the REST API and local git."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Mapping, Sequence

import click

from .gather import PullFile, gather
from .run import Outcome, merged_body, plain_text, run_checks, section_markdown, ticks_of_edit
from .types import ACTION_REQUIRED, FAILURE

DEFAULT_API_URL = "https://api.github.com"


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub answered {status}: {message}")
        self.status = status


class RestClient:
    """The few REST calls `pr check` makes, over urllib (no PyGithub needed in a CI job)."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = f"{self.api_url}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": "productops-lint"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method), timeout=30) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            raise GitHubError(exc.code, exc.read().decode(errors="replace")[:300]) from None
        return json.loads(raw) if raw else None

    def pages(self, path: str) -> list[Any]:
        out: list[Any] = []
        for page in range(1, 100):
            batch = self.request("GET", path, per_page=100, page=page)
            out.extend(batch)
            if len(batch) < 100:
                break
        return out


_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")


class LocalGit:
    """Trees and blobs from the job's checkout, when it holds the commits (fetch-depth 0)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _git(self, *args: str) -> bytes | None:
        try:
            done = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    def has(self, sha: str) -> bool:
        return self._git("cat-file", "-e", f"{sha}^{{commit}}") is not None

    def tree(self, sha: str) -> dict[str, str] | None:
        listing = self._git("ls-tree", "-r", "-z", sha)
        if listing is None:
            return None
        out: dict[str, str] = {}
        for entry in filter(None, listing.split(b"\0")):
            meta, path = entry.split(b"\t", 1)
            _mode, kind, blob = meta.decode().split()
            if kind == "blob":
                out[path.decode()] = blob
        return out

    def blob(self, sha: str) -> bytes | None:
        return self._git("cat-file", "blob", sha)

    def blobs(self, shas: Sequence[str]) -> dict[str, bytes]:
        """The blobs of ``shas`` the checkout holds, from one `git cat-file --batch` (not a process each)."""
        wanted = [sha for sha in shas if _OBJECT_ID.fullmatch(sha)]  # a line is a name to cat-file
        if not wanted:
            return {}
        try:
            done = subprocess.run(["git", "-C", str(self.path), "cat-file", "--batch"], capture_output=True,
                                  input="".join(f"{sha}\n" for sha in wanted).encode("ascii"), timeout=600)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        out: dict[str, bytes] = {}
        data, at = done.stdout, 0
        for sha in wanted:  # `<sha> blob <size>\n<content>\n`, or `<sha> missing\n`
            end = data.find(b"\n", at)
            if end < 0:
                break
            header = data[at:end].split()
            at = end + 1
            if len(header) == 3:
                size = int(header[2])
                if header[1] == b"blob":
                    out[sha] = data[at : at + size]
                at += size + 1
        return out


class ActionPullSource:
    """The PullSource of `pr check`: local git first, the REST API for what the checkout lacks."""

    def __init__(self, client: RestClient, repo: str, number: int, git: LocalGit | None) -> None:
        self.client, self.repo, self.number, self.git = client, repo, number, git

    def tree(self, sha: str) -> Mapping[str, str]:
        local = self.git.tree(sha) if self.git is not None and self.git.has(sha) else None
        if local is not None:
            return local
        data = self.client.request("GET", f"/repos/{self.repo}/git/trees/{sha}", recursive="1")
        return {e["path"]: e["sha"] for e in data["tree"] if e["type"] == "blob"}

    def blob(self, sha: str) -> bytes:
        local = self.git.blob(sha) if self.git is not None else None
        if local is not None:
            return local
        return _blob(self.client, self.repo, sha)

    def blobs(self, shas: Sequence[str]) -> Mapping[str, bytes]:
        found: dict[str, bytes] = self.git.blobs(shas) if self.git is not None else {}
        return {sha: found[sha] if sha in found else _blob(self.client, self.repo, sha) for sha in shas}

    def commits(self) -> list[tuple[str, str]]:
        return [(c["sha"], c["commit"]["message"]) for c in self.client.pages(f"/repos/{self.repo}/pulls/{self.number}/commits")]

    def files(self) -> list[PullFile]:
        listed = self.client.pages(f"/repos/{self.repo}/pulls/{self.number}/files")
        return [PullFile(f["filename"], str(f.get("status") or "modified"), f.get("patch")) for f in listed]

    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        owner = self.repo.split("/", 1)[0]
        try:
            branch = self.client.request("GET", f"/repos/{owner}/.github")["default_branch"]
            tree = self.client.request("GET", f"/repos/{owner}/.github/git/trees/{branch}", recursive="1")["tree"]
        except GitHubError as exc:
            if exc.status in (403, 404, 409):  # the job's token often cannot read other repositories
                return None
            raise
        prefix = folder.strip("/") + "/"
        wanted = sorted((e["path"], e["sha"]) for e in tree if e["type"] == "blob" and e["path"].startswith(prefix)
                        and e["path"].endswith((".yml", ".yaml")))
        return [(path, _blob(self.client, f"{owner}/.github", sha).decode("utf-8", errors="replace")) for path, sha in wanted]


def _blob(client: RestClient, repo: str, sha: str) -> bytes:
    import base64

    data = client.request("GET", f"/repos/{repo}/git/blobs/{sha}")
    return base64.b64decode(data["content"]) if data.get("encoding") == "base64" else str(data["content"]).encode()


def check_event(payload: Mapping[str, Any], env: Mapping[str, str], workdir: Path, update_body: bool) -> Outcome:
    """The two results for a saved `pull_request` event, as the App would conclude them."""
    pull = payload.get("pull_request")
    repo = (payload.get("repository") or {}).get("full_name")
    if not isinstance(pull, Mapping) or not isinstance(repo, str):
        raise click.UsageError("the event is not a `pull_request` event (no `pull_request` or `repository`)")
    client = RestClient(env.get("GITHUB_API_URL") or DEFAULT_API_URL, env.get("GITHUB_TOKEN", ""))
    git = LocalGit(workdir) if (workdir / ".git").exists() else None
    number = int(pull["number"])
    ticks = []
    previous = ((payload.get("changes") or {}).get("body") or {}).get("from")
    sender = str((payload.get("sender") or {}).get("login") or "")
    if payload.get("action") == "edited" and previous is not None and sender:
        # No store in a CI job: only this edit's ticks are known.
        ticks = ticks_of_edit(str(previous), str(pull.get("body") or ""), sender, str(pull.get("updated_at") or ""))
    gathered = gather(repo, pull, ActionPullSource(client, repo, number, git), ticks)
    body = merged_body(gathered)
    if body is not None:
        if update_body:
            try:
                client.request("PATCH", f"/repos/{repo}/pulls/{number}", {"body": body})
            except GitHubError as exc:
                click.echo(f"warning: could not insert the checklist into the PR body ({exc}); "
                           "give the job `pull-requests: write`", err=True)
        import dataclasses

        gathered = dataclasses.replace(gathered, facts=dataclasses.replace(gathered.facts, body=body))
    # `#N` is looked up in the PR's repository, which a saved payload names even outside Actions.
    return run_checks(gathered, {**env, "GITHUB_REPOSITORY": repo}, github=client)


@click.group("pr")
def pr_group() -> None:
    """The pull request checks: epic link and launch checklist."""


@pr_group.command("check")
@click.option("--event-path", type=click.Path(exists=True, dir_okay=False), envvar="GITHUB_EVENT_PATH", required=True,
              help="The `pull_request` event payload ($GITHUB_EVENT_PATH in Actions).")
@click.option("--repo-path", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The checkout, for trees and blobs without API calls.")
@click.option("--update-body/--no-update-body", default=True, show_default=True,
              help="Insert the checklist section into the PR body (needs `pull-requests: write`).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def pr_check(event_path: str, repo_path: str, update_body: bool, fmt: str) -> None:
    """Run the epic-link and launch-checklist checks on a pull request; exit 1 when one fails."""
    try:
        payload = json.loads(Path(event_path).read_text())
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"{event_path}: not a JSON event payload ({exc})") from None
    try:
        outcome = check_event(payload, os.environ, Path(repo_path), update_body)
    except GitHubError as exc:
        raise click.ClickException(f"{exc} (set GITHUB_TOKEN, and GITHUB_API_URL on GitHub Enterprise)") from None
    if fmt == "json":
        click.echo(json.dumps([{"name": r.name, "conclusion": r.conclusion, "title": r.title, "summary": r.summary,
                                "items": [{"id": i.id, "status": i.status, "reason": i.reason} for i in r.items]}
                               for r in outcome.results], indent=2))
    else:
        click.echo("\n\n".join(plain_text(r) for r in outcome.results))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            for r in outcome.results:
                handle.write(f"## {r.name}: {r.conclusion}\n\n{section_markdown(r)}\n\n")
    sys.exit(1 if any(r.conclusion in (FAILURE, ACTION_REQUIRED) for r in outcome.results) else 0)
