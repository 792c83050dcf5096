"""Signed delivery -> queue -> worker -> check run, review and sticky comment on the stand-in GitHub."""

from __future__ import annotations

import pytest
from app_helpers import REPO, deliver, pull_request_payload, wait_for
from shop_pr import CART, NUMBER, ShopPR
from standins.github_fake_repos import BOT, GitHubStandIn

from github_app.context import Runtime
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER


def completed_runs(standin: GitHubStandIn, head: str) -> list[dict]:
    runs = standin.repos[REPO].check_runs.values()
    # Only the tracking-plan run: the PR checks (epic link, checklist) have their own tests.
    return [r for r in runs if r["head_sha"] == head and r["status"] == "completed" and r["name"] == "productops/tracking-plan"]


def push_event(client, shop: ShopPR, action: str = "synchronize", delivery: str | None = None):  # type: ignore[no-untyped-def]
    return deliver(client, "pull_request", pull_request_payload(action, NUMBER, shop.head, shop.base), delivery)


def test_push_gets_check_run_review_and_sticky_comment(client, worker: Worker, standin: GitHubStandIn, shop: ShopPR) -> None:
    response = push_event(client, shop)
    assert response.status_code == 202

    run = wait_for(lambda: completed_runs(standin, shop.head), what="the check run")[0]
    assert run["name"] == "productops/tracking-plan"
    assert run["conclusion"] == "failure"
    codes = sorted(a["title"] for a in run["annotations"])
    # The typos the PR brings in, plus the deprecated call it leaves in the same file.
    assert codes == ["PO101", "PO202", "PO203", "PO301"]
    assert all(a["path"] == CART for a in run["annotations"])

    repo = standin.repos[REPO]
    comments = wait_for(lambda: repo.review_comments, what="review comments")
    assert len(repo.reviews) == 1
    commented = {c["line"] for c in comments}
    deprecated_line = next(a["start_line"] for a in run["annotations"] if a["title"] == "PO301")
    assert deprecated_line not in commented, "a finding outside the diff must stay an annotation"
    assert all("```suggestion\n" in c["body"] and "<!-- productops-lint:finding:" in c["body"] for c in comments)
    assert any('"Product Removed"' in c["body"] for c in comments)

    sticky = [c for c in repo.issue_comments if SUMMARY_MARKER in c["body"]]
    assert len(sticky) == 1 and sticky[0]["user"]["login"] == BOT
    assert "PO101" in sticky[0]["body"] and run["html_url"] in sticky[0]["body"]


def test_second_push_updates_rather_than_duplicates(client, worker: Worker, standin: GitHubStandIn, shop: ShopPR) -> None:
    push_event(client, shop)
    wait_for(lambda: completed_runs(standin, shop.head), what="the first check run")
    repo = standin.repos[REPO]
    first = {c["id"]: c["body"] for c in repo.review_comments}
    human = standin.human_reply(REPO, next(i for i, b in first.items() if "Product Removed" in b), "Good catch")

    # Fix one typo and push lines down by two, so every other finding moves.
    fixed = shop.cart().replace('"Prodcut Removed"', '"Product Removed"').replace('"""The', '# moved\n# down\n"""The', 1)
    standin.push(REPO, NUMBER, shop.push({CART: fixed}))
    push_event(client, shop)
    run = wait_for(lambda: completed_runs(standin, shop.head), what="the second check run")[0]

    assert sorted(a["title"] for a in run["annotations"]) == ["PO202", "PO203", "PO301"]
    assert len([c for c in repo.issue_comments if SUMMARY_MARKER in c["body"]]) == 1
    sticky = next(c for c in repo.issue_comments if SUMMARY_MARKER in c["body"])
    assert shop.head[:7] in sticky["body"] and "PO101" not in sticky["body"]
    ours = [c for c in repo.review_comments if c["user"]["login"] == BOT]
    assert len(ours) == len(first), "moved findings keep their comment; nothing is posted twice"
    resolved = [c for c in ours if "Product Removed" in c["body"]]
    assert len(resolved) == 1 and "Resolved in" in resolved[0]["body"]
    assert "<!-- productops-lint:resolved:" in resolved[0]["body"]
    assert any(c["id"] == human["id"] for c in repo.review_comments), "a human reply is never deleted"
    assert len(repo.reviews) == 1


