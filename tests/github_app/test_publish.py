"""Publishing to the stand-in GitHub: annotation batches, the sticky comment's identity, the cap."""

from __future__ import annotations

from app_helpers import INSTALLATION, REPO
from shop_pr import CART, NUMBER, make_shop_pr
from standins.github_fake_repos import BOT, GitHubStandIn
from test_render import PATCH, evaluation, finding

from github_app.context import Runtime
from github_app.github import ChangedFile
from github_app.localgit import LocalRepo
from github_app.publish import conclude_check_run, start_check_run, sync_review, sync_sticky
from github_app.render import SUMMARY_MARKER, check_output


def setup_repo(runtime: Runtime, standin: GitHubStandIn, tmp_path):  # type: ignore[no-untyped-def]
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    pull = standin.open_pull(REPO, NUMBER, "main", "feature")
    return shop, pull, runtime.github.repo(INSTALLATION, REPO)


def test_annotations_are_sent_in_batches_and_the_last_request_concludes(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shop, _, repo = setup_repo(runtime, standin, tmp_path)
    run = start_check_run(repo, shop.head)
    conclude_check_run(repo, run, check_output(evaluation([finding(i, fixed=False) for i in range(1, 121)])))
    stored = standin.repos[REPO].check_runs[run.id]
    updates = stored["updates"][1:]
    assert [len(u["output"]["annotations"]) for u in updates] == [50, 50, 20]
    assert ["conclusion" in u for u in updates] == [False, False, True]
    assert stored["status"] == "completed" and stored["conclusion"] == "failure"
    assert len(stored["annotations"]) == 120


def test_sticky_comment_is_ours_only_with_marker_and_bot_author(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_repo(runtime, standin, tmp_path)
    repo = runtime.github.repo(INSTALLATION, REPO)
    quoted = standin.human_issue_comment(REPO, NUMBER, f"Quoting the bot:\n{SUMMARY_MARKER}\nold text")
    first = sync_sticky(repo, NUMBER, f"{SUMMARY_MARKER}\nfirst", BOT)
    assert first != quoted["id"]
    second = sync_sticky(repo, NUMBER, f"{SUMMARY_MARKER}\nsecond", BOT)
    assert second == first
    bodies = {c["id"]: c["body"] for c in standin.repos[REPO].issue_comments}
    assert bodies == {quoted["id"]: quoted["body"], first: f"{SUMMARY_MARKER}\nsecond"}


def test_inline_comments_are_capped_and_the_rest_wait_for_later_runs(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, pull, repo = setup_repo(runtime, standin, tmp_path)
    pull.files = [ChangedFile("app.py", "modified", PATCH)]
    ev = evaluation([finding(line) for line in range(7, 24)])
    assert sync_review(repo, NUMBER, ev, BOT, limit=5) == 5
    assert sync_review(repo, NUMBER, ev, BOT, limit=5) == 5, "the next run posts the next five, not the same"
    posted = [c["line"] for c in standin.repos[REPO].review_comments]
    assert sorted(posted) == list(range(7, 17))
    assert CART not in {c["path"] for c in standin.repos[REPO].review_comments}


def test_existing_review_comments_cost_one_list_request(runtime: Runtime, standin: GitHubStandIn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, pull, repo = setup_repo(runtime, standin, tmp_path)
    pull.files = [ChangedFile("app.py", "modified", PATCH)]
    ev = evaluation([finding(line) for line in range(7, 12)])
    sync_review(repo, NUMBER, ev, BOT, limit=5)
    standin.human_review_comment(REPO, NUMBER, "app.py", 7, "A person's own thread")
    del standin.calls[:]
    sync_review(repo, NUMBER, ev, BOT, limit=5)
    gets = [c.path for c in standin.calls if c.method == "GET"]
    # PyGithub would fetch every comment again to read `in_reply_to_id`, which GitHub leaves out
    # of a comment that starts a thread.
    assert gets == [f"/repos/{REPO}/pulls/{NUMBER}/comments"]
