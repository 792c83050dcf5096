"""A job that fails for good lands in the dead-letter list; `productops-app jobs` lists, retries and drops it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import REPO, ROOT, deliver, pull_request_payload, wait_for
from crash_helpers import app_env
from github import GithubRetry
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn

from github_app import create_app
from github_app.context import Runtime
from github_app.github import GitHubApp, make_retry
from github_app.localgit import LocalRepo
from github_app.queue import Worker
from github_app.settings import Settings
from github_app.store import SqliteStore, Store
from github_app.store_redis import RedisStore

TRACKING = "productops/tracking-plan"


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "redis":
        return RedisStore(request.getfixturevalue("redis_url"))
    return SqliteStore(str(tmp_path / "queue.sqlite3"))


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "redis":
        return replace(settings, redis_url=request.getfixturevalue("redis_url"))
    return settings


def test_a_dead_job_leaves_the_pending_jobs_and_keeps_its_data_attempts_and_reason(store: Store) -> None:
    store.add_job("a", {"x": 1})
    store.add_job("b", {"x": 2})
    assert store.claim_job("a", "w1", lease=30) is not None
    assert [(j.id, j.state, j.attempts, j.owner) for j in store.list_jobs()] == [
        ("a", "running", 1, "w1"), ("b", "queued", 0, None)]
    before = time.time()
    assert store.dead_letter("a", "not retried: boom")
    assert not store.dead_letter("a", "again"), "no longer pending"
    assert store.pending_jobs() == ["b"]
    (dead,) = store.dead_jobs()
    assert (dead.id, dead.data, dead.state, dead.attempts, dead.reason) == ("a", {"x": 1}, "dead", 1, "not retried: boom")
    assert dead.at >= before - 1
    assert store.claim_job("a", "w2", lease=30) is None, "a dead job is not run"
    assert store.reclaim_stale(unclaimed_after=0) == ["b"], "nor requeued by the reaper"


def test_a_revived_job_is_pending_again_with_fresh_attempts(store: Store) -> None:
    store.add_job("a", {"x": 1})
    store.claim_job("a", "w1", lease=30)
    store.dead_letter("a", "gave up")
    assert store.revive_job("a")
    assert not store.revive_job("a")
    assert store.dead_jobs() == []
    assert store.claim_job("a", "w2", lease=30) == ({"x": 1}, 1)


def test_a_dropped_job_is_gone_and_a_redelivery_leaves_the_list(store: Store) -> None:
    for job_id in ("a", "b"):
        store.add_job(job_id, {"id": job_id})
        store.dead_letter(job_id, "why")
    assert store.drop_dead("a")
    assert not store.drop_dead("a")
    assert not store.revive_job("a")
    store.finish_delivery("b", ok=False)
    assert store.accept("b", {"id": "b", "again": True}), "GitHub's redelivery of a failed delivery"
    assert store.dead_jobs() == []
    assert store.claim_job("b", "w", lease=30) == ({"id": "b", "again": True}, 1)


def _runtime(settings: Settings) -> Runtime:
    retry = GithubRetry(total=1, backoff_factor=0, allowed_methods=make_retry().allowed_methods)
    return Runtime(settings, github=GitHubApp(settings, retry=retry))


def app_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`productops-app ARGS` as an operator runs it, in its own process, on the same storage."""
    return subprocess.run([sys.executable, "-m", "github_app", *args], cwd=ROOT, env=app_env(settings),
                          capture_output=True, text=True, timeout=120)