def test_redelivery_is_a_noop(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    assert push_event(client, shop, delivery="delivery-1").status_code == 202
    wait_for(lambda: runtime.store.delivery_state("delivery-1") == "succeeded", what="the delivery to succeed")
    runs = len(standin.repos[REPO].check_runs)

    again = push_event(client, shop, delivery="delivery-1")
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert runtime.store.pending_jobs() == []
    assert len(standin.repos[REPO].check_runs) == runs


def test_redelivery_of_failed_delivery_is_processed(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    # A 4xx is not transient: the job fails at once and concludes its check run explaining why.
    standin.fault("GET", r"/git/trees/", status=422, body={"message": "tree is broken"})
    push_event(client, shop, delivery="delivery-2")
    wait_for(lambda: runtime.store.delivery_state("delivery-2") == "failed", what="the delivery to fail")
    failed = completed_runs(standin, shop.head)
    assert [r["conclusion"] for r in failed] == ["failure"]
    assert "tree is broken" in failed[0]["output"]["summary"]

    assert push_event(client, shop, delivery="delivery-2").status_code == 202
    wait_for(lambda: runtime.store.delivery_state("delivery-2") == "succeeded", what="the redelivery")
    assert sorted(r["conclusion"] for r in completed_runs(standin, shop.head)) == ["failure", "failure"]
    assert len(completed_runs(standin, shop.head)[-1]["annotations"]) == 4


def test_pull_request_without_python_changes_concludes_neutral(client, worker: Worker, standin: GitHubStandIn, shop: ShopPR) -> None:
    before = shop.head
    shop.push({"README.md": "# Shop\n"})
    pull = standin.open_pull(REPO, 8, before, "feature")  # only README.md differs
    payload = pull_request_payload("opened", 8, shop.head, pull.base)
    assert deliver(client, "pull_request", payload).status_code == 202
    run = wait_for(lambda: completed_runs(standin, shop.head), what="the check run")[0]
    assert run["conclusion"] == "neutral"
    assert run["output"]["title"] == "No Python changes"
    assert standin.repos[REPO].reviews == []
    assert standin.repos[REPO].issue_comments == [], "nothing to say, no comment"


def test_transient_errors_are_retried_and_the_check_still_concludes(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    # More 502s than PyGithub's own retries absorb: the job retries later with a fresh check run.
    standin.fault("GET", rf"/pulls/{NUMBER}/files$", status=502, times=5)
    push_event(client, shop, delivery="delivery-3")
    wait_for(lambda: runtime.store.delivery_state("delivery-3") == "succeeded", what="the retried job")
    conclusions = [r["conclusion"] for r in completed_runs(standin, shop.head)]
    assert conclusions == ["neutral", "failure"], "the interrupted run is concluded, the retry reports"
    assert all(r["status"] == "completed" for r in standin.repos[REPO].check_runs.values())


def test_deleted_pull_request_is_dropped(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    standin.repos[REPO].pulls[NUMBER].deleted = True
    push_event(client, shop, delivery="delivery-4")
    wait_for(lambda: runtime.store.delivery_state("delivery-4") == "succeeded", what="the job")
    assert standin.repos[REPO].check_runs == {}


def test_work_for_an_old_head_is_dropped(client, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    old = shop.head
    push_event(client, shop, delivery="old-head")
    standin.push(REPO, NUMBER, shop.push({"shop/extra.py": "X = 1\n"}))
    push_event(client, shop, delivery="new-head")
    # Both jobs are queued before any worker runs; only the newest head is checked.
    running = Worker(runtime.queue, workers=1)
    running.start()
    try:
        wait_for(lambda: runtime.store.delivery_state("new-head") == "succeeded", what="the newer job")
        wait_for(lambda: runtime.store.delivery_state("old-head") == "succeeded", what="the older job")
    finally:
        running.stop()
    heads = [r["head_sha"] for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
    assert heads == [shop.head] and old != shop.head


def test_check_suite_request_finds_the_pull_request_through_the_api(client, worker: Worker, standin: GitHubStandIn, shop: ShopPR) -> None:
    from app_helpers import check_suite_payload

    response = deliver(client, "check_suite", check_suite_payload("requested", shop.head, []))
    assert response.status_code == 202
    run = wait_for(lambda: completed_runs(standin, shop.head), what="the check run")[0]
    assert run["conclusion"] == "failure"
    assert any(c.path.endswith(f"/commits/{shop.head}/pulls") for c in standin.calls)


def test_redis_backend_end_to_end(settings, redis_url: str, standin: GitHubStandIn, shop: ShopPR) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from github_app import create_app

    # Two web replicas and a worker share one Redis.
    shared = replace(settings, redis_url=redis_url)
    replicas = [create_app(shared, Runtime(shared)).test_client() for _ in range(2)]
    consumer = Runtime(shared)
    running = Worker(consumer.queue, workers=1)
    running.start()
    try:
        assert push_event(replicas[0], shop, delivery="via-redis").status_code == 202
        assert push_event(replicas[1], shop, delivery="via-redis").get_json()["status"] == "duplicate"
        wait_for(lambda: consumer.store.delivery_state("via-redis") == "succeeded", what="the job")
    finally:
        running.stop()
    assert [r["conclusion"] for r in completed_runs(standin, shop.head)] == ["failure"]
    assert replicas[0].get("/healthz").get_json()["queue"] == "redis"


def test_rerun_button_checks_the_head_again(client, worker: Worker, standin: GitHubStandIn, shop: ShopPR) -> None:
    from app_helpers import check_run_payload

    assert deliver(client, "check_run", check_run_payload(shop.head, [NUMBER])).status_code == 202
    run = wait_for(lambda: completed_runs(standin, shop.head), what="the re-run")[0]
    assert run["conclusion"] == "failure"


def test_closed_pull_request_is_not_checked(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:
    standin.repos[REPO].pulls[NUMBER].state = "closed"
    push_event(client, shop, delivery="closed-pr")
    wait_for(lambda: runtime.store.delivery_state("closed-pr") == "succeeded", what="the job")
    assert standin.repos[REPO].check_runs == {}


LOST_WRITES = [
    ("POST", r"/check-runs$"),
    ("PATCH", r"/check-runs/\d+$"),  # the first update carries the annotations, appended by GitHub
    ("POST", rf"/pulls/{NUMBER}/reviews$"),
    ("POST", rf"/issues/{NUMBER}/comments$"),
]


@pytest.mark.parametrize("status", [None, 502], ids=["reset", "502"])
@pytest.mark.parametrize(("method", "path"), LOST_WRITES, ids=["run", "annotations", "review", "comment"])
def test_a_write_whose_answer_was_lost_is_not_made_twice(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, method: str, path: str,
    status: int | None,
) -> None:  # type: ignore[no-untyped-def]
    lost = standin.fault(method, path, lost=True, status=status)
    push_event(client, shop, delivery="lost-answer")
    wait_for(lambda: runtime.store.delivery_state("lost-answer") == "succeeded", what="the job")
    assert lost.reached.is_set()
    repo = standin.repos[REPO]
    runs = [r for r in repo.check_runs.values() if r["name"] == "productops/tracking-plan"]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
    assert len(runs[0]["annotations"]) == 4
    assert len(repo.reviews) == 1
    assert len([c for c in repo.issue_comments if SUMMARY_MARKER in c["body"]]) == 1


def token_mints(standin: GitHubStandIn) -> int:
    return sum(1 for c in standin.calls if c.path.endswith("/access_tokens"))


def test_a_token_revoked_mid_job_is_minted_again_once(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:  # type: ignore[no-untyped-def]
    revoked = standin.fault("GET", rf"/pulls/{NUMBER}/files$", revoke=True)
    push_event(client, shop, delivery="revoked")
    wait_for(lambda: runtime.store.delivery_state("revoked") in ("succeeded", "failed"), what="the job")
    assert revoked.reached.is_set() and runtime.store.delivery_state("revoked") == "succeeded"
    assert [r["conclusion"] for r in completed_runs(standin, shop.head)] == ["failure"]
    assert len(completed_runs(standin, shop.head)[0]["annotations"]) == 4
    assert token_mints(standin) == 2
    assert [c.status for c in standin.calls if c.path.endswith("/files")][:2] == [401, 200]
    assert [c.status for c in standin.calls].count(401) == 1, "one refused request, then the new token"


def test_a_run_started_before_the_token_was_revoked_still_concludes(client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR) -> None:  # type: ignore[no-untyped-def]
    # The job fails for another reason at the moment the token goes: the failure is still reported.
    standin.fault("GET", r"/git/trees/", revoke=True, status=422, body={"message": "tree is broken"})
    push_event(client, shop, delivery="revoked-and-failed")
    wait_for(lambda: runtime.store.delivery_state("revoked-and-failed") == "failed", what="the job to fail")
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
    assert "tree is broken" in runs[0]["output"]["summary"]
