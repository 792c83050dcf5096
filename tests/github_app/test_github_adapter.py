"""The PyGithub adapter over real HTTP: installation tokens, retries, rate limits, write locks."""

from __future__ import annotations

import threading

from app_helpers import INSTALLATION, REPO
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import GitHubStandIn

from github_app.context import Runtime
from github_app.github import is_transient
from github_app.localgit import LocalRepo


def token_requests(standin: GitHubStandIn) -> int:
    return sum(1 for c in standin.calls if c.path.endswith("/access_tokens"))


def test_installation_token_is_cached(runtime: Runtime, standin: GitHubStandIn) -> None:
    runtime.github.client(INSTALLATION)
    runtime.github.client(INSTALLATION)
    assert token_requests(standin) == 1
    runtime.github.client(INSTALLATION + 1)
    assert token_requests(standin) == 2, "one token per installation"


def test_token_is_refreshed_before_it_expires(runtime: Runtime, standin: GitHubStandIn) -> None:
    standin.token_ttl = 120  # inside the five-minute refresh margin
    first = runtime.github.client(INSTALLATION)
    second = runtime.github.client(INSTALLATION)
    assert token_requests(standin) == 2 and first is not second


def test_bot_login_comes_from_the_app_slug(runtime: Runtime, standin: GitHubStandIn) -> None:
    assert runtime.github.bot_login() == "productops-lint[bot]"


def shop_repo_client(runtime: Runtime, standin: GitHubStandIn, tmp_path):  # type: ignore[no-untyped-def]
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    return shop, runtime.github.repo(INSTALLATION, REPO)


def test_server_errors_are_retried(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shop, repo = shop_repo_client(runtime, standin, tmp_path)
    standin.fault("GET", rf"/pulls/{NUMBER}$", status=502, times=2)
    assert repo.pull(NUMBER).head_sha == shop.head
    assert [c.status for c in standin.calls if c.path.endswith(f"/pulls/{NUMBER}")] == [502, 502, 200]


def test_secondary_rate_limit_is_retried_after_retry_after(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shop, repo = shop_repo_client(runtime, standin, tmp_path)
    standin.fault("POST", r"/check-runs$", status=403, headers={"Retry-After": "1"},
                  body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    run = repo.create_check_run(shop.head, status="in_progress")
    statuses = [c.status for c in standin.calls if c.path.endswith("/check-runs")]
    assert statuses == [403, 201]
    assert run.id in standin.repos[REPO].check_runs


def test_persistent_server_errors_surface_as_transient(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, repo = shop_repo_client(runtime, standin, tmp_path)
    standin.fault("GET", rf"/pulls/{NUMBER}$", status=503, times=10)
    try:
        repo.pull(NUMBER)
    except Exception as exc:  # the kind of exception is what is under test
        assert is_transient(exc)
    else:
        raise AssertionError("expected the 503s to surface")


def test_writes_are_serialized_per_installation(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shop, repo = shop_repo_client(runtime, standin, tmp_path)
    gate = standin.fault("POST", r"/check-runs$", hold=threading.Event())
    first = threading.Thread(target=repo.create_check_run, args=(shop.head,))
    first.start()
    gate.reached.wait(30)
    lock = runtime.github.write_lock(INSTALLATION)
    assert lock.locked(), "a write holds the installation's lock while in flight"
    assert not runtime.github.write_lock(INSTALLATION + 1).locked()
    assert gate.hold is not None
    gate.hold.set()
    first.join(30)
    assert not lock.locked()


def test_each_thread_has_its_own_client_of_an_installation(runtime: Runtime, standin: GitHubStandIn) -> None:
    # PyGithub's connection holds a request until its answer is read: two threads must not share one.
    mine = runtime.github.client(INSTALLATION)
    assert runtime.github.client(INSTALLATION) is mine
    theirs: list[object] = []
    other = threading.Thread(target=lambda: theirs.append(runtime.github.client(INSTALLATION)))
    other.start()
    other.join(30)
    assert theirs and theirs[0] is not mine
    assert token_requests(standin) == 1, "the threads share the installation's token"


def test_writes_from_two_threads_keep_the_write_interval(settings, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    runtime = Runtime(replace(settings, write_interval_seconds=0.5))
    shop, repo = shop_repo_client(runtime, standin, tmp_path)
    writers = [threading.Thread(target=lambda: runtime.github.repo(INSTALLATION, REPO).create_check_run(shop.head))
               for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(30)
    made = sorted(c.at for c in standin.calls if c.method == "POST" and c.path.endswith("/check-runs"))
    assert len(made) == 2 and made[1] - made[0] >= 0.5, "each thread's client spaces only its own writes"
