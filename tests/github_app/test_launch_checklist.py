"""The launch checklist end to end: the App's own body edit, ticks recorded from `edited`, automatic items per push."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import commit, git
from checklist_setup import BINARY_FILE, CHECKLIST_RULES, FLAG_LINE, FLAG_RULES, MANUAL_ITEM, tick
from pr_helpers import (
    allow,
    body_edits,
    comment_payload,
    concluded,
    make_pr,
    pull_payload,
    runs,
    send,
)
from standins.github_fake_repos import BOT, GitHubStandIn
from standins.github_pr_checks import details

from github_app.context import Runtime
from github_app.localgit import LocalRepo
from github_app.queue import Worker
from productops_lint.pr.types import CHECKLIST_CHECK

AUTHOR_TEXT = "What this changes, in the author's words."


def test_checklist_is_inserted_once_keeping_the_authors_text(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=CHECKLIST_RULES)
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    concluded(standin, shop.head)
    body = details(shop.pull).body
    assert body.startswith(AUTHOR_TEXT) and len(body_edits(standin)) == 1

    # GitHub tells the App about its own edit, and a label arrives for the same head: no second edit.
    send(client, runtime, "pull_request", pull_payload(shop, "edited", previous_body=AUTHOR_TEXT, sender=BOT), "own-edit")
    send(client, runtime, "pull_request", pull_payload(shop, "labeled"), "labeled")
    concluded(standin, shop.head)
    assert details(shop.pull).body == body and len(body_edits(standin)) == 1
    assert len(runs(standin, CHECKLIST_CHECK, shop.head)) == 1


def test_checklist_ticked_by_a_person_is_recorded_and_shown(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=CHECKLIST_RULES)
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    concluded(standin, shop.head)
    before = details(shop.pull).body
    details(shop.pull).body = tick(before)  # the person ticks the box in GitHub's UI
    send(client, runtime, "pull_request", pull_payload(shop, "edited", previous_body=before, sender="qa-lead"), "ticked")

    assert [(i, checked, by) for i, checked, by, _ in runtime.store.ticks("acme/shop", 7)] == [(MANUAL_ITEM, True, "qa-lead")]
    run = concluded(standin, shop.head)[CHECKLIST_CHECK]
    text = run["updates"][-1]["output"].get("text") or ""
    assert "@qa-lead" in text and MANUAL_ITEM in text
    row = next(line for line in text.splitlines() if "QA signed off" in line)
    assert "passed" in row and "ticked by @qa-lead" in row


def test_automatic_item_fails_then_passes_after_a_push(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=CHECKLIST_RULES)
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    first = concluded(standin, shop.head)[CHECKLIST_CHECK]
    assert first["conclusion"] != "success"
    assert "❌ failed" in (first["updates"][-1]["output"].get("text") or "")

    shop.push({"docs/changelog.md": "- the cart changed\n"})
    send(client, runtime, "pull_request", pull_payload(shop, "synchronize"), "pushed")
    second = concluded(standin, shop.head)[CHECKLIST_CHECK]
    assert second["id"] != first["id"], "a new head gets its own run"
    assert "❌ failed" not in (second["updates"][-1]["output"].get("text") or "")
    assert len(body_edits(standin)) == 1, "the section is already there; the push does not edit the body"


def flag_row(run: dict) -> str:
    text = run["updates"][-1]["output"].get("text") or ""
    return next(line for line in text.splitlines() if "Behind a feature flag" in line)


def test_feature_flag_item_reads_the_diff_fails_without_the_flag_and_passes_after_a_push_adds_it(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=FLAG_RULES)
    shop.push({"assets/logo.png": BINARY_FILE}, "a logo")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    first = concluded(standin, shop.head)[CHECKLIST_CHECK]
    assert first["conclusion"] == "action_required"
    row = flag_row(first)
    assert "❌ failed" in row and "nothing in the lines this pull request adds or the description matches" in row
    assert "no diff of `assets/logo.png` (binary or too large)" in row, "the unread binary file is named"

    cart = (shop.path / "shop/cart.py").read_text()
    shop.push({"shop/cart.py": cart + FLAG_LINE}, "put the cart behind a flag")
    send(client, runtime, "pull_request", pull_payload(shop, "synchronize"), "pushed")
    second = concluded(standin, shop.head)[CHECKLIST_CHECK]
    assert second["conclusion"] == "success"
    assert '✅ passed' in flag_row(second) and '`flags.enabled("new-cart")` added in `shop/cart.py`' in flag_row(second)


def test_a_pull_request_that_deletes_the_checklist_is_still_held_to_the_base_branchs(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=CHECKLIST_RULES, head_files={"rules/launch.yml": None})
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    run = concluded(standin, shop.head)[CHECKLIST_CHECK]
    assert run["conclusion"] == "action_required" and "QA signed off" in (run["updates"][-1]["output"].get("text") or "")


ORG_RULES = (
    "checklists:\n"
    "  - id: launch\n"
    "    items:\n"
    "      - {id: security, title: Security review}\n"
    + FLAG_RULES["rules/launch.yml"].split("checklists:\n", 1)[1]  # the `rollout` checklist
)


def test_checklists_of_the_owners_github_repository_apply_and_the_repository_replaces_one_by_id(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    org = tmp_path / "dot-github"
    org.mkdir()
    git(org, "init", "-q", "-b", "main")
    commit(org, {"productops/checklists.yml": ORG_RULES}, "org defaults")
    standin.add_repo("acme/.github", LocalRepo(org))
    shop = make_pr(tmp_path, standin, body=AUTHOR_TEXT, base_files=CHECKLIST_RULES)  # declares `launch` itself
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "opened")
    text = concluded(standin, shop.head)[CHECKLIST_CHECK]["updates"][-1]["output"].get("text") or ""
    assert "Behind a feature flag" in text, "the owner's `rollout` checklist is inherited"
    assert "QA signed off" in text and "Security review" not in text, "the repository's `launch` replaces the owner's"

    allow(standin, "maintainer", "write")
    send(client, runtime, "issue_comment", comment_payload(shop, "/productops config", "maintainer"), "config")
    answer = next(c["body"] for c in standin.repos["acme/shop"].issue_comments if "Effective PR-check configuration" in c["body"])
    assert "`rollout` from acme/.github (acme/.github/productops/checklists.yml:" in answer
    assert "`launch` from this repository (rules/launch.yml:" in answer


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_ticks_keep_the_newest_per_item_in_both_stores(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    from github_app.store import open_store

    redis_url = request.getfixturevalue("redis_url") if backend == "redis" else None
    store = open_store(redis_url, str(tmp_path / "q.sqlite3"))
    store.record_tick("acme/shop", 7, "qa", True, "ana", "2026-01-01T10:00:02Z")
    store.record_tick("acme/shop", 7, "qa", False, "bob", "2026-01-01T10:00:01Z")  # older news, delivered late
    store.record_tick("acme/shop", 7, "docs", True, "bob", "2026-01-01T10:00:03Z")
    store.record_tick("acme/shop", 8, "qa", True, "cy", "2026-01-01T10:00:04Z")
    assert store.ticks("acme/shop", 7) == [("docs", True, "bob", "2026-01-01T10:00:03Z"), ("qa", True, "ana", "2026-01-01T10:00:02Z")]
    with store.pr_lock("acme/shop", 7), store.pr_lock("acme/shop", 8):  # another PR's lock is independent
        pass
