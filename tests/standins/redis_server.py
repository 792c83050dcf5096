"""A real redis-server on a free loopback port, in a temporary folder, for the Redis backend tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def ensure_redis_server() -> str:
    """The redis-server binary; installed with apt-get when missing and we are root.

    Never skips: a machine that cannot run Redis fails these tests with the reason.
    """
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("redis-server is not installed and we are not root to `apt-get install redis-server`")
    import fcntl
    import tempfile

    # Test workers (pytest -n) start together: one installs, the others wait and then find it.
    with open(os.path.join(tempfile.gettempdir(), "productops-redis-install.lock"), "w") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if not shutil.which("redis-server"):
            for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "redis-server"]):
                done = subprocess.run(command, capture_output=True, text=True,
                                      env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
                if done.returncode != 0:
                    raise RuntimeError(f"`{' '.join(command)}` failed:\n{done.stderr[-2000:]}")
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("apt-get installed redis-server but it is not on PATH")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.binary = ensure_redis_server()
        self.folder = Path(tempfile.mkdtemp(prefix="productops-redis-"))
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    err = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"redis-server did not start: {err}") from None
                time.sleep(0.05)

    def flush(self) -> None:
        redis.Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)
