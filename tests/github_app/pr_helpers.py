"""Helpers for the PR-check tests: a shop PR with a title/branch/body, payloads shaped from the stand-in's own answers."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app_helpers import (
    INSTALLATION,
    REPO,
    _retarget,
    _stamp,
    commit,
    deliver,
    git,
    shop_repo,
    wait_for,
    webhook,
)
from standins.github_fake_repos import GitHubStandIn, PullState
from standins.github_pr_checks import details, repo_extras

from github_app.localgit import LocalRepo
from productops_lint.pr.types import CHECKLIST_CHECK, EPIC_CHECK

NUMBER = 7
PR_CHECKS = (EPIC_CHECK, CHECKLIST_CHECK)


@dataclass
class PrShop:
    path: Path
    standin: GitHubStandIn
    base: str
    head: str

    @property
    def pull(self) -> PullState:
        return self.standin.repos[REPO].pulls[NUMBER]

    def push(self, files: dict[str, str | None], message: str = "more") -> str:
        self.head = commit(self.path, files, message, branch="feature")
        self.standin.push(REPO, NUMBER, self.head)
        return self.head


def make_pr(
    tmp_path: Path, standin: GitHubStandIn, *, branch: str = "feature", title: str = "Update the cart",
    body: str = "Some text the author wrote.", base_files: dict[str, str | None] | None = None,
    head_files: dict[str, str | None] | None = None, message: str = "change the cart",
) -> PrShop:
    path = shop_repo(tmp_path / "shop")
    base = commit(path, base_files or {"NOTES.md": "notes\n"}, "base", branch="main")
    head = commit(path, head_files or {"shop/cart.py": (path / "shop/cart.py").read_text() + "\n# touched\n"}, message, branch="feature")
    git(path, "checkout", "-q", "feature")
    standin.add_repo(REPO, LocalRepo(path))
    pull = standin.open_pull(REPO, NUMBER, "main", "feature")
    info = details(pull)
    info.title, info.body, info.branch = title, body, branch
    return PrShop(path, standin, base, head)


def allow(standin: GitHubStandIn, login: str, permission: str) -> None:
    repo_extras(standin.repos[REPO])["permissions"][login] = permission


def pull_payload(shop: PrShop, action: str, previous_body: str | None = None, sender: str = "octocat") -> dict[str, Any]:
    """A `pull_request` event whose `pull_request` is what the stand-in's GET answers now (as GitHub sends)."""
    payload = copy.deepcopy(webhook("pull_request/synchronize.payload.json"))
    state = shop.standin.repos[REPO]
    pr = shop.standin._pull_json(state, shop.pull)
    pr["updated_at"] = _stamp()
    payload.update(action=action, number=NUMBER, pull_request=pr)
    if previous_body is not None:
        payload["changes"] = {"body": {"from": previous_body}}
    _retarget(payload)
    payload["sender"] = dict(payload["sender"], login=sender, type="Bot" if sender.endswith("[bot]") else "User")
    return payload


def comment_payload(shop: PrShop, body: str, login: str = "octocat") -> dict[str, Any]:
    """`issue_comment.created` on the PR, for a comment the stand-in now holds (so it can be reacted to)."""
    comment = shop.standin.human_issue_comment(REPO, NUMBER, body, login=login)
    payload = copy.deepcopy(webhook("issue_comment/created.with-installation.payload.json"))
    payload["comment"] = comment
    payload["issue"].update(number=NUMBER, pull_request={"url": f"{shop.standin.url}/repos/{REPO}/pulls/{NUMBER}"})
    _retarget(payload)
    payload["sender"]["login"] = login
    return payload


def button_payload(head: str, name: str, identifier: str = "recheck") -> dict[str, Any]:
    """The "Re-check" button (`check_run.requested_action`) on one of the PR checks' runs."""
    payload = copy.deepcopy(webhook("check_run/requested_action.payload.json"))
    payload["check_run"].update(name=name, head_sha=head)
    ref = {"ref": "main", "sha": head, "repo": {"id": 1, "url": f"https://api.github.com/repos/{REPO}", "name": "shop"}}
    payload["check_run"]["pull_requests"] = [
        {"id": NUMBER, "number": NUMBER, "url": f"https://api.github.com/repos/{REPO}/pulls/{NUMBER}", "head": ref, "base": ref}
    ]
    payload["requested_action"] = {"identifier": identifier}
    _retarget(payload)
    return payload


def runs(standin: GitHubStandIn, name: str, head: str | None = None) -> list[dict[str, Any]]:
    return [r for r in standin.repos[REPO].check_runs.values() if r["name"] == name and (head is None or r["head_sha"] == head)]


def concluded(standin: GitHubStandIn, head: str) -> dict[str, dict[str, Any]]:
    """Wait until both PR checks have a completed run on ``head``; name -> run."""
    def done() -> dict[str, dict[str, Any]] | None:
        found = {name: runs(standin, name, head) for name in PR_CHECKS}
        if all(found.values()) and all(r[0]["status"] == "completed" for r in found.values()):
            return {name: r[0] for name, r in found.items()}
        return None

    return wait_for(done, what="both PR checks to conclude")


def send(client: Any, runtime: Any, event: str, payload: dict[str, Any], delivery: str) -> None:
    """Deliver and wait until the job is done (succeeded or failed)."""
    assert deliver(client, event, payload, delivery).status_code == 202
    wait_for(lambda: runtime.store.delivery_state(delivery) in ("succeeded", "failed"), what=f"delivery {delivery}")


def body_edits(standin: GitHubStandIn) -> list[Any]:
    return [c for c in standin.calls if c.method == "PATCH" and c.path == f"/repos/{REPO}/pulls/{NUMBER}"]


__all__ = ["INSTALLATION", "NUMBER", "PR_CHECKS", "REPO", "PrShop", "allow", "body_edits", "button_payload",
           "comment_payload", "concluded", "make_pr", "pull_payload", "runs", "send"]
