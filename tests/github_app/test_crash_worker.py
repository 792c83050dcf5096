"""SIGKILL of a worker process mid-job: every delivery is processed once in the end, nothing is posted twice."""

from __future__ import annotations

import signal
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import REPO, deliver, pull_request_payload, wait_for
from crash_helpers import output_of, start_worker, stop
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn
from test_exactly_once import suite_requested

from github_app import create_app
from github_app.context import Runtime
from github_app.localgit import LocalRepo
from github_app.settings import Settings


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "redis":
        return replace(settings, redis_url=request.getfixturevalue("redis_url"), job_lease_seconds=1.0)
    return replace(settings, job_lease_seconds=1.0)


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
    backend: Settings, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    web = Runtime(backend)
    client = create_app(backend, web).test_client()
    # The push as GitHub sends it: two events for one head, and the same push redelivered.
    deliveries = {
        "push": ("pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base)),
        "suite": ("check_suite", suite_requested(shop.head, NUMBER)),
        "edit": ("pull_request", pull_request_payload("edited", NUMBER, shop.head, shop.base)),
    }
    stuck = standin.fault("GET", rf"/pulls/{NUMBER}/files$", hold=threading.Event())
    for delivery, (event, payload) in deliveries.items():
        assert deliver(client, event, payload, delivery).status_code == 202

    log = tmp_path / "workers.log"
    first = start_worker(backend, log, threads=2)
    try:
        wait_for(stuck.reached.is_set, what="the first worker to be mid-job")
    finally:
        stop(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert sorted(web.store.pending_jobs()) == sorted(deliveries), "the killed worker's jobs are still recorded"
    assert [r[0] for r in output_of(standin, shop.head)["runs"]] == ["in_progress"], "killed holding its run"
    assert stuck.hold is not None
    stuck.hold.set()

    second = start_worker(backend, log, threads=2)
    try:
        wait_for(lambda: all(web.store.delivery_state(d) == "succeeded" for d in deliveries), timeout=90,
                 what=f"every delivery to be processed; log:\n{log.read_text()}")
    finally:
        stop(second)
    assert output_of(standin, shop.head) == {"runs": [("completed", "failure", 4)], "reviews": 1, "stickies": 1}
    assert web.store.pending_jobs() == [] and web.store.dead_jobs() == []
