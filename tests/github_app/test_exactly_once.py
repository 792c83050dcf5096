"""Every event GitHub sends for one head, delivered together over real HTTP, publishes once."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from app_helpers import (
    REPO,
    check_run_payload,
    check_suite_payload,
    commit,
    git,
    pull_request_payload,
    signed_headers,
    wait_for,
)
from github import GithubRetry
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn
from test_worker_durability import worker_process
from werkzeug.serving import make_server

from github_app import create_app
from github_app.context import Runtime
from github_app.github import GitHubApp, make_retry
from github_app.localgit import LocalRepo
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER
from github_app.settings import Settings
from productops_lint.pr.types import CHECKLIST_CHECK, EPIC_CHECK

TRACKING = "productops/tracking-plan"
NAMES = (TRACKING, EPIC_CHECK, CHECKLIST_CHECK)
TRIES = 5


class Served:
    """The App's webhook endpoint on a real socket, so deliveries arrive as GitHub's would."""

    def __init__(self, runtime: Runtime) -> None:
        self._server = make_server("127.0.0.1", 0, create_app(runtime.settings, runtime), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


def fast_runtime(settings: Settings) -> Runtime:
    retry = GithubRetry(total=4, backoff_factor=0, allowed_methods=make_retry().allowed_methods)
    return Runtime(settings, github=GitHubApp(settings, retry=retry))


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "redis":
        return replace(settings, redis_url=request.getfixturevalue("redis_url"))
    return settings


def deliver_together(url: str, deliveries: list[tuple[str, dict[str, Any], str]]) -> list[str]:
    """POST every delivery at once (one thread each, released together); the ids answered 202."""
    start = threading.Barrier(len(deliveries))
    accepted: list[str] = []

    def post(event: str, payload: dict[str, Any], delivery: str) -> None:
        body = json.dumps(payload).encode()
        start.wait()
        if requests.post(url, data=body, headers=signed_headers(event, body, delivery), timeout=30).status_code == 202:
            accepted.append(delivery)

    threads = [threading.Thread(target=post, args=d) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted


def suite_requested(head: str, number: int) -> dict[str, Any]:
    """`check_suite.requested` listing the pull request as GitHub does (id, number, url, head, base)."""
    payload = check_suite_payload("requested", head, [])
    payload["check_suite"]["pull_requests"] = check_run_payload(head, [number])["check_run"]["pull_requests"]
    return payload


def new_pull(standin: GitHubStandIn, path: Path, number: int) -> str:
    """A pull request of its own branch (so each try has its own head), with the shop's typos."""
    git(path, "checkout", "-q", "feature")
    head = commit(path, {f"NOTE_{number}.md": f"{number}\n"}, f"try {number}", branch=f"try-{number}")
    standin.open_pull(REPO, number, "main", f"try-{number}")
    return head


def everything_for(head: str, base: str, number: int) -> list[tuple[str, dict[str, Any], str]]:
    """What GitHub sends on a push, plus racing edits, a re-run click and a redelivery."""
    push = str(uuid.uuid4())
    events = [
        ("pull_request", pull_request_payload("synchronize", number, head, base), push),
        ("check_suite", suite_requested(head, number), str(uuid.uuid4())),
        ("pull_request", pull_request_payload("edited", number, head, base), str(uuid.uuid4())),
        ("pull_request", pull_request_payload("reopened", number, head, base), str(uuid.uuid4())),
        ("check_run", check_run_payload(head, [number]), str(uuid.uuid4())),
    ]
    return events + [events[0]]  # GitHub's "Redeliver" sends the same delivery id again


def published(standin: GitHubStandIn, head: str) -> dict[str, Any]:
    state = standin.repos[REPO]
    runs = [r for r in state.check_runs.values() if r["head_sha"] == head]
    return {
        "runs": {name: len([r for r in runs if r["name"] == name]) for name in NAMES},
        "in_progress": [r["name"] for r in runs if r["status"] != "completed"],
        "reviews": len([r for r in state.reviews if r.get("commit_id") == head]),
    }


