"""GitHub behaviour of the stand-in: App, tokens, git-backed repositories, PRs, checks, comments."""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request

from github_app.diffhunks import commentable
from github_app.github import ChangedFile
from github_app.localgit import LocalRepo

from . import github_issues, github_pr_checks
from .github_api import StandInServer

BOT = "productops-lint[bot]"


@dataclass
class PullState:
    number: int
    head: str
    base: str
    base_ref: str = "main"
    state: str = "open"
    deleted: bool = False
    files: list[ChangedFile] = field(default_factory=list)


@dataclass
class RepoState:
    full_name: str
    git: LocalRepo
    pulls: dict[int, PullState] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    review_comments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    issue_comments: list[dict[str, Any]] = field(default_factory=list)


class GitHubStandIn(StandInServer):
    """What a test sets up and then inspects: ``repos[full_name]`` holds everything posted."""

    def __init__(self, app_id: int, public_key: str, slug: str = "productops-lint") -> None:
        super().__init__(app_id, public_key)
        self.slug = slug
        self.token_ttl = 3600.0
        self.repos: dict[str, RepoState] = {}
        self._ids = itertools.count(1000)
        self._id_lock = threading.Lock()
        self._register()
        github_pr_checks.register(self)
        github_issues.register(self)

    def add_issue(self, full_name: str, number: int, title: str, **kwargs: Any) -> github_issues.FakeIssue:
        """An issue for the epic check: ``labels``, ``state``, ``issue_type``, ``parent`` (N or owner/repo#N)."""
        return github_issues.add_issue(self, full_name, number, title, **kwargs)

    def next_id(self) -> int:
        with self._id_lock:
            return next(self._ids)

    # set-up helpers
    def add_repo(self, full_name: str, git: LocalRepo) -> RepoState:
        self.repos[full_name] = RepoState(full_name, git)
        return self.repos[full_name]

    def open_pull(self, full_name: str, number: int, base_ref: str, head_ref: str) -> PullState:
        repo = self.repos[full_name]
        base, head = repo.git.rev_parse(base_ref), repo.git.rev_parse(head_ref)
        pull = PullState(number, head, base, base_ref, files=repo.git.changed_files(base, head))
        repo.pulls[number] = pull
        return pull

    def push(self, full_name: str, number: int, head_ref: str) -> str:
        repo = self.repos[full_name]
        pull = repo.pulls[number]
        pull.head = repo.git.rev_parse(head_ref)
        pull.files = repo.git.changed_files(pull.base, pull.head)
        return pull.head

    def human_reply(self, full_name: str, comment_id: int, body: str) -> dict[str, Any]:
        repo = self.repos[full_name]
        parent = next(c for c in repo.review_comments if c["id"] == comment_id)
        reply = {**parent, "id": self.next_id(), "body": body, "in_reply_to_id": comment_id,
                 "user": self._user("octocat", "User")}
        repo.review_comments.append(reply)
        return reply

    def human_review_comment(self, full_name: str, number: int, path: str, line: int, body: str) -> dict[str, Any]:
        """A person's comment starting a thread (no `in_reply_to_id`, as GitHub lists it)."""
        repo = self.repos[full_name]
        template = self.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments")[0]
        cid = self.next_id()
        comment = dict(template, id=cid, body=body, path=path, line=line, user=self._user("octocat", "User"),
                       url=f"{self._repo_url(full_name)}/pulls/comments/{cid}", pull_number=number)
        comment.pop("in_reply_to_id", None)
        repo.review_comments.append(comment)
        return comment

    def human_issue_comment(self, full_name: str, number: int, body: str, login: str = "octocat") -> dict[str, Any]:
        comment = self._issue_comment(full_name, number, body, self._user(login, "User"))
        self.repos[full_name].issue_comments.append(comment)
        return comment

    # shaping answers from the description's examples
    def _user(self, login: str, kind: str) -> dict[str, Any]:
        user = self.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")["user"]
        user.update(login=login, type=kind, id=abs(hash(login)) % 10**6)
        return user

    def _repo_url(self, full_name: str) -> str:
        return f"{self.url}/repos/{full_name}"

    def _issue_comment(self, full_name: str, number: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        comment = self.example("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201)
        cid = self.next_id()
        comment.update(id=cid, body=body, user=user, url=f"{self._repo_url(full_name)}/issues/comments/{cid}",
                       issue_url=f"{self._repo_url(full_name)}/issues/{number}")
        return comment

    def _repo(self, owner: str, repo: str) -> RepoState | None:
        return self.repos.get(f"{owner}/{repo}")

    def _pull_json(self, repo: RepoState, pull: PullState) -> dict[str, Any]:
        data = self.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
        url = f"{self._repo_url(repo.full_name)}/pulls/{pull.number}"
        # The description's example is a locked PR; an ordinary one is not (webhook schemas tell apart).
        data.update(number=pull.number, state=pull.state, url=url, id=pull.number * 10, locked=False, active_lock_reason=None)
        data["head"].update(sha=pull.head, ref=f"pr-{pull.number}")
        data["base"].update(sha=pull.base, ref=pull.base_ref)
        for side in ("head", "base"):
            data[side]["repo"].update(full_name=repo.full_name, url=self._repo_url(repo.full_name))
        github_pr_checks.shape_pull(self, data, pull)
        return data

    def _register(self) -> None:
        route = self.route

        @route("GET", "/app")
        def get_app(request: Request) -> tuple[int, Any]:
            data = self.example("GET", "/app")
            data.update(id=self.app_id, slug=self.slug)
            return 200, data

        @route("POST", "/app/installations/{installation_id}/access_tokens")
        def access_token(request: Request, installation_id: str) -> tuple[int, Any]:
            import datetime as dt

            token, expires = self.issue_token(int(installation_id), self.token_ttl)
            data = self.example("POST", "/app/installations/{installation_id}/access_tokens", 201)
            stamp = dt.datetime.fromtimestamp(expires, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            data.update(token=token, expires_at=stamp)
            return 201, data

        @route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
        def get_pull(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            pull = state.pulls.get(int(pull_number)) if state else None
            if state is None or pull is None or pull.deleted:
                return 404, {"message": "Not Found"}
            return 200, self._pull_json(state, pull)

        @route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
        def pull_files(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            pull = state.pulls.get(int(pull_number)) if state else None
            if state is None or pull is None or pull.deleted:
                return 404, {"message": "Not Found"}
            template = self.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")[0]
            out = []
            for f in pull.files:
                item = dict(template, filename=f.path, status=f.status, patch=f.patch)
                if f.patch is None:
                    del item["patch"]  # GitHub leaves `patch` out for binary and very large diffs
                if f.previous_path:
                    item["previous_filename"] = f.previous_path
                out.append(item)
            return 200, out

        @route("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls")
        def commit_pulls(request: Request, owner: str, repo: str, commit_sha: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            found = [p for p in (state.pulls.values() if state else []) if p.head == commit_sha and not p.deleted]
            return 200, [self._pull_json(state, p) for p in found]  # type: ignore[arg-type]

        @route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
        def tree(request: Request, owner: str, repo: str, tree_sha: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            # GitHub lists a symlink as a blob of mode 120000 whose content is the link's target.
            entries = [
                {"path": path, "mode": mode, "type": "blob", "sha": sha, "size": 1,
                 "url": f"{self._repo_url(state.full_name)}/git/blobs/{sha}"}
                for path, (mode, sha) in state.git.entries(tree_sha).items()
            ]
            return 200, {"sha": tree_sha, "url": f"{self._repo_url(state.full_name)}/git/trees/{tree_sha}",
                         "tree": entries, "truncated": False}

        @route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
        def blob(request: Request, owner: str, repo: str, file_sha: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            data = state.git.blob(file_sha)
            out = self.example("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
            out.update(sha=file_sha, size=len(data), encoding="base64", content=base64.b64encode(data).decode())
            return 200, out

        @route("POST", "/repos/{owner}/{repo}/check-runs")
        def create_check_run(request: Request, owner: str, repo: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            body = request.get_json()
            run_id = self.next_id()
            data = self.example("POST", "/repos/{owner}/{repo}/check-runs", 201)
            data["app"]["id"] = self.app_id
            data.update(id=run_id, name=body["name"], head_sha=body["head_sha"], status=body.get("status", "queued"),
                        external_id=body.get("external_id", ""),
                        conclusion=body.get("conclusion"), url=f"{self._repo_url(state.full_name)}/check-runs/{run_id}",
                        html_url=f"https://github.example/{state.full_name}/runs/{run_id}")
            output = body.get("output") or {}
            data["output"] = {"title": output.get("title"), "summary": output.get("summary"), "text": None,
                              "annotations_count": 0, "annotations_url": data["output"]["annotations_url"]}
            data["annotations"] = list(output.get("annotations") or [])
            data["updates"] = [body]
            state.check_runs[run_id] = data
            return 201, {k: v for k, v in data.items() if k not in ("annotations", "updates")}

        @route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
        def update_check_run(request: Request, owner: str, repo: str, check_run_id: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            run = state.check_runs[int(check_run_id)]
            body = request.get_json()
            run["updates"].append(body)
            for key in ("status", "conclusion", "completed_at"):
                if key in body:
                    run[key] = body[key]
            if "output" in body:
                output = body["output"]
                run["output"].update(title=output.get("title"), summary=output.get("summary"))
                # GitHub appends the annotations of each update to the run's list.
                run["annotations"].extend(output.get("annotations") or [])
                run["output"]["annotations_count"] = len(run["annotations"])
            return 200, {k: v for k, v in run.items() if k not in ("annotations", "updates")}

        @route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
        def list_check_runs(request: Request, owner: str, repo: str, ref: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            runs = [
                {k: v for k, v in run.items() if k not in ("annotations", "updates")}
                for run in state.check_runs.values()
                if run["head_sha"] == ref
                and request.args.get("check_name", run["name"]) == run["name"]
                and request.args.get("status", run["status"]) == run["status"]
            ]
            return 200, {"total_count": len(runs), "check_runs": runs}

        @route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments")
        def list_review_comments(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            return 200, [c for c in state.review_comments if c["pull_number"] == int(pull_number)]

        @route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
        def create_review(request: Request, owner: str, repo: str, pull_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            pull = state.pulls.get(int(pull_number))
            if pull is None or pull.deleted:
                return 404, {"message": "Not Found"}
            body = request.get_json()
            patches = {f.path: f.patch for f in pull.files}
            for c in body.get("comments") or []:
                # GitHub rejects the whole review when one comment points outside the diff.
                first = c.get("start_line", c["line"])
                if not commentable(patches.get(c["path"]), first, c["line"]):
                    return 422, {"message": "Unprocessable Entity",
                                 "errors": ["Pull request review thread line must be part of the diff"]}
            review_id = self.next_id()
            state.reviews.append({"id": review_id, **body})
            template = self.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments")[0]
            for c in body.get("comments") or []:
                cid = self.next_id()
                comment = dict(template, id=cid, body=c["body"], path=c["path"], line=c["line"],
                               start_line=c.get("start_line"), side=c.get("side", "RIGHT"),
                               commit_id=body.get("commit_id", pull.head), pull_request_review_id=review_id,
                               user=self._user(BOT, "Bot"),
                               url=f"{self._repo_url(state.full_name)}/pulls/comments/{cid}")
                # GitHub leaves `in_reply_to_id` out of a comment that starts a thread.
                comment.pop("in_reply_to_id", None)
                comment["pull_number"] = pull.number
                state.review_comments.append(comment)
            data = self.example("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
            data.update(id=review_id, body=body.get("body", ""), user=self._user(BOT, "Bot"),
                        commit_id=body.get("commit_id", pull.head), state="COMMENTED")
            return 200, data

        @route("PATCH", "/repos/{owner}/{repo}/pulls/comments/{comment_id}")
        def edit_review_comment(request: Request, owner: str, repo: str, comment_id: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            comment = next((c for c in state.review_comments if c["id"] == int(comment_id)), None)
            if comment is None:
                return 404, {"message": "Not Found"}
            comment["body"] = request.get_json()["body"]
            return 200, comment

        @route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
        def list_issue_comments(request: Request, owner: str, repo: str, issue_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            prefix = f"{self._repo_url(state.full_name)}/issues/{issue_number}"
            return 200, [c for c in state.issue_comments if c["issue_url"] == prefix]

        @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
        def create_issue_comment(request: Request, owner: str, repo: str, issue_number: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            pull = state.pulls.get(int(issue_number))
            if pull is not None and pull.deleted:
                return 404, {"message": "Not Found"}
            comment = self._issue_comment(state.full_name, int(issue_number), request.get_json()["body"],
                                          self._user(BOT, "Bot"))
            state.issue_comments.append(comment)
            return 201, comment

        @route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
        def edit_issue_comment(request: Request, owner: str, repo: str, comment_id: str) -> tuple[int, Any]:
            state = self._repo(owner, repo)
            assert state is not None
            comment = next((c for c in state.issue_comments if c["id"] == int(comment_id)), None)
            if comment is None:
                return 404, {"message": "Not Found"}
            comment["body"] = request.get_json()["body"]
            return 200, comment
