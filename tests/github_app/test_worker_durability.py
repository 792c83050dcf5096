"""A worker killed mid-job (SIGKILL) loses nothing: another worker process completes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import REPO, ROOT, deliver, pull_request_payload, wait_for
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn

from github_app.context import Runtime
from github_app.localgit import LocalRepo
from github_app.settings import Settings


def worker_process(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_APP_ID": str(settings.app_id),
        "GITHUB_PRIVATE_KEY": settings.private_key,
        "GITHUB_WEBHOOK_SECRET": settings.webhook_secret,
        "GITHUB_API_URL": settings.api_url,
        "PRODUCTOPS_QUEUE_PATH": settings.queue_path,
        "PRODUCTOPS_JOB_LEASE_SECONDS": str(settings.job_lease_seconds),
        "PRODUCTOPS_RETRY_DELAY_SECONDS": "0.1",
        "PRODUCTOPS_WRITE_INTERVAL_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    if settings.redis_url:
        env["PRODUCTOPS_REDIS_URL"] = settings.redis_url
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "github_app", "worker", "--threads", "1"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_job_of_a_killed_worker_is_completed_by_another(
    backend: str, request: pytest.FixtureRequest, settings: Settings, standin: GitHubStandIn, tmp_path: Path
) -> None:
    if backend == "redis":
        settings = replace(settings, redis_url=request.getfixturevalue("redis_url"))
    settings = replace(settings, job_lease_seconds=1.0)
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    web = Runtime(settings)
    from github_app import create_app

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
