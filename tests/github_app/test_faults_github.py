"""GitHub faults during a job, injected at the stand-in: 5xx bursts, resets, timeouts, rate limits, a PR
closed or deleted mid-job, a revoked token. Each ends with the delivery processed once and no duplicate
check run, review or comment (counted at the stand-in)."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest
from app_helpers import REPO, deliver, pull_request_payload, wait_for
from github import GithubRetry
from shop_pr import NUMBER, ShopPR
from standins.github_api import RESET, Fault
from standins.github_fake_repos import GitHubStandIn

from github_app import create_app
from github_app.context import Runtime
from github_app.github import GitHubApp, make_retry
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER
from github_app.settings import Settings

CHECK = "productops/tracking-plan"
# Seconds PyGithub waits for an answer here; the stand-in's slow answers take longer.
TIMEOUT = 2
SLOW = TIMEOUT + 1.5
SECONDARY = ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
             "If you reach out to GitHub Support for help, please include the request ID 1234:5678.")


@pytest.fixture
def runtime(settings: Settings) -> Runtime:
    retry = GithubRetry(total=4, backoff_factor=0, allowed_methods=make_retry().allowed_methods)
    return Runtime(settings, github=GitHubApp(settings, retry=retry, timeout=TIMEOUT))


FILES = rf"/pulls/{NUMBER}/files$"
RUNS = r"/check-runs$"
REVIEWS = rf"/pulls/{NUMBER}/reviews$"
COMMENTS = rf"/issues/{NUMBER}/comments$"


def _secondary(status: int, **headers: str) -> dict[str, Any]:
    return {"status": status, "headers": headers, "body": {"message": SECONDARY,
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}}


# (id, the fault armed before the delivery)
FAULTS: list[tuple[str, Callable[[GitHubStandIn], Fault]]] = [
    ("5xx-burst-on-a-read", lambda s: s.fault("GET", FILES, status=502, times=3)),
    ("5xx-burst-past-the-retries", lambda s: s.fault("GET", FILES, status=503, times=6)),
    ("5xx-burst-on-a-write", lambda s: s.fault("POST", RUNS, status=502, times=3)),
    ("5xx-on-the-review", lambda s: s.fault("POST", REVIEWS, status=500, times=2)),
    ("reset-on-a-read", lambda s: s.fault("GET", r"/git/trees/", reset=True, times=2)),
    ("reset-before-the-review", lambda s: s.fault("POST", REVIEWS, reset=True)),
    ("reset-after-the-comment", lambda s: s.fault("POST", COMMENTS, lost=True)),
    ("timeout-on-a-read", lambda s: s.fault("GET", FILES, delay=SLOW)),
    ("timeout-after-the-run-was-made", lambda s: s.fault("POST", RUNS, lost=True, delay=SLOW)),
    ("timeout-after-the-review", lambda s: s.fault("POST", REVIEWS, lost=True, delay=SLOW)),
    ("secondary-403-retry-after", lambda s: s.fault("POST", RUNS, **_secondary(403, **{"Retry-After": "1"}))),
    ("secondary-429-retry-after", lambda s: s.fault("GET", FILES, **_secondary(429, **{"Retry-After": "1"}))),
    ("secondary-on-the-comment", lambda s: s.fault("POST", COMMENTS, **_secondary(403, **{"Retry-After": "1"}))),
    ("primary-403-ratelimit-reset", lambda s: s.fault(
        "GET", FILES, status=403, body={"message": "API rate limit exceeded for installation ID 77."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000",
                 "x-ratelimit-reset": str(int(time.time()) + 1)})),
    ("retry-after-beyond-the-bound", lambda s: s.fault("GET", FILES, **_secondary(403, **{"Retry-After": "3600"}))),
    ("token-revoked-mid-job", lambda s: s.fault("GET", r"/git/trees/", revoke=True)),
    ("token-revoked-before-the-review", lambda s: s.fault("POST", REVIEWS, revoke=True)),
]


def assert_published_once(standin: GitHubStandIn, runtime: Runtime, shop: ShopPR) -> None:
    repo = standin.repos[REPO]
    runs = [r for r in repo.check_runs.values() if r["name"] == CHECK]
    assert all(r["status"] == "completed" for r in runs), "no run is left in progress"
    results = [r for r in runs if r["conclusion"] == "failure"]
    assert len(results) == 1 and len(results[0]["annotations"]) == 4, "one run holds the result, annotations once"
    # A run an attempt started before GitHub failed it is concluded neutral, pointing at the retry.
    assert all(r["conclusion"] == "neutral" and "retrying" in r["output"]["title"] for r in runs if r not in results)
    assert len(repo.reviews) == 1 and len(repo.review_comments) == 2
    assert len([c for c in repo.issue_comments if SUMMARY_MARKER in c["body"]]) == 1
    assert len(repo.issue_comments) == 1, "no comment but the sticky one"
    publication = runtime.store.publication(REPO, NUMBER, shop.head)
    assert publication is not None and publication.done and publication.run_id == results[0]["id"]


@pytest.mark.parametrize("make", [f[1] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_a_fault_mid_job_ends_with_one_publication(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,  # type: ignore[no-untyped-def]
    make: Callable[[GitHubStandIn], Fault],
) -> None:
    fault = make(standin)
    response = deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "fault-1")
    assert response.status_code == 202
    # The bound only stops a hung test: a client sleeping an hour on Retry-After would hit it.
    wait_for(lambda: runtime.store.delivery_state("fault-1") in ("succeeded", "failed"), timeout=60, what="the job")
    assert fault.reached.is_set(), "the fault was met"
    assert runtime.store.delivery_state("fault-1") == "succeeded"
    assert_published_once(standin, runtime, shop)


@pytest.mark.parametrize(("status", "wait"), [(403, 1), (429, 2)])
def test_a_rate_limited_request_is_retried_only_after_retry_after(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, status: int, wait: int,  # type: ignore[no-untyped-def]
) -> None:
    standin.fault("POST", RUNS, **_secondary(status, **{"Retry-After": str(wait)}))
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "limited")
    wait_for(lambda: runtime.store.delivery_state("limited") == "succeeded", timeout=60, what="the job")
    tries = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/check-runs")]
    assert [c.status for c in tries[:2]] == [status, 201], "refused once, then made once"
    # GitHub's word, not a speed figure: the retry must not come before the time it asked for.
    assert tries[1].at - tries[0].at >= wait
    assert_published_once(standin, runtime, shop)


@pytest.mark.parametrize("how", ["deleted-404", "closed-422"])
def test_a_pull_request_gone_mid_job_ends_the_job_cleanly(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, how: str,  # type: ignore[no-untyped-def]
) -> None:
    pull = standin.repos[REPO].pulls[NUMBER]
    if how == "deleted-404":
        gone = standin.fault("POST", REVIEWS, then=lambda: setattr(pull, "deleted", True), times=100)
    else:
        gone = standin.fault("POST", REVIEWS, then=lambda: setattr(pull, "state", "closed"), times=100, status=422,
                             body={"message": "Unprocessable Entity", "errors": ["Pull request is closed"]})
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "gone")
    wait_for(lambda: runtime.store.delivery_state("gone") in ("succeeded", "failed"), timeout=60, what="the job")
    assert gone.reached.is_set()
    assert runtime.store.delivery_state("gone") == "succeeded", "nothing to retry"
    repo = standin.repos[REPO]
    runs = [r for r in repo.check_runs.values() if r["name"] == CHECK]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "skipped")]
    assert repo.reviews == [] and repo.issue_comments == []
    tries = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/reviews")]
    assert len(tries) == 1, "no retry storm: the refused review is not sent again"
    assert RESET not in {c.status for c in standin.calls}


def test_a_rate_limit_longer_than_a_job_sleeps_retries_the_job_no_sooner_than_github_asked(
    settings: Settings, standin: GitHubStandIn, shop: ShopPR,
) -> None:
    # A job sleeps at most 1 s here (60 s in production); GitHub asks for 3 s: the attempt ends,
    # and the queue's next attempt (its own backoff is 0.1 s here) waits for what GitHub asked.
    retry = GithubRetry(total=4, backoff_factor=0, allowed_methods=make_retry().allowed_methods, max_rate_limit_wait=1)
    runtime = Runtime(settings, github=GitHubApp(settings, retry=retry, timeout=TIMEOUT))
    client = create_app(settings, runtime).test_client()
    worker = Worker(runtime.queue, workers=1)
    worker.start()
    try:
        standin.fault("GET", FILES, **_secondary(403, **{"Retry-After": "3"}))
        deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "asked")
        wait_for(lambda: runtime.store.delivery_state("asked") == "succeeded", timeout=60, what="the job")
    finally:
        worker.stop()
    reads = [c for c in standin.calls if c.method == "GET" and c.path.endswith(f"/pulls/{NUMBER}/files")]
    assert reads[0].status == 403 and reads[1].status == 200
    assert reads[1].at - reads[0].at >= 3, "the retry came before the time GitHub asked for"
    assert_published_once(standin, runtime, shop)
