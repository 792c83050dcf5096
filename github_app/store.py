"""The Store on SQLite: tables in the queue's own file (the default, one machine)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Any, ContextManager, Iterable, Iterator

from .store_base import (
    DELIVERY_TTL_SECONDS,
    FAILED,
    HEAD_TTL_SECONDS,
    JOB_DEAD,
    JOB_QUEUED,
    JOB_RUNNING,
    QUEUED,
    SUCCEEDED,
    Head,
    JobRecord,
    Publication,
    Store,
)

# The Store and its records are imported from here, beside the stores that implement it.
__all__ = [
    "DELIVERY_TTL_SECONDS", "FAILED", "HEAD_TTL_SECONDS", "JOB_DEAD", "JOB_QUEUED", "JOB_RUNNING", "QUEUED",
    "SUCCEEDED", "JobRecord", "Publication", "SqliteStore", "Store", "open_store",
]


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
    CREATE INDEX IF NOT EXISTS productops_delivery_updated ON productops_delivery (updated);
    CREATE INDEX IF NOT EXISTS productops_publication_updated ON productops_publication (updated);
    CREATE TABLE IF NOT EXISTS productops_dead (
        id TEXT PRIMARY KEY, data TEXT NOT NULL, attempts INTEGER NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL);
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
            # In WAL mode NORMAL cannot corrupt the file and loses nothing when a process dies; only a
            # power cut can undo the last commits. FULL would fsync on every webhook's ack.
            conn.execute("PRAGMA synchronous=NORMAL")
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
        with self._tx() as db:
            return self._claim(db, delivery)

    @staticmethod
    def _claim(db: sqlite3.Connection, delivery: str) -> bool:
        now = time.time()
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
            self._set_head(db, Head(repo, number, sha, at))

    @staticmethod
    def _set_head(db: sqlite3.Connection, head: Head) -> None:
        db.execute(
            "INSERT INTO productops_head VALUES (?, ?, ?, ?) ON CONFLICT (repo, number) DO UPDATE"
            " SET sha = excluded.sha, updated = excluded.updated WHERE excluded.updated >= productops_head.updated",
            (head.repo, head.number, head.sha, head.at),
        )

    def head(self, repo: str, number: int) -> str | None:
        row = self._conn().execute(
            "SELECT sha FROM productops_head WHERE repo = ? AND number = ?", (repo, number)
        ).fetchone()
        return row[0] if row else None

    def add_job(self, job_id: str, data: dict[str, Any]) -> None:
        with self._tx() as db:
            self._add_job(db, job_id, data)

    @staticmethod
    def _add_job(db: sqlite3.Connection, job_id: str, data: dict[str, Any]) -> None:
        db.execute("DELETE FROM productops_dead WHERE id = ?", (job_id,))
        db.execute(
            "INSERT OR REPLACE INTO productops_job (id, data, queued) VALUES (?, ?, ?)",
            (job_id, json.dumps(data), time.time()),
        )

    def accept(self, delivery: str, data: dict[str, Any], heads: Iterable[Head] = ()) -> bool:
        # One transaction: each takes the file's write lock, and under a burst the ack waits for it.
        with self._tx() as db:
            for head in heads:
                self._set_head(db, head)
            if not self._claim(db, delivery):
                return False
            self._add_job(db, delivery, data)
            return True

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

    def complete_job(self, job_id: str, delivery: str | None = None) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM productops_job WHERE id = ?", (job_id,))
            if delivery is not None:
                db.execute("INSERT OR REPLACE INTO productops_delivery VALUES (?, ?, ?)", (delivery, SUCCEEDED, time.time()))

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

    def list_jobs(self) -> list[JobRecord]:
        now = time.time()
        rows = self._conn().execute(
            "SELECT id, data, owner, lease_until, attempts, queued FROM productops_job ORDER BY queued"
        ).fetchall()
        return [
            JobRecord(job_id, json.loads(data), JOB_RUNNING, attempts, lease, owner)
            if owner is not None and lease > now
            else JobRecord(job_id, json.loads(data), JOB_QUEUED, attempts, queued)
            for job_id, data, owner, lease, attempts, queued in rows
        ]

    def dead_letter(self, job_id: str, reason: str) -> bool:
        with self._tx() as db:
            row = db.execute("SELECT data, attempts FROM productops_job WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM productops_job WHERE id = ?", (job_id,))
            db.execute(
                "INSERT OR REPLACE INTO productops_dead VALUES (?, ?, ?, ?, ?)",
                (job_id, row[0], row[1], reason, time.time()),
            )
            return True

    def dead_jobs(self) -> list[JobRecord]:
        rows = self._conn().execute("SELECT id, data, attempts, reason, at FROM productops_dead ORDER BY at").fetchall()
        return [
            JobRecord(job_id, json.loads(data), JOB_DEAD, attempts, at, reason=reason)
            for job_id, data, attempts, reason, at in rows
        ]

    def revive_job(self, job_id: str) -> bool:
        with self._tx() as db:
            row = db.execute("SELECT data FROM productops_dead WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return False
            self._add_job(db, job_id, json.loads(row[0]))
            return True

    def drop_dead(self, job_id: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM productops_dead WHERE id = ?", (job_id,)).rowcount == 1

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
