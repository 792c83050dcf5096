"""Blob reads over real HTTP to the stand-in GitHub: each blob fetched once per SHA across pushes and
checks, several in flight at once with the same findings as one at a time, and faults on blob GETs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    REPO,
    SECRET,
    deliver,
    git,
    pull_request_payload,
    wait_for,
)
from github import GithubRetry
from shop_pr import CART, NUMBER, ShopPR, many_views_pr
from standins.github_api import Call
from standins.github_fake_repos import GitHubStandIn

from github_app.context import Runtime
from github_app.github import GitHubApp, make_retry
from github_app.github_blobs import KnownBlobs, git_blob_id
from github_app.queue import Worker
from github_app.settings import Settings
from github_app.webhook import Event

CHECK = "productops/tracking-plan"
BLOBS = r"/git/blobs/"



def blob_calls(standin: GitHubStandIn) -> list[Call]:
    return [c for c in standin.calls if c.method == "GET" and BLOBS in c.path]


def sha_of(call: Call) -> str:
    return call.path.rsplit("/", 1)[1]


def tracking_runs(standin: GitHubStandIn) -> list[dict[str, Any]]:
    return [r for r in standin.repos[REPO].check_runs.values() if r["name"] == CHECK]


def push(client: Any, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, delivery: str) -> None:
    standin.push(REPO, NUMBER, "feature")
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), delivery)
    wait_for(lambda: runtime.store.delivery_state(delivery) in ("succeeded", "failed"), timeout=60, what="the job")
    assert runtime.store.delivery_state(delivery) == "succeeded"


def test_each_blob_is_fetched_once_across_two_pushes_and_both_checks(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,  # type: ignore[no-untyped-def]
) -> None:
    first_head = shop.head
    push(client, runtime, standin, shop, "push-1")
    first = blob_calls(standin)
    assert len(first) > 1
    # The tracking-plan check and the PR checks of the same delivery read the same blobs.
    assert len({sha_of(c) for c in first}) == len(first), "no blob fetched twice for one push"

    shop.push({CART: shop.cart() + "\n# one more line\n"})
    push(client, runtime, standin, shop, "push-2")
    second = blob_calls(standin)[len(first):]
    changed = git(shop.path, "rev-parse", f"{shop.head}:{CART}").strip()
    assert [sha_of(c) for c in second] == [changed], "the second push fetches only the changed file"
    assert [(r["head_sha"], r["conclusion"]) for r in tracking_runs(standin)] == [(first_head, "failure"), (shop.head, "failure")]


def test_blob_gets_are_in_flight_together(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,  # type: ignore[no-untyped-def]
) -> None:
    held = threading.Event()
    # The changed file's blob, among the head's Python files that are fetched together.
    cart = git(shop.path, "rev-parse", f"{shop.head}:{CART}").strip()
    answered: list[int] = []  # blob GETs answered when the held one arrived
    fault = standin.fault("GET", BLOBS + cart, hold=held, then=lambda: answered.append(len(blob_calls(standin))))
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "together")
    try:
        wait_for(fault.reached.is_set, what="the first blob GET")
        # Answered while the first one is still held: fetched one after the other, none would be.
        wait_for(lambda: len(blob_calls(standin)) >= answered[0] + 2, timeout=10, what="other blob GETs while one is held")
    finally:
        held.set()
    wait_for(lambda: runtime.store.delivery_state("together") == "succeeded", timeout=60, what="the job")
    assert [r["conclusion"] for r in tracking_runs(standin)] == ["failure"]


def test_the_pr_checks_alone_fetch_their_blobs_together(
    runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,
) -> None:
    # A label change runs the PR checks and not the tracking-plan check, so no blob is known yet:
    # their pass over the head reads every Python file, and one GET at a time would be a GET per file.
    held = threading.Event()
    cart = git(shop.path, "rev-parse", f"{shop.head}:{CART}").strip()
    answered: list[int] = []
    fault = standin.fault("GET", BLOBS + cart, hold=held, then=lambda: answered.append(len(blob_calls(standin))))
    job = threading.Thread(target=runtime.run, args=(
        Event("pull_request", "labeled", pull_request_payload("labeled", NUMBER, shop.head, shop.base)), 1, True))
    job.start()
    try:
        wait_for(fault.reached.is_set, what="the first blob GET")
        wait_for(lambda: len(blob_calls(standin)) >= answered[0] + 2, timeout=10, what="other blob GETs while one is held")
    finally:
        held.set()
        job.join(60)
    assert tracking_runs(standin) == []
    shas = [sha_of(c) for c in blob_calls(standin)]
    assert len(shas) == len(set(shas)), "each blob fetched once"
    assert standin.violations == []


def _annotations_with(threads: int, folder: Path, app_key: tuple[str, str], files: int) -> tuple[list[Any], int]:
    """The tracking-plan run's annotations for a fresh App fetching ``threads`` blobs at once, and its blob GETs."""
    standin = GitHubStandIn(4242, app_key[1]).start()
    try:
        base, head = many_views_pr(folder, standin, files)
        settings = Settings(app_id=4242, private_key=app_key[0], webhook_secret=SECRET, api_url=standin.url,
                            queue_path=str(folder / "queue.sqlite3"), write_interval_seconds=0.0)
        github = GitHubApp(settings, retry=GithubRetry(total=4, backoff_factor=0, allowed_methods=make_retry().allowed_methods))
        github.blob_threads = threads
        runtime = Runtime(settings, github=github)
        runtime.run(Event("pull_request", f"big-{threads}", pull_request_payload("synchronize", NUMBER, head, base)), 1, True)
        [run] = tracking_runs(standin)
        assert run["status"] == "completed"
        return run["annotations"], len(blob_calls(standin))
    finally:
        standin.stop()
        assert standin.violations == []


