"""The job queue: huey on SQLite (default) or Redis, with leases so a killed worker loses no job."""

# huey removes a task from its queue when a worker takes it, so a worker killed mid-job would drop
# it. Every job is therefore first recorded in the Store; a worker claims it with a lease that a
# heartbeat renews and deletes the record on completion, and every worker requeues the jobs whose
# lease ran out (at start and then periodically). A job that fails for good (its attempts spent, an
# error a retry cannot fix, or a worker that died during every attempt) moves to the dead-letter
# list, where `productops-app jobs` shows it and can queue it again.

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from typing import Callable, Iterable

from huey import Huey, RedisHuey
from huey.consumer import Consumer
from huey.storage import SqliteStorage

from .settings import Settings
from .store import Store
from .store_base import Head
from .webhook import Event

log = logging.getLogger(__name__)

# (event, attempt number, whether it is the last attempt)
Runner = Callable[[Event, int, bool], None]


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey("productops", url=settings.redis_url, results=False)
    # The Store's busy timeout: under a burst of webhooks a writer may wait its turn for a while.
    return Huey("productops", storage_class=_SqliteStorage, filename=settings.queue_path, results=False, timeout=30)


class _SqliteStorage(SqliteStorage):  # type: ignore[misc]  # huey ships no types, so SqliteStorage is Any
    """huey's SQLite storage with the Store's durability setting (WAL, synchronous=NORMAL)."""

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        # SQLite's default (FULL) syncs the disk at every commit, under the file's write lock, so
        # webhook acks wait in line for the disk (bench/README.md). In WAL mode NORMAL cannot corrupt
        # the file and loses nothing when a process dies; only a power cut can undo the last commits.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


