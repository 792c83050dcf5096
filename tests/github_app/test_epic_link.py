"""The epic-link check end to end: signed delivery -> worker -> check runs, sticky section, re-check button."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import deliver
from pr_helpers import REPO, button_payload, concluded, make_pr, pull_payload, runs, send
from standins.github_fake_repos import GitHubStandIn
from tracker_setup import epic_with_story, tracker_down, tracker_up

from github_app.context import Runtime
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER
from productops_lint.pr.types import CHECKLIST_CHECK, EPIC_CHECK


def test_key_in_the_branch_only_finds_the_story_and_names_its_epic(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, branch="5-cart-tweaks", title="Tweak the cart", body="No key here.")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "branch-only")
    run = concluded(standin, shop.head)[EPIC_CHECK]
    assert run["conclusion"] == "success"
    assert "Epic" in run["output"]["title"] and "#1" in run["output"]["title"]
    assert "branch" in run["output"]["summary"]


def test_story_whose_parent_is_an_epic_passes_and_the_sticky_comment_names_it(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #5")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "story")
    run = concluded(standin, shop.head)[EPIC_CHECK]
    assert run["conclusion"] == "success" and "Epic one" in run["output"]["title"]
    sticky = [c for c in standin.repos[REPO].issue_comments if SUMMARY_MARKER in c["body"]]
    assert len(sticky) == 1 and "### Epic" in sticky[0]["body"]


def test_non_epic_ticket_without_parent_fails(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #9")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "orphan")
    run = concluded(standin, shop.head)[EPIC_CHECK]
    assert run["conclusion"] == "failure"
    assert run["updates"][-1]["actions"][0]["identifier"] == "recheck", "a failed check offers Re-check"


def test_tracker_down_is_neutral_with_a_recheck_button_and_the_button_rechecks(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #5")
    tracker_down(standin, monkeypatch)
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "down")
    run = concluded(standin, shop.head)[EPIC_CHECK]
    assert run["conclusion"] == "neutral"
    assert run["updates"][-1]["actions"] == [
        {"label": "Re-check", "description": "Run this check again", "identifier": "recheck"}
    ]

    tracker_up(standin, monkeypatch)
    send(client, runtime, "check_run", button_payload(shop.head, EPIC_CHECK), "button")
    again = concluded(standin, shop.head)[EPIC_CHECK]
    assert again["id"] == run["id"], "the same run is concluded again, not a second one"
    assert again["conclusion"] == "success"
    assert len(runs(standin, EPIC_CHECK, shop.head)) == 1 and len(runs(standin, CHECKLIST_CHECK, shop.head)) == 1


def test_redelivery_and_a_second_event_for_the_same_head_publish_nothing_twice(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #5")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "first")
    concluded(standin, shop.head)
    calls = len(standin.calls)
    # The same delivery again is answered from the dedupe memory; a new event for the same head
    # reuses the runs and the comment.
    again = deliver(client, "pull_request", pull_payload(shop, "opened"), "first")
    assert again.get_json()["status"] == "duplicate" and len(standin.calls) == calls
    send(client, runtime, "pull_request", pull_payload(shop, "labeled"), "labeled")
    assert len(runs(standin, EPIC_CHECK, shop.head)) == 1 and len(runs(standin, CHECKLIST_CHECK, shop.head)) == 1
    assert len([c for c in standin.repos[REPO].issue_comments if SUMMARY_MARKER in c["body"]]) <= 1


def test_invalid_config_on_the_base_is_neutral_naming_file_and_line(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    broken = "events:\n  - name: Order Completed\n    status: nonsense\n"
    shop = make_pr(tmp_path, standin, base_files={"rules/broken.yml": broken}, body="Closes #5")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "broken")
    found = concluded(standin, shop.head)
    for run in found.values():
        assert run["conclusion"] == "neutral"
        assert "rules/broken.yml:3" in run["output"]["summary"]
