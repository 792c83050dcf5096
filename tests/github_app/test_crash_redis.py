"""A Redis restart (SIGKILL, then start) while jobs are queued or running: they survive and publish once.

The jobs survive through Redis's own persistence (the append-only file, as docs/reliability.md asks
of a production Redis); the App does not keep a second copy of them elsewhere.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from app_helpers import REPO, deliver, pull_request_payload, wait_for
from crash_helpers import PersistentRedis, output_of, start_worker, stop
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn
from test_exactly_once import suite_requested

from github_app import create_app
from github_app.context import Runtime
from github_app.localgit import LocalRepo
from github_app.settings import Settings


@pytest.fixture
def aof_redis() -> Iterator[PersistentRedis]:
    server = PersistentRedis().start()
    yield server
    server.stop()


def _deliver_push(settings: Settings, standin: GitHubStandIn, tmp_path: Path) -> tuple[Runtime, str, list[str]]:
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    web = Runtime(settings)
    client = create_app(settings, web).test_client()
    sent = [
        ("push", "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base)),
        ("suite", "check_suite", suite_requested(shop.head, NUMBER)),
        ("edit", "pull_request", pull_request_payload("edited", NUMBER, shop.head, shop.base)),
    ]
    for delivery, event, payload in sent:
        assert deliver(client, event, payload, delivery).status_code == 202
    return web, shop.head, [delivery for delivery, _, _ in sent]


def test_jobs_queued_before_a_redis_crash_are_processed_once_after_it(
    settings: Settings, aof_redis: PersistentRedis, standin: GitHubStandIn, tmp_path: Path
) -> None:
    settings = replace(settings, redis_url=aof_redis.url)
    web, head, deliveries = _deliver_push(settings, standin, tmp_path)
    assert web.huey.pending_count() == 3

    aof_redis.crash()
    aof_redis.start()
    assert web.huey.pending_count() == 3, "huey's queue is back"
    assert sorted(web.store.pending_jobs()) == sorted(deliveries), "and so are the job records"
    assert all(web.store.delivery_state(d) == "queued" for d in deliveries)

    log = tmp_path / "worker.log"
    worker = start_worker(settings, log)
    try:
        wait_for(lambda: all(web.store.delivery_state(d) == "succeeded" for d in deliveries), timeout=90,
                 what=f"every delivery to be processed; log:\n{log.read_text()}")
    finally:
        stop(worker)
    assert output_of(standin, head) == {"runs": [("completed", "failure", 4)], "reviews": 1, "stickies": 1}
    assert web.store.pending_jobs() == [] and web.store.dead_jobs() == []


def test_a_job_running_through_a_redis_crash_completes_once(
    settings: Settings, aof_redis: PersistentRedis, standin: GitHubStandIn, tmp_path: Path
) -> None:
    # A lease longer than the outage: the worker is alive, so its job must not be handed to another.
    settings = replace(settings, redis_url=aof_redis.url, job_lease_seconds=6.0)
    stuck = standin.fault("GET", rf"/pulls/{NUMBER}/files$", hold=threading.Event())
    web, head, deliveries = _deliver_push(settings, standin, tmp_path)
    log = tmp_path / "worker.log"
    worker = start_worker(settings, log)
    try:
        wait_for(stuck.reached.is_set, what="the worker to be mid-job")
        aof_redis.crash()
        # Down for a moment while the job waits on GitHub: the worker's polling and heartbeat fail.
        threading.Event().wait(1.0)
        aof_redis.start()
        assert stuck.hold is not None
        stuck.hold.set()
        wait_for(lambda: all(web.store.delivery_state(d) == "succeeded" for d in deliveries), timeout=90,
                 what=f"every delivery to be processed; log:\n{log.read_text()}")
        assert worker.poll() is None, "the worker rode out the outage"
    finally:
        stop(worker)
    assert output_of(standin, head) == {"runs": [("completed", "failure", 4)], "reviews": 1, "stickies": 1}
    assert web.store.pending_jobs() == [] and web.store.dead_jobs() == []