def test_concurrent_fetching_gives_the_same_annotations_as_one_at_a_time(tmp_path: Path, app_key: tuple[str, str]) -> None:
    serial, serial_gets = _annotations_with(1, tmp_path / "serial", app_key, files=30)
    concurrent, concurrent_gets = _annotations_with(4, tmp_path / "concurrent", app_key, files=30)
    assert len(serial) == 60
    assert concurrent == serial
    assert concurrent_gets == serial_gets


@pytest.mark.parametrize("fault", [
    {"status": 502, "times": 3},  # a 5xx burst, retried within the request
    {"reset": True, "times": 2},  # connections reset, retried within the request
    {"status": 503, "times": 12},  # past the retries: the attempt fails, the job's next attempt publishes
], ids=["5xx-burst", "reset", "5xx-past-the-retries"])
def test_a_fault_on_blob_gets_ends_with_one_concluded_result(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, fault: dict[str, Any],  # type: ignore[no-untyped-def]
) -> None:
    armed = standin.fault("GET", BLOBS, **fault)
    push(client, runtime, standin, shop, "blob-fault")
    assert armed.reached.is_set()
    runs = tracking_runs(standin)
    assert all(r["status"] == "completed" for r in runs), "no run is left in progress"
    results = [r for r in runs if r["conclusion"] == "failure"]
    assert len(results) == 1 and len(results[0]["annotations"]) == 4, "one run holds the result, annotations once"
    assert all(r["conclusion"] == "neutral" and "retrying" in r["output"]["title"] for r in runs if r not in results)
    assert len(standin.repos[REPO].reviews) == 1


def test_a_token_revoked_during_concurrent_blob_gets_is_minted_again_once(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,  # type: ignore[no-untyped-def]
) -> None:
    standin.fault("GET", BLOBS, revoke=True)
    push(client, runtime, standin, shop, "revoked")
    mints = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/access_tokens")]
    assert len(mints) == 2, "the threads that met the 401 share one new token"
    assert [r["conclusion"] for r in tracking_runs(standin)] == ["failure"]


def test_known_blobs_keep_only_verified_content_within_the_bound() -> None:
    blobs = KnownBlobs(limit=10)
    a, b, c = b"12345", b"abcde", b"xyz"
    blobs.put("o/r", git_blob_id(a), a)
    blobs.put("o/r", git_blob_id(b), b)
    assert blobs.get("o/r", git_blob_id(a)) == a  # now the most recently used
    blobs.put("o/r", git_blob_id(c), c)  # over the bound: the least recently used goes
    assert blobs.get("o/r", git_blob_id(b)) is None and blobs.get("o/r", git_blob_id(a)) == a
    assert blobs.get("other/repo", git_blob_id(a)) is None, "each repository has its own entries"
    blobs.put("o/r", git_blob_id(a), b"tampered")  # content that does not hash to its SHA is not kept
    assert blobs.get("o/r", git_blob_id(a)) == a
    blobs.put("o/r", "0" * 40, b"12")
    assert blobs.get("o/r", "0" * 40) is None
    blobs.put("o/r", git_blob_id(b"x" * 11), b"x" * 11)  # larger than the whole bound
    assert len(blobs) == 2
