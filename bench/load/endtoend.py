"""A 100-file pull request processed end to end: signed delivery to a concluded check run on the stand-in GitHub."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from app_helpers import REPO, SECRET, pull_request_payload
from shop_pr import many_views_pr
from standins.github_fake_repos import GitHubStandIn

from github_app import create_app
from github_app.context import Runtime
from github_app.queue import Worker
from github_app.settings import Settings
from github_app.store import open_store
from github_app.webhook import sign

APP_ID = 4242
NUMBER = 42



def _deliver(settings: Settings, body: bytes, headers: dict[str, str], answer: "multiprocessing.Queue[float]") -> None:
    """The App's side, in a process of its own as against GitHub: the delivery, then the job to its end."""
    runtime = Runtime(settings)
    client = create_app(settings, runtime).test_client()
    worker = Worker(runtime.queue, workers=2)
    worker.start()
    try:
        started = time.perf_counter()
        assert client.post("/webhook", data=body, headers=headers).status_code == 202
        deadline = started + 300
        while runtime.store.delivery_state("big-pr") not in ("succeeded", "failed") and time.perf_counter() < deadline:
            time.sleep(0.01)
        answer.put(time.perf_counter() - started)
    finally:
        worker.stop()


def measure_big_pr(key: tuple[str, str], files: int = 100, blob_latency: float = 0.0) -> dict[str, Any]:
    """Seconds from the delivery to the concluded run, worker with 2 threads, no write pauses.

    The App runs in a process of its own: in one process with the stand-in, the stand-in's own work
    (checking each request against GitHub's OpenAPI description, answering it) took the App's
    interpreter lock, which GitHub's servers never do. ``blob_latency`` seconds are added to every
    blob answer (a round trip to GitHub, which the stand-in on 127.0.0.1 does not have; the wait
    holds no CPU)."""
    folder = Path(tempfile.mkdtemp(prefix="productops-bigpr-"))
    standin = GitHubStandIn(APP_ID, key[1]).start()
    if blob_latency:
        standin.fault("GET", r"/git/blobs/", delay=blob_latency, times=10**9)
    try:
        base, head = many_views_pr(folder, standin, files, NUMBER)
        settings = Settings(app_id=APP_ID, private_key=key[0], webhook_secret=SECRET, api_url=standin.url,
                            queue_path=str(folder / "queue.sqlite3"), write_interval_seconds=0.0)
        body = json.dumps(pull_request_payload("synchronize", NUMBER, head, base)).encode()
        headers = {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "big-pr",
                   "X-Hub-Signature-256": sign(body, SECRET), "Content-Type": "application/json"}
        # Spawned, not forked: the child starts with none of this process's threads (the stand-in's).
        context = multiprocessing.get_context("spawn")
        answer: multiprocessing.Queue[float] = context.Queue()
        app = context.Process(target=_deliver, args=(settings, body, headers, answer))
        app.start()
        try:
            took = answer.get(timeout=600)
        finally:
            app.join(60)
        runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == settings.check_name]
        return {
            "files": files, "blob_latency_ms": round(blob_latency * 1000), "seconds": round(took, 3),
            "state": open_store(None, settings.queue_path).delivery_state("big-pr"),
            "conclusion": runs[-1].get("conclusion") if runs else None,
            "annotations": len(runs[-1].get("annotations") or []) if runs else 0,
            "requests": len(standin.calls),
            "blob_requests": sum("/git/blobs/" in call.path for call in standin.calls),
        }
    finally:
        standin.stop()
        shutil.rmtree(folder, ignore_errors=True)
