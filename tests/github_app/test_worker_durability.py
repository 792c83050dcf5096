"""A worker killed mid-job (SIGKILL) loses nothing: another worker process completes the job."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import REPO, deliver, pull_request_payload, wait_for
from crash_helpers import start_worker
from shop_pr import NUMBER, ShopPR
from standins.github_fake_repos import GitHubStandIn

from github_app import create_app
from github_app.context import Runtime
from github_app.queue import Worker
from github_app.settings import Settings


def worker_process(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    return start_worker(settings, log, threads=1)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_job_of_a_killed_worker_is_completed_by_another(
    backend: str, request: pytest.FixtureRequest, settings: Settings, standin: GitHubStandIn, shop: ShopPR, tmp_path: Path
) -> None:
    if backend == "redis":
        settings = replace(settings, redis_url=request.getfixturevalue("redis_url"))
    settings = replace(settings, job_lease_seconds=1.0)
    web = Runtime(settings)
    client = create_app(settings, web).test_client()
    # The first worker gets stuck fetching the PR's files: that is where we kill it.
    stuck = standin.fault("GET", rf"/pulls/{NUMBER}/files$", hold=threading.Event())
    payload = pull_request_payload("synchronize", NUMBER, shop.head, shop.base)
    assert deliver(client, "pull_request", payload, "kill-me").status_code == 202

    log = tmp_path / "workers.log"
    first = worker_process(settings, log)
    try:
        wait_for(stuck.reached.is_set, what="the first worker to start the job")
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert web.store.pending_jobs() == ["kill-me"]
    assert web.store.delivery_state("kill-me") == "queued"
    assert stuck.hold is not None
    stuck.hold.set()

    second = worker_process(settings, log)
    try:
        wait_for(lambda: web.store.delivery_state("kill-me") == "succeeded", timeout=60,
                 what=f"the second worker to finish the job; log:\n{log.read_text()}")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
    # The dead worker's run (nothing appended to it yet) is carried on: one run, never stuck "in progress".
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
    assert len(runs[0]["annotations"]) == 4
    assert web.store.pending_jobs() == []


def test_a_job_longer_than_its_lease_keeps_it_and_runs_once(settings: Settings, standin: GitHubStandIn, shop: ShopPR) -> None:
    settings = replace(settings, job_lease_seconds=0.6)
    runtime = Runtime(settings)
    client = create_app(settings, runtime).test_client()
    held = threading.Event()
    stuck = standin.fault("GET", rf"/pulls/{NUMBER}/files$", hold=held)
    assert deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "long").status_code == 202
    worker = Worker(runtime.queue, workers=1)
    worker.start()
    try:
        wait_for(stuck.reached.is_set, what="the job to start")
        # Three leases long; another worker's reaper looks every half lease and finds nothing to take.
        for _ in range(6):
            time.sleep(0.3)
            assert runtime.queue.requeue_stale() == [], "the heartbeat renewed the running job's lease"
            assert runtime.store.claim_job("long", "another-worker", lease=0.6) is None
        held.set()
        wait_for(lambda: runtime.store.delivery_state("long") == "succeeded", timeout=60, what="the job")
    finally:
        held.set()
        worker.stop()
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
