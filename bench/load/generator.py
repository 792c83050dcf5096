"""An open-loop load generator on 127.0.0.1: signed deliveries sent at a fixed rate, each timed from when it was due."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Delivery:
    event: str
    delivery: str
    body: bytes
    signature: str


@dataclass
class Outcome:
    """Per delivery: seconds from its due time to the App's answer (so falling behind counts), and the status."""

    latency: list[float]
    status: list[int]


def _post(port: int, item: Delivery) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/webhook", body=item.body, headers={
            "X-GitHub-Event": item.event, "X-GitHub-Delivery": item.delivery,
            "X-Hub-Signature-256": item.signature, "Content-Type": "application/json",
        })
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0  # refused or reset: counted as not queued
    finally:
        conn.close()


def send(port: int, deliveries: Sequence[Delivery], rate: float, senders: int = 24) -> Outcome:
    """Send delivery ``i`` at ``start + i / rate`` (a new connection each, as GitHub does); stops after the last.

    Open loop: a slow answer does not delay the next send, and each latency is measured from the
    delivery's due time, so an App that falls behind shows it instead of slowing the generator.
    """
    count = len(deliveries)
    latency = [0.0] * count
    status = [0] * count
    order = itertools.count()
    start = time.perf_counter() + 0.1

    def run() -> None:
        while True:
            index = next(order)
            if index >= count:
                return
            due = start + index / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            status[index] = _post(port, deliveries[index])
            latency[index] = time.perf_counter() - due

    threads = [threading.Thread(target=run, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(latency, status)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0
