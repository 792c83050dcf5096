"""Durable state beside the queue: delivery outcomes, pending jobs with leases, latest PR heads, publications."""

from __future__ import annotations

import abc
import fcntl
import hashlib
import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ContextManager, Iterator

# Delivery states: a redelivery is processed again only after `failed`.
QUEUED, SUCCEEDED, FAILED = "queued", "succeeded", "failed"
# GitHub lets a delivery be redelivered for a few days; remember outcomes a little longer.
DELIVERY_TTL_SECONDS = 8 * 24 * 3600
HEAD_TTL_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class Publication:
    """The tracking-plan check of one (repo, PR, head): the run that holds it and whether it was published."""

    base: str
    run_id: int
    done: bool


class Store(abc.ABC):
    """What the web process and the workers share, kept in the queue's own storage."""

    @abc.abstractmethod
    def claim_delivery(self, delivery: str) -> bool:
        """Mark ``delivery`` queued; False when it is already queued, running or succeeded."""

    @abc.abstractmethod
    def finish_delivery(self, delivery: str, ok: bool) -> None: ...

    @abc.abstractmethod
    def delivery_state(self, delivery: str) -> str | None: ...

    @abc.abstractmethod
    def set_head(self, repo: str, number: int, sha: str, at: float) -> None:
        """Remember the PR's head as of ``at`` (the PR's updated_at): older news never wins, since
        GitHub does not promise to deliver webhooks in order."""

    @abc.abstractmethod
    def head(self, repo: str, number: int) -> str | None: ...

    @abc.abstractmethod
    def add_job(self, job_id: str, data: dict[str, Any]) -> None:
        """Record a job before it is queued, so it survives a worker that dies holding it."""

    @abc.abstractmethod
    def claim_job(self, job_id: str, worker: str, lease: float) -> tuple[dict[str, Any], int] | None:
        """Take the job for ``lease`` seconds; return its data and attempt number, or None when
        it is done or another worker's lease is still running."""

    @abc.abstractmethod
    def renew_job(self, job_id: str, worker: str, lease: float) -> bool: ...

    @abc.abstractmethod
    def release_job(self, job_id: str, worker: str) -> None:
        """Give the job back (a retry is scheduled) without counting it done."""

    @abc.abstractmethod
    def complete_job(self, job_id: str) -> None: ...

    @abc.abstractmethod
    def reclaim_stale(self, unclaimed_after: float) -> list[str]:
        """Free the jobs whose lease ran out, or that nobody claimed for ``unclaimed_after`` seconds,
        mark them queued now and return their ids (the caller queues them again)."""

    @abc.abstractmethod
    def pending_jobs(self) -> list[str]: ...

    @abc.abstractmethod
    def ping(self) -> bool: ...

    @abc.abstractmethod
    def record_tick(self, repo: str, number: int, item: str, checked: bool, by: str, at: str) -> None:
        """Remember who last ticked or unticked a checklist item, and when (ISO time; older news never wins)."""

    @abc.abstractmethod
    def ticks(self, repo: str, number: int) -> list[tuple[str, bool, str, str]]:
        """(item, checked, by, at) of every recorded tick of the PR, by item."""

    @abc.abstractmethod
    def publication(self, repo: str, number: int, head: str) -> Publication | None:
        """What the tracking-plan check did for this head (read under ``pr_lock``)."""

    @abc.abstractmethod
    def record_publication(self, repo: str, number: int, head: str, publication: Publication) -> None: ...

    @abc.abstractmethod
    def pr_lock(self, repo: str, number: int) -> ContextManager[None]:
        """Held while the PR checks publish for one pull request, across every worker: two jobs for the
        same PR (a push and a label) must not both create a check run or both insert the checklist."""

    @abc.abstractmethod
    def write_lock(self, installation_id: int) -> ContextManager[None]:
        """Held while writing to GitHub for one installation, across every worker process.

        GitHub's secondary rate limits count concurrent writes per installation, so two workers
        (or two machines sharing Redis) must take turns.
        """


