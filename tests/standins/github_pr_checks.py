"""Stand-in GitHub behaviour for the PR checks and commands: PR title/body/labels, commits, body edits, reactions, permissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from .github_fake_repos import GitHubStandIn, PullState, RepoState


@dataclass
class PullDetails:
    """What a person sets on a pull request: the fields the PR checks read."""

    title: str = "Update the shop"
    body: str = ""
    branch: str = ""
    labels: list[str] = field(default_factory=list)
    author: str = "octocat"
    author_type: str = "User"
    # (body, editor login) of every edit through the API, in order.
    edits: list[tuple[str, str]] = field(default_factory=list)


def details(pull: "PullState") -> PullDetails:
    found = getattr(pull, "details", None)
    if found is None:
        found = PullDetails(branch=f"pr-{pull.number}")
        pull.details = found  # type: ignore[attr-defined]
    return found


def repo_extras(repo: "RepoState") -> dict[str, Any]:
    """Per-repository state of this mixin: permissions by login, reactions by comment id."""
    extras = getattr(repo, "pr_checks", None)
    if extras is None:
        extras = {"permissions": {}, "reactions": {}, "default_branch": "main"}
        repo.pr_checks = extras  # type: ignore[attr-defined]
    return extras


def shape_pull(server: "GitHubStandIn", data: dict[str, Any], pull: "PullState") -> None:
    """Put the pull request's title, body, branch, labels, author and size into its JSON."""
    info = details(pull)
    label = server.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")["labels"][0]
    data.update(title=info.title, body=info.body, labels=[dict(label, name=name, id=i + 1) for i, name in enumerate(info.labels)])
    data["user"] = server._user(info.author, info.author_type)
    data["head"]["ref"] = info.branch
    added = removed = 0
    for f in pull.files:
        for line in (f.patch or "").splitlines():
            if line.startswith("+"):
                added += 1
            elif line.startswith("-"):
                removed += 1
    data.update(additions=added, deletions=removed, changed_files=len(pull.files))


def register(server: "GitHubStandIn") -> None:
    route = server.route

    def pull_of(owner: str, repo: str, number: str) -> tuple["RepoState | None", "PullState | None"]:
        state = server._repo(owner, repo)
        pull = state.pulls.get(int(number)) if state else None
        return state, (None if pull is None or pull.deleted else pull)

    @route("GET", "/repos/{owner}/{repo}")
    def get_repo(request: Request, owner: str, repo: str) -> tuple[int, Any]:
        state = server._repo(owner, repo)
        if state is None:
            return 404, {"message": "Not Found"}
        data = server.example("GET", "/repos/{owner}/{repo}")
        data.update(full_name=state.full_name, name=repo, default_branch=repo_extras(state)["default_branch"],
                    url=server._repo_url(state.full_name))
        data["owner"]["login"] = owner
        return 200, data

    @route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def edit_pull(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
        state, pull = pull_of(owner, repo, pull_number)
        if state is None or pull is None:
            return 404, {"message": "Not Found"}
        body = request.get_json()
        info = details(pull)
        if "body" in body:
            info.body = body["body"]
            info.edits.append((body["body"], "productops-lint[bot]"))
        if "title" in body:
            info.title = body["title"]
        return 200, server._pull_json(state, pull)

    @route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits")
    def pull_commits(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
        state, pull = pull_of(owner, repo, pull_number)
        if state is None or pull is None:
            return 404, {"message": "Not Found"}
        template = server.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits")[0]
        log = state.git.git("log", "--reverse", "--format=%H%x00%B%x01", f"{pull.base}..{pull.head}").decode()
        out = []
        for entry in filter(None, (e.strip("\n") for e in log.split("\x01"))):
            sha, _, message = entry.partition("\x00")
            item = dict(template, sha=sha, url=f"{server._repo_url(state.full_name)}/commits/{sha}")
            item["commit"] = dict(template["commit"], message=message.strip())
            out.append(item)
        return 200, out

    @route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
    def permission(request: Request, owner: str, repo: str, username: str) -> tuple[int, Any]:
        state = server._repo(owner, repo)
        assert state is not None
        level = repo_extras(state)["permissions"].get(username, "read")
        data = server.example("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
        data.update(permission=level, role_name=level, user=server._user(username, "User"))
        return 200, data

    @route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
    def react(request: Request, owner: str, repo: str, comment_id: str) -> tuple[int, Any]:
        state = server._repo(owner, repo)
        assert state is not None
        if not any(c["id"] == int(comment_id) for c in state.issue_comments):
            return 404, {"message": "Not Found"}
        content = request.get_json()["content"]
        reactions: list[str] = repo_extras(state)["reactions"].setdefault(int(comment_id), [])
        data = server.example("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201)
        data.update(content=content, user=server._user("productops-lint[bot]", "Bot"))
        if content in reactions:  # GitHub answers 200 when the App already reacted so
            return 200, data
        reactions.append(content)
        return 201, data
