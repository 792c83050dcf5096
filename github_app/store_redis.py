"""The Store on Redis: keys with a TTL for deliveries, heads and publications, a hash per pending or dead job."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import redis

from . import store_redis_lua as lua
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

PREFIX = "productops:"
JOBS = PREFIX + "jobs"  # sorted set: job id -> time it was last queued
DEAD = PREFIX + "dead"  # sorted set: job id -> time it was dead-lettered
PR_LOCK_LEASE_SECONDS = 15.0


class RedisStore(Store):
    """Shared by every webhook replica and worker that points at the same Redis."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self._claim_delivery = self.client.register_script(lua.CLAIM_DELIVERY)
        self._claim_job = self.client.register_script(lua.CLAIM_JOB)
        self._renew_job = self.client.register_script(lua.RENEW_JOB)
        self._reclaim_job = self.client.register_script(lua.RECLAIM_JOB)
        self._set_head = self.client.register_script(lua.SET_HEAD)
        self._release_job = self.client.register_script(lua.RELEASE_JOB)
        self._record_tick = self.client.register_script(lua.RECORD_TICK)
        self._accept = self.client.register_script(lua.ACCEPT)
        self._dead_letter = self.client.register_script(lua.DEAD_LETTER)
        self._revive = self.client.register_script(lua.REVIVE)

    @staticmethod
    def _delivery(delivery: str) -> str:
        return f"{PREFIX}delivery:{delivery}"

    @staticmethod
    def _job(job_id: str) -> str:
        return f"{PREFIX}job:{job_id}"

    @staticmethod
    def _dead(job_id: str) -> str:
        return f"{PREFIX}dead:{job_id}"

    @staticmethod
    def _head(repo: str, number: int) -> str:
        return f"{PREFIX}head:{repo}#{number}"

    def claim_delivery(self, delivery: str) -> bool:
        keys = [self._delivery(delivery)]
        return bool(self._claim_delivery(keys=keys, args=[DELIVERY_TTL_SECONDS, FAILED, QUEUED]))

    def finish_delivery(self, delivery: str, ok: bool) -> None:
        self.client.set(self._delivery(delivery), SUCCEEDED if ok else FAILED, ex=DELIVERY_TTL_SECONDS)

    def delivery_state(self, delivery: str) -> str | None:
        value = self.client.get(self._delivery(delivery))
        return value.decode() if value is not None else None

    def set_head(self, repo: str, number: int, sha: str, at: float) -> None:
        self._set_head(keys=[self._head(repo, number)], args=[repr(at), sha, HEAD_TTL_SECONDS])

    def head(self, repo: str, number: int) -> str | None:
        value = self.client.hget(self._head(repo, number), "sha")
        return value.decode() if value is not None else None

    def add_job(self, job_id: str, data: dict[str, Any]) -> None:
        pipe = self.client.pipeline()
        pipe.delete(self._job(job_id), self._dead(job_id))
        pipe.hset(self._job(job_id), mapping={"data": json.dumps(data), "lease_until": 0, "attempts": 0})
        pipe.zadd(JOBS, {job_id: time.time()})
        pipe.zrem(DEAD, job_id)
        pipe.execute()

    def accept(self, delivery: str, data: dict[str, Any], heads: Iterable[Head] = ()) -> bool:
        # One script, one round trip: the heads, then the claim and the job.
        keys = [self._delivery(delivery), self._job(delivery), JOBS, self._dead(delivery), DEAD]
        args: list[str | float] = [DELIVERY_TTL_SECONDS, FAILED, QUEUED, json.dumps(data), time.time(), delivery, HEAD_TTL_SECONDS]
        for head in heads:
            keys.append(self._head(head.repo, head.number))
            args += [repr(head.at), head.sha]
        return bool(self._accept(keys=keys, args=args))

    def claim_job(self, job_id: str, worker: str, lease: float) -> tuple[dict[str, Any], int] | None:
        now = time.time()
        found = self._claim_job(keys=[self._job(job_id)], args=[now, worker, now + lease])
        if not found:
            return None
        data, attempts = found
        return json.loads(data), int(attempts)

    def renew_job(self, job_id: str, worker: str, lease: float) -> bool:
        return bool(self._renew_job(keys=[self._job(job_id)], args=[worker, time.time() + lease]))

    def release_job(self, job_id: str, worker: str) -> None:
        self._release_job(keys=[self._job(job_id), JOBS], args=[worker, time.time(), job_id])

    def complete_job(self, job_id: str, delivery: str | None = None) -> None:
        pipe = self.client.pipeline()
        pipe.delete(self._job(job_id))
        pipe.zrem(JOBS, job_id)
        if delivery is not None:
            pipe.set(self._delivery(delivery), SUCCEEDED, ex=DELIVERY_TTL_SECONDS)
        pipe.execute()

    def reclaim_stale(self, unclaimed_after: float) -> list[str]:
        now = time.time()
        reclaimed: list[str] = []
        for raw in self.client.zrange(JOBS, 0, -1):
            job_id = raw.decode()
            if self._reclaim_job(keys=[self._job(job_id), JOBS], args=[now, now - unclaimed_after, job_id]):
                reclaimed.append(job_id)
        return reclaimed

    def pending_jobs(self) -> list[str]:
        return [raw.decode() for raw in self.client.zrange(JOBS, 0, -1)]

    def list_jobs(self) -> list[JobRecord]:
        now = time.time()
        entries = self.client.zrange(JOBS, 0, -1, withscores=True)
        pipe = self.client.pipeline(transaction=False)
        for raw, _ in entries:
            pipe.hgetall(self._job(raw.decode()))
        out = []
        for (raw, queued), found in zip(entries, pipe.execute()):
            if not found:
                continue  # completed between the two reads
            data, attempts = json.loads(found[b"data"]), int(found.get(b"attempts", 0))
            owner, lease = found.get(b"owner"), float(found.get(b"lease_until", 0))
            if owner is not None and lease > now:
                out.append(JobRecord(raw.decode(), data, JOB_RUNNING, attempts, lease, owner.decode()))
            else:
                out.append(JobRecord(raw.decode(), data, JOB_QUEUED, attempts, float(queued)))
        return out

    def dead_letter(self, job_id: str, reason: str) -> bool:
        keys = [self._job(job_id), JOBS, self._dead(job_id), DEAD]
        return bool(self._dead_letter(keys=keys, args=[job_id, reason, time.time()]))

    def dead_jobs(self) -> list[JobRecord]:
        ids = [raw.decode() for raw in self.client.zrange(DEAD, 0, -1)]
        pipe = self.client.pipeline(transaction=False)
        for job_id in ids:
            pipe.hgetall(self._dead(job_id))
        out = []
        for job_id, found in zip(ids, pipe.execute()):
            if found:
                out.append(JobRecord(
                    job_id, json.loads(found[b"data"]), JOB_DEAD, int(found[b"attempts"]), float(found[b"at"]),
                    reason=found[b"reason"].decode(),
                ))
        return out

    def revive_job(self, job_id: str) -> bool:
        keys = [self._dead(job_id), DEAD, self._job(job_id), JOBS]
        return bool(self._revive(keys=keys, args=[job_id, time.time()]))

    def drop_dead(self, job_id: str) -> bool:
        pipe = self.client.pipeline()
        pipe.delete(self._dead(job_id))
        pipe.zrem(DEAD, job_id)
        return bool(pipe.execute()[1])

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def record_tick(self, repo: str, number: int, item: str, checked: bool, by: str, at: str) -> None:
        value = json.dumps({"checked": checked, "by": by, "at": at})
        self._record_tick(keys=[f"{PREFIX}ticks:{repo}#{number}"], args=[item, value, at, HEAD_TTL_SECONDS])

    def ticks(self, repo: str, number: int) -> list[tuple[str, bool, str, str]]:
        found = self.client.hgetall(f"{PREFIX}ticks:{repo}#{number}")
        out = []
        for item, raw in sorted(found.items()):
            data = json.loads(raw)
            out.append((item.decode(), bool(data["checked"]), str(data["by"]), str(data["at"])))
        return out

    def publication(self, repo: str, number: int, head: str) -> Publication | None:
        found = self.client.hgetall(f"{PREFIX}publication:{repo}#{number}@{head}")
        if not found:
            return None
        return Publication(found[b"base"].decode(), int(found[b"run"]), found[b"done"] == b"1")

    def record_publication(self, repo: str, number: int, head: str, publication: Publication) -> None:
        key = f"{PREFIX}publication:{repo}#{number}@{head}"
        pipe = self.client.pipeline()  # MULTI: a reader never sees half a record
        pipe.hset(key, mapping={"base": publication.base, "run": publication.run_id, "done": int(publication.done)})
        pipe.expire(key, HEAD_TTL_SECONDS)
        pipe.execute()

    @contextmanager
    def pr_lock(self, repo: str, number: int) -> Iterator[None]:
        # Held for a whole job (see check_pull_request), so a short lease renewed while held: a
        # holder that dies frees the PR within PR_LOCK_LEASE_SECONDS, not after the longest job.
        lock = self.client.lock(f"{PREFIX}pr:{repo}#{number}", timeout=PR_LOCK_LEASE_SECONDS, blocking_timeout=900)
        if not lock.acquire():
            raise TimeoutError(f"waited too long for the lock of {repo}#{number}")
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(PR_LOCK_LEASE_SECONDS / 3):
                try:
                    lock.reacquire()
                except redis.exceptions.LockError:
                    return  # lost it (it expired); the publication record still guards
                except redis.RedisError:
                    continue  # Redis briefly away (a restart): the lease may still be renewed in time
        keeper = threading.Thread(target=renew, name="productops-pr-lock", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join()
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass

    @contextmanager
    def write_lock(self, installation_id: int) -> Iterator[None]:
        # Shared by every machine; the timeout frees the lock if its holder died mid-write.
        lock = self.client.lock(f"productops:write:{installation_id}", timeout=300, blocking_timeout=600)
        if not lock.acquire():
            raise TimeoutError(f"waited too long for the write lock of installation {installation_id}")
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired while held; the next holder already has it
