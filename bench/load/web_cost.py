"""Where one acknowledged delivery's web CPU goes, in-process: signature, parsing, the schema check, the whole request.

Usage: ``.venv/bin/python bench/load/web_cost.py [--requests N]``. The whole request runs through
Flask's test client on the SQLite store (no gunicorn, no socket), so it is a lower bound of what a
gunicorn worker spends per delivery.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path[0:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "github_app")]

from app_helpers import SECRET, pull_request_payload  # noqa: E402
from standins.github_api import make_app_key  # noqa: E402

from github_app import create_app  # noqa: E402
from github_app.context import Runtime  # noqa: E402
from github_app.settings import Settings  # noqa: E402
from github_app.shapes import shape_problem  # noqa: E402
from github_app.webhook import parse_event, payload_bytes, sign, verify_signature  # noqa: E402


def per_call_ms(action: Callable[[], object], count: int, rounds: int = 5) -> float:
    """The mean of ``count`` calls, in the least disturbed of ``rounds`` rounds (a shared machine drifts)."""
    action()  # the first call compiles the payload's schema
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(count):
            action()
        best = min(best, time.perf_counter() - started)
    return best / count * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    count = parser.parse_args().requests
    body = json.dumps(pull_request_payload("synchronize", 42, "a" * 40, "b" * 40)).encode()
    signature = sign(body, SECRET)
    headers = {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d", "X-Hub-Signature-256": signature,
               "Content-Type": "application/json"}
    event = parse_event(headers, body)
    with tempfile.TemporaryDirectory(prefix="productops-webcost-") as folder:
        settings = Settings(app_id=4242, private_key=make_app_key()[0], webhook_secret=SECRET,
                            api_url="http://127.0.0.1:9", queue_path=str(Path(folder) / "queue.sqlite3"))
        client = create_app(settings, Runtime(settings)).test_client()
        logging.getLogger().setLevel(logging.WARNING)
        sent = iter(range(10**9))

        def request() -> None:
            answer = client.post("/webhook", data=body, headers={**headers, "X-GitHub-Delivery": f"d{next(sent)}"})
            assert answer.status_code == 202, answer.status_code

        runtime = Runtime(settings)
        accepted = iter(range(10**9))
        rows = {
            "signature check": per_call_ms(lambda: verify_signature(body, signature, SECRET), count),
            "JSON parse": per_call_ms(lambda: parse_event(headers, payload_bytes("application/json", body)), count),
            "payload schema check": per_call_ms(lambda: shape_problem(event.name, event.action, event.payload), count),
            "job record, JSON": per_call_ms(lambda: json.dumps(event.to_data()), count),
            "store: heads, claim and job": per_call_ms(
                lambda: runtime.store.accept(f"s{next(accepted)}", event.to_data(), runtime.router.heads(event)), count),
            "queue: huey enqueue": per_call_ms(lambda: runtime.queue.task("job"), count),
            "whole request (queued)": per_call_ms(request, count),
        }
    print(f"payload: {len(body):,} bytes; ms per delivery, mean of {count}, the least disturbed of 5 rounds")
    for name, ms in rows.items():
        print(f"| {name} | {ms:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