class JobQueue:
    """Submits deliveries as jobs and runs them with leases, retries and backoff."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        huey: Huey,
        run: Runner,
        is_transient: Callable[[BaseException], bool],
        asked_wait: Callable[[BaseException], float | None] = lambda exc: None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.huey = huey
        self._run = run
        self._is_transient = is_transient
        self._asked_wait = asked_wait
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # Our own retries (see _process) keep the attempt count in the Store, across workers.
        self.task = huey.task(name="productops.process")(self._process)
        # The jobs this process is running, whose leases the heartbeat renews.
        self._held: set[str] = set()
        self._held_lock = threading.Lock()
        self._beat: threading.Thread | None = None

    def submit(self, event: Event, heads: Iterable[Head] = ()) -> bool:
        """Record (with the PR heads it names) and queue the delivery; False when it was seen and did not fail."""
        if not self.store.accept(event.delivery, event.to_data(), heads):
            return False
        try:
            self.task(event.delivery)
        except Exception:
            # Forget the claim so GitHub's redelivery of this delivery is processed.
            self.store.finish_delivery(event.delivery, ok=False)
            raise
        return True

    def requeue_stale(self) -> list[str]:
        """Queue again every job whose worker died or that never reached the queue."""
        reclaimed = self.store.reclaim_stale(unclaimed_after=self.settings.job_lease_seconds * 2)
        for job_id in reclaimed:
            log.warning("requeueing job %s: its worker stopped or it was never queued", job_id)
            self.task(job_id)
        return reclaimed

    def retry_dead(self, job_id: str) -> bool:
        """Queue a dead job again with fresh attempts; False when it is not in the dead-letter list."""
        if not self.store.revive_job(job_id):
            return False
        # The job id is the delivery id: its outcome is open again, so a redelivery is not run twice.
        self.store.claim_delivery(job_id)
        self.task(job_id)
        return True

    def _bury(self, job_id: str, delivery: str, reason: str) -> None:
        log.error("job %s is dead: %s", job_id, reason)
        self.store.dead_letter(job_id, reason)
        self.store.finish_delivery(delivery, ok=False)

    def _heartbeat(self) -> None:
        """Renew the lease of every job this process holds, a third of a lease apart, for its whole life."""
        lease = self.settings.job_lease_seconds
        while True:
            time.sleep(lease / 3)
            with self._held_lock:
                held = list(self._held)
            for job_id in held:
                try:
                    self.store.renew_job(job_id, self.worker_id, lease)
                except Exception as exc:  # storage briefly away (a Redis restart): keep beating
                    log.warning("renewing the lease of job %s failed: %s", job_id, exc)

    def _hold(self, job_id: str) -> None:
        with self._held_lock:
            self._held.add(job_id)
            if self._beat is None:  # one thread for every job, not a thread started per job
                self._beat = threading.Thread(target=self._heartbeat, name="productops-leases", daemon=True)
                self._beat.start()

    def _process(self, job_id: str) -> None:
        claimed = self.store.claim_job(job_id, self.worker_id, self.settings.job_lease_seconds)
        if claimed is None:
            return  # done already, or another worker holds a live lease
        data, attempt = claimed
        limit = self.settings.max_attempts
        if attempt > limit:
            # Every attempt ended with its worker gone (killed, out of memory): running it again would too.
            self._bury(job_id, job_id, f"its worker stopped during each of {attempt - 1} attempts")
            return
        try:
            event = Event.from_data(data)
        except (KeyError, TypeError) as exc:
            self._bury(job_id, job_id, f"unreadable job record ({type(exc).__name__}: {exc})")
            return
        final = attempt >= limit
        self._hold(job_id)
        try:
            self._run(event, attempt, final)
        except Exception as exc:
            if not final and self._is_transient(exc):
                # Never sooner than GitHub asked (a rate limit's Retry-After beyond what a job sleeps).
                delay = max(self.settings.retry_delay_seconds * 2 ** (attempt - 1), self._asked_wait(exc) or 0.0)
                log.warning("job %s attempt %d: %s; retrying in %.1fs", job_id, attempt, exc, delay)
                self.store.release_job(job_id, self.worker_id)
                self.task.schedule((job_id,), delay=delay)
                return
            log.exception("job %s failed on attempt %d", job_id, attempt)
            why = f"{type(exc).__name__}: {exc}"
            if self._is_transient(exc):
                self._bury(job_id, event.delivery, f"gave up after {attempt} attempts: {why}")
            else:
                self._bury(job_id, event.delivery, f"not retried (a retry cannot fix it): {why}")
            return
        finally:
            with self._held_lock:
                self._held.discard(job_id)
        self.store.complete_job(job_id, delivery=event.delivery)


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]  # huey ships no types, so Consumer is Any
    """A consumer that leaves signal handling to its host (tests, or a thread of another program)."""

    def _set_signal_handlers(self) -> None:
        pass


class Worker:
    """huey consumer threads plus the reaper that requeues jobs of dead workers."""

    def __init__(self, queue: JobQueue, workers: int = 2) -> None:
        self.queue = queue
        self.workers = workers
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="productops-reaper", daemon=True)
        self.consumer: Consumer | None = None

    def _consumer(self, cls: type[Consumer]) -> Consumer:
        # Short polling: the SQLite backend polls, and a webhook should be handled within a second.
        return cls(
            self.queue.huey, workers=self.workers, worker_type="thread", periodic=False,
            initial_delay=0.05, backoff=1.5, max_delay=1.0,
        )

    def _reap(self) -> None:
        while not self._stop.wait(self.queue.settings.job_lease_seconds / 2):
            try:
                self.queue.requeue_stale()
            except Exception:  # the storage may be briefly unreachable; try at the next tick
                log.exception("requeueing stale jobs failed")

    def start(self) -> None:
        """Start in the background (the caller owns signals); stop with :meth:`stop`."""
        self.queue.requeue_stale()
        self.consumer = self._consumer(_EmbeddedConsumer)
        self.consumer.start()
        self._reaper.start()

    def stop(self) -> None:
        self._stop.set()
        if self.consumer is not None:
            self.consumer.stop(graceful=True)

    def run(self) -> None:
        """Run in the foreground until SIGINT/SIGTERM (``productops-app worker``)."""
        self.queue.requeue_stale()
        self._reaper.start()
        self.consumer = self._consumer(Consumer)
        try:
            self.consumer.run()
        finally:
            self._stop.set()