def test_failed_jobs_are_listed_retried_and_dropped_from_the_cli(
    backend: Settings, standin: GitHubStandIn, tmp_path: Path
) -> None:
    settings = replace(backend, max_attempts=2)
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    runtime = _runtime(settings)
    client = create_app(settings, runtime).test_client()
    # A 422 cannot be fixed by retrying; 502s on every attempt spend the attempts.
    standin.fault("GET", r"/git/trees/", status=422, body={"message": "tree is broken"})
    payload = pull_request_payload("synchronize", NUMBER, shop.head, shop.base)
    deliver(client, "pull_request", payload, "broken-tree")
    worker = Worker(runtime.queue, workers=1)
    worker.start()
    try:
        wait_for(lambda: runtime.store.dead_jobs(), what="the first job to die")
        gateway = standin.fault("GET", rf"/pulls/{NUMBER}/files$", status=502, times=1000)
        deliver(client, "pull_request", payload, "bad-gateway")
        wait_for(lambda: len(runtime.store.dead_jobs()) == 2, what="the second job to die")
    finally:
        worker.stop()
    gateway.times = 0
    dead = {job.id: job for job in runtime.store.dead_jobs()}
    assert dead["broken-tree"].attempts == 1
    assert dead["broken-tree"].reason.startswith("not retried (a retry cannot fix it): GithubException: ")
    assert "tree is broken" in dead["broken-tree"].reason
    assert dead["bad-gateway"].attempts == 2
    assert dead["bad-gateway"].reason.startswith("gave up after 2 attempts: ")
    assert "502" in dead["bad-gateway"].reason
    assert runtime.store.delivery_state("broken-tree") == runtime.store.delivery_state("bad-gateway") == "failed"
    assert runtime.store.pending_jobs() == []
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == TRACKING]
    assert all(r["status"] == "completed" for r in runs), "a dead job leaves no run in progress"

    listed = app_cli(settings, "jobs")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["STATE", "DELIVERY", "EVENT", "REPO", "PRS", "HEAD", "ATTEMPTS", "AT"]
    row = next(line for line in lines if "broken-tree" in line).split()
    assert row[:6] == ["dead", "broken-tree", "pull_request.synchronize", REPO, f"#{NUMBER}", shop.head[:7]]
    assert lines[lines.index(next(line for line in lines if "broken-tree" in line)) + 1].strip().startswith(
        "reason: not retried")
    as_json = json.loads(app_cli(settings, "jobs", "--format", "json").stdout)
    assert {(j["id"], j["state"], j["head"], tuple(j["prs"])) for j in as_json} == {
        ("broken-tree", "dead", shop.head, (NUMBER,)), ("bad-gateway", "dead", shop.head, (NUMBER,))}

    missing = app_cli(settings, "jobs", "retry", "no-such-job")
    assert missing.returncode == 1 and "not in the dead-letter list: no-such-job" in missing.stderr
    assert "Traceback" not in missing.stderr
    dropped = app_cli(settings, "jobs", "drop", "bad-gateway")
    assert dropped.returncode == 0 and dropped.stdout == "dropped bad-gateway\n"
    retried = app_cli(settings, "jobs", "retry", "--all")
    assert retried.returncode == 0 and retried.stdout == "queued broken-tree again\n", retried.stderr
    assert [(j.id, j.state) for j in runtime.store.list_jobs()] == [("broken-tree", "queued")]
    assert runtime.store.dead_jobs() == []

    # The tree is readable now (the 422 fault was used up): the retried job publishes once.
    worker = Worker(runtime.queue, workers=1)
    worker.start()
    try:
        wait_for(lambda: runtime.store.delivery_state("broken-tree") == "succeeded", what="the retried job")
    finally:
        worker.stop()
    published = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == TRACKING and r["conclusion"] == "failure"
                 and r["annotations"]]
    assert len(published) == 1 and len(published[0]["annotations"]) == 4
    assert len(standin.repos[REPO].reviews) == 1
    assert app_cli(settings, "jobs").stdout == "no jobs queued, running or dead\n"


def test_a_job_whose_worker_dies_in_every_attempt_is_dead_not_run_for_ever(backend: Settings) -> None:
    settings = replace(backend, max_attempts=2)
    runtime = _runtime(settings)
    runtime.store.add_job("crashes", {"name": "pull_request", "delivery": "crashes", "payload": {}})
    # Two workers took it in turn and died holding it (their leases ran out).
    for worker in ("w1", "w2"):
        assert runtime.store.claim_job("crashes", worker, lease=0.01) is not None
        time.sleep(0.05)
        assert runtime.store.reclaim_stale(unclaimed_after=60) == ["crashes"]
    ran: list[str] = []
    runtime.queue._run = lambda event, attempt, final: ran.append(event.delivery)  # pure bookkeeping under test
    runtime.queue.task.call_local("crashes")
    assert ran == [], "a third worker does not take it"
    (dead,) = runtime.store.dead_jobs()
    assert dead.reason == "its worker stopped during each of 2 attempts"
    assert runtime.store.delivery_state("crashes") == "failed"


def test_the_cli_names_an_unreachable_queue_without_a_traceback(settings: Settings) -> None:
    done = app_cli(replace(settings, redis_url="redis://127.0.0.1:1/0"), "jobs")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot reach the queue at redis://127.0.0.1:1/0:")
    assert "Traceback" not in done.stderr
