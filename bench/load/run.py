"""Load test of the GitHub App: signed deliveries to gunicorn at 200, 500 and 1,000 requests/s, SQLite and Redis.

One command: `make bench-load` (= `.venv/bin/python bench/load/run.py`); `--quick` for a short try.
Everything runs on 127.0.0.1 and stops by itself: the stand-in GitHub of tests/standins, gunicorn
with the App (`github_app.wsgi:app`), one `productops-app worker`, and Redis for the Redis backend.
The `floor` rows run the same gunicorn and generator against `floor_app.py`, which only reads the
body: what the server and the generator cost on this machine before the App does anything.
Results: a table on stdout and bench/results/load.json (quick: load-quick.json); bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[0:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "github_app")]

from app_helpers import REPO, SECRET, pull_request_payload  # noqa: E402
from crash_helpers import PersistentRedis  # noqa: E402
from shop_pr import NUMBER, ShopPR, make_shop_pr  # noqa: E402
from standins.github_api import make_app_key  # noqa: E402
from standins.github_fake_repos import GitHubStandIn  # noqa: E402

from bench.load.endtoend import measure_big_pr  # noqa: E402
from bench.load.generator import Delivery, percentile, send  # noqa: E402
from github_app.localgit import LocalRepo  # noqa: E402
from github_app.store import open_store  # noqa: E402
from github_app.webhook import sign  # noqa: E402

APP_ID = 4242
RESULTS = ROOT / "bench" / "results"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """gunicorn and a worker on one backend, and what they are configured with."""

    env: dict[str, str]
    port: int
    processes: list[subprocess.Popen[bytes]]
    redis: PersistentRedis | None

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis is not None:
            self.redis.stop()


def start_stack(backend: str, folder: Path, api_url: str, key: str, web_workers: int) -> Stack:
    """gunicorn and one worker on ``backend``; ``floor``: gunicorn alone with `floor_app` (no worker)."""
    redis_server = PersistentRedis().start() if backend == "redis" else None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
        "GITHUB_APP_ID": str(APP_ID), "GITHUB_PRIVATE_KEY": key, "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": api_url, "PRODUCTOPS_QUEUE_PATH": str(folder / "queue.sqlite3"),
        "PRODUCTOPS_WRITE_INTERVAL_SECONDS": "0",
    }
    if redis_server is not None:
        env["PRODUCTOPS_REDIS_URL"] = redis_server.url
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    log = (folder / "server.log").open("ab")
    web = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--workers", str(web_workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.load.floor_app:app" if backend == "floor" else "github_app.wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    processes = [web]
    if backend != "floor":
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "github_app", "--log-level", "WARNING", "worker", "--threads", "2"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        ))
    stack = Stack(env, port, processes, redis_server)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status in (200, 202):
                    return stack
        except OSError:
            if web.poll() is not None or time.monotonic() > deadline:
                stack.stop()
                raise RuntimeError(f"gunicorn did not start; see {folder / 'server.log'}") from None
            time.sleep(0.1)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_split(stack: Stack) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers, the job worker and this generator (Linux /proc)."""
    master = stack.processes[0].pid
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(int(p.name)) == master]
    return {"web": sum(_cpu_seconds(pid) for pid in [master, *children]),
            "worker": sum(_cpu_seconds(p.pid) for p in stack.processes[1:]), "generator": sum(os.times()[:2])}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def deliveries(shop: ShopPR, count: int, tag: str) -> list[Delivery]:
    """``count`` pushes to one PR, each newer than the last; only the last names the real head, so
    the worker drops the others as superseded (as it does for a burst of pushes) and checks one."""
    out = []
    for index in range(count):
        head = shop.head if index == count - 1 else secrets.token_hex(20)
        body = json.dumps(pull_request_payload("synchronize", NUMBER, head, shop.base)).encode()
        out.append(Delivery("pull_request", f"{tag}-{index}", body, sign(body, SECRET)))
    return out


def drain(stack: Stack, ids: list[str], timeout: float) -> tuple[int, float]:
    """How many of ``ids`` the worker finished, and how long after the last send it took."""
    store = open_store(stack.env.get("PRODUCTOPS_REDIS_URL"), stack.env["PRODUCTOPS_QUEUE_PATH"])
    started = time.perf_counter()
    remaining = list(ids)
    while remaining and time.perf_counter() - started < timeout:
        remaining = [d for d in remaining if store.delivery_state(d) != "succeeded"]
        if remaining:
            time.sleep(0.2)
    return len(ids) - len(remaining), time.perf_counter() - started


