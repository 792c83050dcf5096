"""An open-loop load generator on 127.0.0.1: signed deliveries sent at a fixed rate, each timed from when it was due."""

# One asyncio loop in one thread, each request's bytes built before the clock starts. gunicorn's
# sync workers wait for the client to close each connection; a generator of Python threads sharing
# the GIL closed late whenever its threads queued for the GIL, which showed up as the server's
# latency at the higher rates (bench/README.md has both generators against the floor app).

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Delivery:
    event: str
    delivery: str
    body: bytes
    signature: str

    def request(self) -> bytes:
        """The whole HTTP/1.1 request, as GitHub sends it: one delivery per connection."""
        head = (
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: GitHub-Hookshot/load\r\n"
            f"X-GitHub-Event: {self.event}\r\nX-GitHub-Delivery: {self.delivery}\r\n"
            f"X-Hub-Signature-256: {self.signature}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
        )
        return head.encode("ascii") + self.body


@dataclass
class Outcome:
    """Per delivery: seconds from its due time to the App's answer (so falling behind counts), and the status."""

    latency: list[float]
    status: list[int]


async def _post(port: int, request: bytes, timeout: float) -> int:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, asyncio.TimeoutError):
        return 0  # refused: counted as not queued
    try:
        writer.write(request)
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)  # the rest, up to the server's close
        parts = status_line.split()
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    except (OSError, asyncio.TimeoutError):
        return 0  # reset or timed out: counted as not queued
    finally:
        writer.close()


async def _send(port: int, requests: list[bytes], rate: float, timeout: float, connections: int) -> Outcome:
    count = len(requests)
    latency = [0.0] * count
    status = [0] * count
    start = time.perf_counter() + 0.1
    # At most this many deliveries in flight, as GitHub's senders are: past it, a delivery waits its
    # turn (and its wait counts in its latency) instead of piling up in the listen queue until it times out.
    slots = asyncio.Semaphore(connections)

    async def one(index: int, due: float) -> None:
        async with slots:
            status[index] = await _post(port, requests[index], timeout)
        latency[index] = time.perf_counter() - due

    pending = set()
    for index in range(count):
        due = start + index / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(index, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending)
    return Outcome(latency, status)


def send(port: int, deliveries: Sequence[Delivery], rate: float, timeout: float = 30.0, connections: int = 24) -> Outcome:
    """Send delivery ``i`` at ``start + i / rate`` (a new connection each, as GitHub does); stops after the last.

    Open loop: a slow answer does not delay the next send, and each latency is measured from the
    delivery's due time, so an App that falls behind shows it instead of slowing the generator.
    """
    requests = [item.request() for item in deliveries]
    return asyncio.run(_send(port, requests, rate, timeout, connections))


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0
