"""What the web process and the workers share (the Store interface) and the records it keeps."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ContextManager, Iterable

# Delivery states: a redelivery is processed again only after `failed`.
QUEUED, SUCCEEDED, FAILED = "queued", "succeeded", "failed"
# GitHub lets a delivery be redelivered for a few days; remember outcomes a little longer.
DELIVERY_TTL_SECONDS = 8 * 24 * 3600
HEAD_TTL_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class Head:
    """A pull request's head as of ``at`` (the PR's ``updated_at``), recorded when a delivery arrives."""

    repo: str
    number: int
    sha: str
    at: float


@dataclass(frozen=True)
class Publication:
    """The tracking-plan check of one (repo, PR, head): the run that holds it and whether it was published."""

    base: str
    run_id: int
    done: bool


# Job states as `productops-app jobs` lists them.
JOB_QUEUED, JOB_RUNNING, JOB_DEAD = "queued", "running", "dead"


@dataclass(frozen=True)
class JobRecord:
    """A job as an operator sees it: waiting, held by a worker, or dead (it will not be tried again)."""

    id: str
    data: dict[str, Any]
    state: str
    attempts: int
    # When it was queued (queued), until when its worker's lease runs (running), when it died (dead).
    at: float
    owner: str | None = None
    reason: str = ""


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

    def accept(self, delivery: str, data: dict[str, Any], heads: Iterable[Head] = ()) -> bool:
        """``set_head`` for each of ``heads``, then ``claim_delivery`` and ``add_job``.

        Backends do it all in one transaction or round trip: it is the whole ack path's storage.
        """
        for head in heads:
            self.set_head(head.repo, head.number, head.sha, head.at)
        if not self.claim_delivery(delivery):
            return False
        self.add_job(delivery, data)
        return True

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
    def complete_job(self, job_id: str, delivery: str | None = None) -> None:
        """Drop the finished job; with ``delivery``, record that delivery succeeded at the same time."""

    @abc.abstractmethod
    def reclaim_stale(self, unclaimed_after: float) -> list[str]:
        """Free the jobs whose lease ran out, or that nobody claimed for ``unclaimed_after`` seconds,
        mark them queued now and return their ids (the caller queues them again)."""

    @abc.abstractmethod
    def pending_jobs(self) -> list[str]: ...

    @abc.abstractmethod
    def list_jobs(self) -> list[JobRecord]:
        """Every pending job (queued or running), oldest first."""

    @abc.abstractmethod
    def dead_letter(self, job_id: str, reason: str) -> bool:
        """Move a pending job to the dead-letter list with ``reason``; False when it is not pending.
        A redelivery of the same delivery (``add_job``) takes it out of the list again."""

    @abc.abstractmethod
    def dead_jobs(self) -> list[JobRecord]:
        """The dead-letter list, oldest first."""

    @abc.abstractmethod
    def revive_job(self, job_id: str) -> bool:
        """Make a dead job pending again with its attempts reset (the caller queues it); False when
        it is not in the dead-letter list."""

    @abc.abstractmethod
    def drop_dead(self, job_id: str) -> bool:
        """Remove a job from the dead-letter list; False when it is not there."""

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
