"""Helpers for the GitHub App tests: git repositories, webhook payloads, signed deliveries, waiting."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from github_app.webhook import sign

ROOT = Path(__file__).resolve().parents[2]
WEBHOOKS = ROOT / "tests" / "data" / "github-webhooks"
SHOP = ROOT / "examples" / "shop"
REPO = "acme/shop"
INSTALLATION = 77
SECRET = "It's a Secret to Everybody"


def git(path: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
           "GIT_COMMITTER_EMAIL": "dev@example.com", "PATH": "/usr/bin:/bin", "HOME": str(path)}
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True, env=env).stdout


def shop_repo(path: Path) -> Path:
    """A git repository holding the example shop on `main`."""
    shutil.copytree(SHOP, path, ignore=shutil.ignore_patterns("__pycache__", ".productops_cache"))
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "shop")
    return path


def commit(path: Path, files: dict[str, str | None], message: str = "change", branch: str | None = None) -> str:
    """Write (or delete, for None) files and commit them on ``branch`` (created from HEAD if new)."""
    if branch is not None:
        existing = git(path, "branch", "--list", branch).strip()
        git(path, "checkout", "-q", *([] if existing else ["-b"]), branch)
    for name, text in files.items():
        target = path / name
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD").strip()


def webhook(name: str) -> dict[str, Any]:
    return json.loads((WEBHOOKS / name).read_text())


_clock = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _stamp() -> str:
    # Each payload is newer than the last, as GitHub's updated_at would be.
    global _clock
    _clock += timedelta(seconds=1)
    return _clock.strftime("%Y-%m-%dT%H:%M:%SZ")


def _retarget(payload: dict[str, Any]) -> None:
    owner, name = REPO.split("/")
    payload["repository"].update(full_name=REPO, name=name)
    payload["repository"]["owner"]["login"] = owner
    payload["installation"] = {"id": INSTALLATION, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc="}


def pull_request_payload(action: str, number: int, head: str, base: str, base_ref: str = "main") -> dict[str, Any]:
    source = "pull_request/edited.derived.json" if action == "edited" else "pull_request/synchronize.payload.json"
    payload = copy.deepcopy(webhook(source))
    payload["action"] = action
    payload["number"] = number
    pr = payload["pull_request"]
    pr.update(number=number, updated_at=_stamp(), state="open")
    pr["head"]["sha"] = head
    pr["base"].update(sha=base, ref=base_ref)
    _retarget(payload)
    return payload


def check_suite_payload(action: str, head: str, numbers: list[int]) -> dict[str, Any]:
    payload = copy.deepcopy(webhook(f"check_suite/{action}.payload.json"))
    payload["check_suite"]["head_sha"] = head
    payload["check_suite"]["pull_requests"] = [
        {**(payload["check_suite"]["pull_requests"] or [{}])[0], "number": n} for n in numbers
    ] if numbers else []
    _retarget(payload)
    return payload


def check_run_payload(head: str, numbers: list[int], name: str = "productops/tracking-plan") -> dict[str, Any]:
    """The "Re-run" button on our check run."""
    payload = copy.deepcopy(webhook("check_run/rerequested.payload.json"))
    run = payload["check_run"]
    run.update(name=name, head_sha=head)
    ref = {"ref": "main", "sha": head, "repo": {"id": 1, "url": "https://api.github.com/repos/acme/shop", "name": "shop"}}
    run["pull_requests"] = [
        {"id": n, "number": n, "url": f"https://api.github.com/repos/acme/shop/pulls/{n}", "head": ref, "base": ref}
        for n in numbers
    ]
    _retarget(payload)
    return payload


def signed_headers(event: str, body: bytes, delivery: str | None = None, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body, secret),
        "Content-Type": "application/json",
    }


def deliver(client: Any, event: str, payload: dict[str, Any], delivery: str | None = None) -> Any:
    body = json.dumps(payload).encode()
    return client.post("/webhook", data=body, headers=signed_headers(event, body, delivery))


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll until ``predicate`` is truthy; the timeout only bounds a hung test, it is not asserted on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
