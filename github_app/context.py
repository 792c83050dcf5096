"""Wiring shared by the web process and the workers: settings, store, queue, GitHub, router."""

from __future__ import annotations

from dataclasses import dataclass

from .github import GitHubApp, is_transient
from .github_safety import asked_wait
from .queue import JobQueue, make_huey
from .routing import Router
from .settings import Settings
from .store import Store, open_store
from .webhook import Event


@dataclass(frozen=True)
class Context:
    """What a handler gets for one job."""

    settings: Settings
    store: Store
    github: GitHubApp
    attempt: int = 1
    # The last attempt: a handler concludes its check run instead of leaving it to a retry.
    final: bool = True


class Runtime:
    """Built once per process from Settings."""

    def __init__(self, settings: Settings, router: Router | None = None, github: GitHubApp | None = None) -> None:
        from .handlers import default_router

        self.settings = settings
        self.store = open_store(settings.redis_url, settings.queue_path)
        self.huey = make_huey(settings)
        self.github = github or GitHubApp(settings, shared_lock=self.store.write_lock)
        if self.github.shared_lock is None:
            self.github.shared_lock = self.store.write_lock
        self.router = router or default_router()
        self.queue = JobQueue(settings, self.store, self.huey, self.run, is_transient, asked_wait)

    def run(self, event: Event, attempt: int, final: bool) -> None:
        ctx = Context(self.settings, self.store, self.github, attempt, final)
        self.router.dispatch(ctx, event)

    def receive(self, event: Event) -> str:
        """Web side: ``queued``, ``ignored`` (no handler) or ``duplicate`` (seen, did not fail)."""
        if not self.router.handles(event):
            return "ignored"
        # Recorded with the job, before it is queued: it may run at once, and reads the PR's newest head.
        return "queued" if self.queue.submit(event, self.router.heads(event)) else "duplicate"
