"""Real processes for the crash tests: `productops-app worker` processes and a redis-server that persists."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
from app_helpers import REPO, ROOT
from standins.github_fake_repos import GitHubStandIn
from standins.redis_server import ensure_redis_server

from github_app.render import SUMMARY_MARKER
from github_app.settings import Settings

TRACKING = "productops/tracking-plan"


def app_env(settings: Settings) -> dict[str, str]:
    """The environment a `productops-app` process is configured from, as in production."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_APP_ID": str(settings.app_id),
        "GITHUB_PRIVATE_KEY": settings.private_key,
        "GITHUB_WEBHOOK_SECRET": settings.webhook_secret,
        "GITHUB_API_URL": settings.api_url,
        "PRODUCTOPS_QUEUE_PATH": settings.queue_path,
        "PRODUCTOPS_JOB_LEASE_SECONDS": str(settings.job_lease_seconds),
        "PRODUCTOPS_RETRY_DELAY_SECONDS": "0.1",
        "PRODUCTOPS_WRITE_INTERVAL_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    if settings.redis_url:
        env["PRODUCTOPS_REDIS_URL"] = settings.redis_url
    return env


def start_worker(settings: Settings, log: Path, threads: int = 2) -> subprocess.Popen[bytes]:
    """`productops-app worker` in its own process, configured from the environment as in production."""
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "github_app", "worker", "--threads", str(threads)],
                                cwd=ROOT, env=app_env(settings), stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def output_of(standin: GitHubStandIn, head: str) -> dict[str, Any]:
    """What the PR shows for ``head``: tracking-plan runs (status, conclusion, annotations), reviews, stickies."""
    state = standin.repos[REPO]
    runs = [r for r in state.check_runs.values() if r["name"] == TRACKING and r["head_sha"] == head]
    return {
        "runs": [(r["status"], r.get("conclusion"), len(r.get("annotations") or [])) for r in runs],
        "reviews": len(state.reviews),
        "stickies": sum(SUMMARY_MARKER in (c.get("body") or "") for c in state.issue_comments),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PersistentRedis:
    """A redis-server with its append-only file on, so what it acknowledged survives a crash."""

    def __init__(self) -> None:
        self.binary = ensure_redis_server()
        self.folder = Path(tempfile.mkdtemp(prefix="productops-redis-aof-"))
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "PersistentRedis":
        # appendfsync everysec (Redis's default): each write reaches the file before its reply, so a
        # killed server loses nothing; only a power cut can cost the last second.
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.exceptions.BusyLoadingError:
                time.sleep(0.05)
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def crash(self) -> None:
        """SIGKILL: no shutdown save, as when the machine's OOM killer or a crash ends it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)
