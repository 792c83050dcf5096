"""Stand-in GitHub issues for the epic check: labels, issue types, sub-issues and the parent endpoint."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from .github_fake_repos import GitHubStandIn

ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}"


@dataclass
class FakeIssue:
    """An issue as a test sets it up; ``parent`` is ``N`` (same repository) or ``owner/repo#N``."""

    repo: str
    number: int
    title: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    issue_type: str | None = None
    parent: int | str | None = None


def issues_of(server: "GitHubStandIn") -> dict[tuple[str, int], FakeIssue]:
    found = getattr(server, "fake_issues", None)
    if found is None:
        found = {}
        server.fake_issues = found  # type: ignore[attr-defined]
    return found


def add_issue(server: "GitHubStandIn", repo: str, number: int, title: str, **kwargs: Any) -> FakeIssue:
    issue = FakeIssue(repo, number, title, **kwargs)
    issues_of(server)[(repo.lower(), number)] = issue
    return issue


def _parent_of(issue: FakeIssue) -> tuple[str, int] | None:
    if issue.parent is None:
        return None
    if isinstance(issue.parent, int):
        return issue.repo.lower(), issue.parent
    repo, _, number = issue.parent.partition("#")
    return repo.lower(), int(number)


def _example(server: "GitHubStandIn", method: str, template: str) -> Any:
    # Issue examples nest one level deeper than the others: value -> $ref -> {summary, value}.
    examples = server.spec["paths"][template][method.lower()]["responses"]["200"]["content"]["application/json"]["examples"]
    node: Any = next(iter(examples.values()))
    while isinstance(node, dict) and ("$ref" in node or "value" in node):
        node = server.spec["components"]["examples"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["value"]
    return copy.deepcopy(node)


def _issue_type(server: "GitHubStandIn", name: str) -> dict[str, Any]:
    return {"id": abs(hash(name)) % 10**6, "node_id": f"IT_{name}", "name": name, "description": f"A {name.lower()}",
            "color": "purple", "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "is_enabled": True}


def issue_json(server: "GitHubStandIn", issue: FakeIssue) -> dict[str, Any]:
    """The issue as `GET /repos/{owner}/{repo}/issues/{issue_number}` answers, with sub-issues fields."""
    data = _example(server, "GET", ISSUE)
    repo_url = f"{server.url}/repos/{issue.repo}"
    label = data["labels"][0]
    data.update(number=issue.number, title=issue.title, state=issue.state, id=issue.number * 7,
                url=f"{repo_url}/issues/{issue.number}", repository_url=repo_url,
                html_url=f"https://github.example/{issue.repo}/issues/{issue.number}",
                labels=[dict(label, name=name, id=i + 1) for i, name in enumerate(issue.labels)],
                state_reason="completed" if issue.state == "closed" else None)
    data.pop("pull_request", None)
    data["type"] = _issue_type(server, issue.issue_type) if issue.issue_type else None
    children = [i for i in issues_of(server).values() if _parent_of(i) == (issue.repo.lower(), issue.number)]
    done = sum(1 for c in children if c.state == "closed")
    data["sub_issues_summary"] = {"total": len(children), "completed": done,
                                  "percent_completed": done * 100 // len(children) if children else 0}
    parent = _parent_of(issue)
    parent_issue = issues_of(server).get(parent) if parent else None
    data["parent_issue_url"] = (f"{server.url}/repos/{parent_issue.repo}/issues/{parent_issue.number}"
                                if parent_issue else None)
    return data


def register(server: "GitHubStandIn") -> None:
    route = server.route

    def found(owner: str, repo: str, number: str) -> FakeIssue | None:
        return issues_of(server).get((f"{owner}/{repo}".lower(), int(number)))

    @route("GET", ISSUE)
    def get_issue(request: Request, owner: str, repo: str, issue_number: str) -> tuple[int, Any]:
        issue = found(owner, repo, issue_number)
        if issue is not None:
            return 200, issue_json(server, issue)
        state = server._repo(owner, repo)
        pull = state.pulls.get(int(issue_number)) if state else None
        if state is not None and pull is not None and not pull.deleted:
            # Pull requests are issues to this endpoint, told apart by `pull_request`.
            shaped = issue_json(server, FakeIssue(state.full_name, pull.number, f"Pull request {pull.number}"))
            shaped["pull_request"] = {"url": f"{server.url}/repos/{state.full_name}/pulls/{pull.number}",
                                      "html_url": f"https://github.example/{state.full_name}/pull/{pull.number}",
                                      "diff_url": None, "patch_url": None}
            return 200, shaped
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue"}

    @route("GET", ISSUE + "/parent")
    def get_parent(request: Request, owner: str, repo: str, issue_number: str) -> tuple[int, Any]:
        issue = found(owner, repo, issue_number)
        parent = _parent_of(issue) if issue else None
        parent_issue = issues_of(server).get(parent) if parent else None
        if parent_issue is None:
            return 404, {"message": "Not Found"}
        return 200, issue_json(server, parent_issue)

    @route("GET", ISSUE + "/sub_issues")
    def sub_issues(request: Request, owner: str, repo: str, issue_number: str) -> tuple[int, Any]:
        issue = found(owner, repo, issue_number)
        if issue is None:
            return 404, {"message": "Not Found"}
        key = (issue.repo.lower(), issue.number)
        children = [i for i in issues_of(server).values() if _parent_of(i) == key]
        per_page = int(request.args.get("per_page", 30))
        page = int(request.args.get("page", 1))
        return 200, [issue_json(server, c) for c in children[(page - 1) * per_page: page * per_page]]