class SqliteStore(Store):
    """Tables in the SQLite file that SqliteHuey uses, so one file holds the whole queue."""

    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS productops_delivery (
        id TEXT PRIMARY KEY, state TEXT NOT NULL, updated REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS productops_head (
        repo TEXT NOT NULL, number INTEGER NOT NULL, sha TEXT NOT NULL, updated REAL NOT NULL,
        PRIMARY KEY (repo, number));
    CREATE TABLE IF NOT EXISTS productops_job (
        id TEXT PRIMARY KEY, data TEXT NOT NULL, owner TEXT, lease_until REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0, queued REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS productops_tick (
        repo TEXT NOT NULL, number INTEGER NOT NULL, item TEXT NOT NULL, checked INTEGER NOT NULL,
        by_login TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (repo, number, item));
    CREATE TABLE IF NOT EXISTS productops_publication (
        repo TEXT NOT NULL, number INTEGER NOT NULL, head TEXT NOT NULL, base TEXT NOT NULL,
        run_id INTEGER NOT NULL, done INTEGER NOT NULL, updated REAL NOT NULL, PRIMARY KEY (repo, number, head));
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        # executescript commits on its own, so it runs outside _tx.
        self._conn().executescript(self._SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        # IMMEDIATE takes the write lock up front, so read-then-write steps are atomic across processes.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def claim_delivery(self, delivery: str) -> bool:
        now = time.time()
        with self._tx() as db:
            db.execute("DELETE FROM productops_delivery WHERE updated < ?", (now - DELIVERY_TTL_SECONDS,))
            row = db.execute("SELECT state FROM productops_delivery WHERE id = ?", (delivery,)).fetchone()
            if row is not None and row[0] != FAILED:
                return False
            db.execute("INSERT OR REPLACE INTO productops_delivery VALUES (?, ?, ?)", (delivery, QUEUED, now))
            return True

    def finish_delivery(self, delivery: str, ok: bool) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO productops_delivery VALUES (?, ?, ?)",
                (delivery, SUCCEEDED if ok else FAILED, time.time()),
            )

    def delivery_state(self, delivery: str) -> str | None:
        row = self._conn().execute("SELECT state FROM productops_delivery WHERE id = ?", (delivery,)).fetchone()
        return row[0] if row else None

    def set_head(self, repo: str, number: int, sha: str, at: float) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO productops_head VALUES (?, ?, ?, ?) ON CONFLICT (repo, number) DO UPDATE"
                " SET sha = excluded.sha, updated = excluded.updated WHERE excluded.updated >= productops_head.updated",
                (repo, number, sha, at),
            )

    def head(self, repo: str, number: int) -> str | None:
        row = self._conn().execute(
            "SELECT sha FROM productops_head WHERE repo = ? AND number = ?", (repo, number)
        ).fetchone()
        return row[0] if row else None

    def add_job(self, job_id: str, data: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO productops_job (id, data, queued) VALUES (?, ?, ?)",
                (job_id, json.dumps(data), time.time()),
            )

    def claim_job(self, job_id: str, worker: str, lease: float) -> tuple[dict[str, Any], int] | None:
        now = time.time()
        with self._tx() as db:
            row = db.execute(
                "SELECT data, lease_until, attempts FROM productops_job WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None or row[1] > now:
                return None
            db.execute(
                "UPDATE productops_job SET owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                (worker, now + lease, job_id),
            )
            return json.loads(row[0]), row[2] + 1

    def renew_job(self, job_id: str, worker: str, lease: float) -> bool:
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE productops_job SET lease_until = ? WHERE id = ? AND owner = ?",
                (time.time() + lease, job_id, worker),
            )
            return cursor.rowcount == 1

    def release_job(self, job_id: str, worker: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE productops_job SET owner = NULL, lease_until = 0, queued = ? WHERE id = ? AND owner = ?",
                (time.time(), job_id, worker),
            )

    def complete_job(self, job_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM productops_job WHERE id = ?", (job_id,))

    def reclaim_stale(self, unclaimed_after: float) -> list[str]:
        now = time.time()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id FROM productops_job WHERE (owner IS NOT NULL AND lease_until <= ?)"
                " OR (owner IS NULL AND queued <= ?) ORDER BY queued",
                (now, now - unclaimed_after),
            ).fetchall()
            ids = [row[0] for row in rows]
            db.executemany(
                "UPDATE productops_job SET owner = NULL, lease_until = 0, queued = ? WHERE id = ?",
                [(now, job_id) for job_id in ids],
            )
        return ids

    def pending_jobs(self) -> list[str]:
        return [row[0] for row in self._conn().execute("SELECT id FROM productops_job ORDER BY queued")]

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1 FROM productops_job LIMIT 1").fetchall()
            return True
        except sqlite3.Error:
            return False

    def record_tick(self, repo: str, number: int, item: str, checked: bool, by: str, at: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO productops_tick VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo, number, item) DO UPDATE"
                " SET checked = excluded.checked, by_login = excluded.by_login, at = excluded.at"
                " WHERE excluded.at >= productops_tick.at",
                (repo, number, item, int(checked), by, at),
            )

    def ticks(self, repo: str, number: int) -> list[tuple[str, bool, str, str]]:
        rows = self._conn().execute(
            "SELECT item, checked, by_login, at FROM productops_tick WHERE repo = ? AND number = ? ORDER BY item",
            (repo, number),
        ).fetchall()
        return [(item, bool(checked), by, at) for item, checked, by, at in rows]

    def publication(self, repo: str, number: int, head: str) -> Publication | None:
        row = self._conn().execute(
            "SELECT base, run_id, done FROM productops_publication WHERE repo = ? AND number = ? AND head = ?",
            (repo, number, head),
        ).fetchone()
        return Publication(row[0], int(row[1]), bool(row[2])) if row else None

    def record_publication(self, repo: str, number: int, head: str, publication: Publication) -> None:
        now = time.time()
        with self._tx() as db:
            db.execute("DELETE FROM productops_publication WHERE updated < ?", (now - HEAD_TTL_SECONDS,))
            db.execute(
                "INSERT OR REPLACE INTO productops_publication VALUES (?, ?, ?, ?, ?, ?, ?)",
                (repo, number, head, publication.base, publication.run_id, int(publication.done), now),
            )

    def pr_lock(self, repo: str, number: int) -> ContextManager[None]:
        digest = hashlib.sha1(f"{repo}#{number}".encode()).hexdigest()[:16]
        return _flock(f"{self.path}.pr-{digest}.lock")

    def write_lock(self, installation_id: int) -> ContextManager[None]:
        return _flock(f"{self.path}.write-{installation_id}.lock")


@contextmanager
def _flock(path: str) -> Iterator[None]:
    # One machine: an advisory lock on a file beside the queue, released by the OS if the holder
    # dies, so a killed worker never leaves it locked. flock excludes other open files of the same
    # path, so threads of one worker take turns too.
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def open_store(redis_url: str | None, queue_path: str) -> Store:
    if redis_url:
        from .store_redis import RedisStore

        return RedisStore(redis_url)
    return SqliteStore(queue_path)