def run_backend(backend: str, rates: list[int], seconds: float, key: tuple[str, str], web_workers: int) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix=f"productops-load-{backend}-"))
    standin = GitHubStandIn(APP_ID, key[1]).start()
    rows = []
    try:
        shop = make_shop_pr(folder)
        standin.add_repo(REPO, LocalRepo(shop.path))
        standin.open_pull(REPO, NUMBER, "main", "feature")
        stack = start_stack(backend, folder, standin.url, key[0], web_workers)
        try:
            warm = deliveries(shop, 50, f"warm-{backend}")
            send(stack.port, warm, 100)  # compiles the payload schema in each gunicorn worker
            for rate in rates:
                batch = deliveries(shop, int(rate * seconds), f"{backend}-{rate}")
                cpu_before = cpu_split(stack)
                began = time.perf_counter()
                outcome = send(stack.port, batch, rate)
                took = time.perf_counter() - began
                cpu = {k: round(v - cpu_before[k], 2) for k, v in cpu_split(stack).items()}
                queued = [d.delivery for d, s in zip(batch, outcome.status) if s == 202]
                if backend == "floor":  # nothing is kept: what was answered is all there is
                    processed, drained = len(queued), 0.0
                else:
                    processed, drained = drain(stack, queued, timeout=max(60.0, seconds * 6))
                ms = [v * 1000 for v in outcome.latency]
                rows.append({
                    "backend": backend, "rate": rate, "seconds": round(took, 2), "sent": len(batch),
                    "queued": len(queued), "other_status": sorted({s for s in outcome.status if s != 202}),
                    "processed": processed, "drain_seconds": round(drained, 2),
                    "p50_ms": round(percentile(ms, 0.50), 2), "p99_ms": round(percentile(ms, 0.99), 2),
                    "max_ms": round(max(ms), 2), "cpu_seconds_while_sending": cpu,
                    "web_cpu_ms_per_request": round(cpu["web"] * 1000 / len(batch), 2),
                })
                print(_line(rows[-1]), flush=True)
            if backend != "floor":
                runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
                rows[-1]["tracking_runs_for_the_head"] = len(runs)
        finally:
            stack.stop()
    finally:
        standin.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def _line(row: dict[str, Any]) -> str:
    return (f"| {row['backend']} | {row['rate']} | {row['sent']} | {row['queued']} | {row['processed']} "
            f"| {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | {row['drain_seconds']} "
            f"| {row['web_cpu_ms_per_request']} | {row['cpu_seconds_while_sending']['worker']} "
            f"| {row['cpu_seconds_while_sending']['generator']} |")


def big_pr_only(key: tuple[str, str], blob_latency: float, tries: int = 3) -> int:
    """The 100-file PR alone, ``tries`` times; prints each try and the best."""
    results = [measure_big_pr(key, files=100, blob_latency=blob_latency) for _ in range(tries)]
    for big in results:
        print(json.dumps(big), flush=True)
    best = min(results, key=lambda big: big["seconds"])
    print(f"100-file PR, delivery to concluded check run: best of {tries} {best['seconds']:.2f} s, "
          f"{best['blob_latency_ms']} ms added to each blob answer "
          f"({best['annotations']} annotations, {best['requests']} requests to the stand-in GitHub, "
          f"{best['blob_requests']} of them blobs)")
    return 0 if all(big["conclusion"] for big in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s per rate instead of 10, and a smaller PR check")
    parser.add_argument("--seconds", type=float, default=None, help="seconds of load per rate (default 10)")
    parser.add_argument("--rates", default="200,500,1000", help="requests/s, comma-separated")
    parser.add_argument("--backends", default="floor,sqlite,redis",
                        help="floor: the same gunicorn serving bench/load/floor_app.py, the server's own cost")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--big-pr-only", action="store_true", help="only the 100-file PR, best of 3 (no load, no results file)")
    parser.add_argument("--blob-latency-ms", type=float, default=0.0, help="with --big-pr-only: added to each blob answer")
    args = parser.parse_args()
    if args.big_pr_only:
        return big_pr_only(make_app_key(), args.blob_latency_ms / 1000)
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    rates = [int(r) for r in args.rates.split(",")]
    key = make_app_key()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{seconds:g} s per rate, gunicorn --workers {args.web_workers} (sync), 1 worker --threads 2")
    print("| backend | req/s | sent | queued (202) | processed | ack p50 ms | ack p99 ms | max ms | drain s "
          "| web CPU ms/req | worker CPU s | generator CPU s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = [row for backend in args.backends.split(",") for row in run_backend(backend, rates, seconds, key, args.web_workers)]
    big = measure_big_pr(key, files=100)
    print(f"100-file PR, delivery to concluded check run: {big['seconds']:.2f} s "
          f"({big['annotations']} annotations, {big['requests']} requests to the stand-in GitHub, "
          f"{big['blob_requests']} of them blobs)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("load-quick.json" if args.quick else "load.json")
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
                               "seconds_per_rate": seconds, "rows": rows, "big_pr": big}, indent=2) + "\n")
    lost = [r for r in rows if r["queued"] != r["sent"] or r["processed"] != r["queued"]]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