def stickies(standin: GitHubStandIn, number: int) -> int:
    suffix = f"/issues/{number}"
    return len([c for c in standin.repos[REPO].issue_comments
                if c["issue_url"].endswith(suffix) and SUMMARY_MARKER in c["body"]])


def finished(runtime: Runtime, deliveries: list[str]) -> bool:
    return all(runtime.store.delivery_state(d) in ("succeeded", "failed") for d in deliveries)


def test_every_event_for_one_head_publishes_once(backend: Settings, standin: GitHubStandIn, tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    runtime = fast_runtime(backend)
    served = Served(runtime)
    worker = Worker(runtime.queue, workers=2)  # the default of `productops-app worker`
    worker.start()
    try:
        for attempt in range(TRIES):
            number = NUMBER + attempt
            head = new_pull(standin, shop.path, number)
            accepted = deliver_together(served.url, everything_for(head, shop.base, number))
            assert len(accepted) == 5, "the redelivery of a queued delivery is answered `duplicate`"
            wait_for(lambda: finished(runtime, accepted), timeout=120, what="every delivery")  # noqa: B023 (waited on here)
            assert [runtime.store.delivery_state(d) for d in accepted] == ["succeeded"] * 5
            assert published(standin, head) == {"runs": dict.fromkeys(NAMES, 1), "in_progress": [], "reviews": 1}, (
                f"try {attempt + 1}")
            assert stickies(standin, number) == 1, f"try {attempt + 1}"
    finally:
        worker.stop()
        served.stop()


def test_a_rerun_click_runs_again_once_however_often_it_arrives(
    backend: Settings, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    runtime = fast_runtime(backend)
    served = Served(runtime)
    worker = Worker(runtime.queue, workers=2)
    worker.start()
    try:
        first = deliver_together(served.url, everything_for(shop.head, shop.base, NUMBER))
        wait_for(lambda: finished(runtime, first), timeout=120, what="the first publish")
        run_id = next(r["id"] for r in standin.repos[REPO].check_runs.values() if r["name"] == TRACKING)
        click = check_run_payload(shop.head, [NUMBER])
        click["check_run"]["id"] = run_id
        # A double click (two deliveries), while an edit and a check-suite request race with it.
        again = deliver_together(served.url, [
            ("check_run", click, str(uuid.uuid4())), ("check_run", click, str(uuid.uuid4())),
            ("pull_request", pull_request_payload("edited", NUMBER, shop.head, shop.base), str(uuid.uuid4())),
            ("check_suite", suite_requested(shop.head, NUMBER), str(uuid.uuid4())),
        ])
        wait_for(lambda: finished(runtime, again), timeout=120, what="the re-run")
    finally:
        worker.stop()
        served.stop()
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == TRACKING]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")] * 2, "the click re-ran once"
    assert len(runs[1]["annotations"]) == 4
    assert published(standin, shop.head)["runs"] == {TRACKING: 2, EPIC_CHECK: 1, CHECKLIST_CHECK: 1}
    assert published(standin, shop.head)["reviews"] == 1 and stickies(standin, NUMBER) == 1


def test_worker_processes_racing_for_one_head_publish_once(
    backend: Settings, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    web = Runtime(backend)
    served = Served(web)
    try:
        # Queued before any worker runs, so two processes find work for the same head at once.
        accepted = deliver_together(served.url, everything_for(shop.head, shop.base, NUMBER))
        log = tmp_path / "workers.log"
        processes = [worker_process(backend, log) for _ in range(2)]
        try:
            wait_for(lambda: finished(web, accepted), timeout=120, what=f"the workers; log:\n{log.read_text()}")
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)
    finally:
        served.stop()
    assert published(standin, shop.head) == {"runs": dict.fromkeys(NAMES, 1), "in_progress": [], "reviews": 1}
    assert stickies(standin, NUMBER) == 1
