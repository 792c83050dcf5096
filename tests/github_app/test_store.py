"""Delivery outcomes, job leases and PR heads behave the same on SQLite and on a real Redis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from github_app.store import FAILED, QUEUED, SUCCEEDED, SqliteStore, Store
from github_app.store_base import Head
from github_app.store_redis import RedisStore


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "redis":
        return RedisStore(request.getfixturevalue("redis_url"))
    return SqliteStore(str(tmp_path / "queue.sqlite3"))


def test_delivery_is_claimed_once_until_it_fails(store: Store) -> None:
    assert store.claim_delivery("d")
    assert store.delivery_state("d") == QUEUED
    assert not store.claim_delivery("d"), "queued or in flight"
    store.finish_delivery("d", ok=True)
    assert store.delivery_state("d") == SUCCEEDED
    assert not store.claim_delivery("d"), "succeeded"
    store.finish_delivery("d", ok=False)
    assert store.delivery_state("d") == FAILED
    assert store.claim_delivery("d"), "a failed delivery is processed again"
    assert not store.claim_delivery("d")


def test_newest_head_wins_whatever_the_arrival_order(store: Store) -> None:
    store.set_head("a/b", 1, "new", at=20.0)
    store.set_head("a/b", 1, "old", at=10.0)
    assert store.head("a/b", 1) == "new"
    store.set_head("a/b", 1, "newer", at=30.0)
    assert store.head("a/b", 1) == "newer"
    assert store.head("a/b", 2) is None


def test_accepting_a_delivery_records_its_heads_claim_and_job_together(store: Store) -> None:
    heads = [Head("a/b", 1, "new", 20.0), Head("a/b", 2, "other", 5.0)]
    assert store.accept("d", {"x": 1}, heads)
    assert (store.head("a/b", 1), store.head("a/b", 2), store.delivery_state("d")) == ("new", "other", QUEUED)
    assert store.claim_job("d", "w", lease=30) == ({"x": 1}, 1)
    # A redelivery queues nothing, and an older head it names does not win.
    assert not store.accept("d", {"x": 2}, [Head("a/b", 1, "old", 10.0)])
    assert store.head("a/b", 1) == "new"


def test_the_sqlite_ack_path_takes_the_write_lock_once(tmp_path: Path) -> None:
    # Each write transaction waits for the file's lock under a burst, so the ack takes it once.
    store = SqliteStore(str(tmp_path / "queue.sqlite3"))
    store.head("a/b", 1)  # opens this thread's connection
    statements: list[str] = []
    store._conn().set_trace_callback(statements.append)
    assert store.accept("d", {"x": 1}, [Head("a/b", 1, "sha", 1.0), Head("a/b", 2, "sha", 1.0)])
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    assert store.head("a/b", 2) == "sha"


def test_a_job_is_held_by_one_worker_until_its_lease_runs_out(store: Store) -> None:
    store.add_job("j", {"x": 1})
    assert store.claim_job("j", "w1", lease=30) == ({"x": 1}, 1)
    assert store.claim_job("j", "w2", lease=30) is None
    assert store.reclaim_stale(unclaimed_after=60) == []
    assert store.renew_job("j", "w1", lease=30)
    assert not store.renew_job("j", "w2", lease=30)


def test_expired_lease_is_reclaimed_and_attempts_count_on(store: Store) -> None:
    store.add_job("j", {"x": 1})
    assert store.claim_job("j", "w1", lease=0.01) is not None
    time.sleep(0.05)  # let the lease lapse; no assertion on time
    assert store.reclaim_stale(unclaimed_after=60) == ["j"]
    assert store.reclaim_stale(unclaimed_after=60) == [], "requeued once, not at every tick"
    assert store.claim_job("j", "w2", lease=30) == ({"x": 1}, 2)
    assert not store.renew_job("j", "w1", lease=30), "the dead worker's lease is gone"


def test_a_job_completes_with_its_delivery_recorded_as_succeeded(store: Store) -> None:
    assert store.accept("d", {"x": 1})
    assert store.claim_job("d", "w", lease=30) is not None
    store.complete_job("d", delivery="d")
    assert (store.pending_jobs(), store.delivery_state("d")) == ([], SUCCEEDED)
    assert not store.accept("d", {"x": 1}), "a redelivery of a succeeded delivery queues nothing"


def test_released_and_completed_jobs(store: Store) -> None:
    store.add_job("j", {})
    store.claim_job("j", "w1", lease=30)
    store.release_job("j", "w1")
    assert store.claim_job("j", "w2", lease=30) == ({}, 2)
    store.complete_job("j")
    assert store.pending_jobs() == []
    assert store.claim_job("j", "w3", lease=30) is None


def test_unclaimed_job_is_reclaimed_after_a_while(store: Store) -> None:
    store.add_job("j", {})
    assert store.reclaim_stale(unclaimed_after=60) == []
    assert store.reclaim_stale(unclaimed_after=0) == ["j"]
    assert store.ping()


_HOLD = """
import sys, time
from github_app.store import SqliteStore
from github_app.store_redis import RedisStore
kind, where, log = sys.argv[1], sys.argv[2], sys.argv[3]
store = RedisStore(where) if kind == "redis" else SqliteStore(where)
with store.write_lock(7):
    with open(log, "a") as out:
        out.write(f"in {time.time()}\\n")
    time.sleep(0.4)
    with open(log, "a") as out:
        out.write(f"out {time.time()}\\n")
"""


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_writes_for_one_installation_take_turns_across_processes(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    import subprocess
    import sys

    where = request.getfixturevalue("redis_url") if kind == "redis" else str(tmp_path / "queue.sqlite3")
    if kind == "sqlite":
        SqliteStore(where)  # create the file and schema once
    log = tmp_path / "log.txt"
    workers = [
        subprocess.Popen([sys.executable, "-c", _HOLD, kind, where, str(log)]) for _ in range(3)
    ]
    assert all(w.wait(timeout=60) == 0 for w in workers)
    events = [line.split() for line in log.read_text().splitlines()]
    assert [e[0] for e in events] == ["in", "out"] * 3, "a second process wrote while the first held the lock"
    times = [float(e[1]) for e in events]
    assert times == sorted(times)


def test_a_killed_holder_does_not_keep_the_sqlite_lock(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    where = str(tmp_path / "queue.sqlite3")
    SqliteStore(where)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time\nfrom github_app.store import SqliteStore\n"
         "with SqliteStore(sys.argv[1]).write_lock(7):\n    print('held', flush=True)\n    time.sleep(60)\n", where],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    started = time.monotonic()
    with SqliteStore(where).write_lock(7):
        pass
    assert time.monotonic() - started < 10
