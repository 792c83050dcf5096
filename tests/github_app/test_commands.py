"""`/productops` commands in PR comments: writers only, acknowledged by a reaction, answers in one marked comment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pr_helpers import PR_CHECKS, REPO, allow, comment_payload, concluded, make_pr, runs, send
from standins.github_fake_repos import BOT, GitHubStandIn
from standins.github_pr_checks import repo_extras

from github_app.context import Runtime
from github_app.handlers.commands import Command, answer_marker, parse_command
from github_app.queue import Worker


def reactions(standin: GitHubStandIn, comment_id: int) -> list[str]:
    return repo_extras(standin.repos[REPO])["reactions"].get(comment_id, [])


def answers(standin: GitHubStandIn, marker: str) -> list[dict]:
    return [c for c in standin.repos[REPO].issue_comments if marker in c["body"] and c["user"]["login"] == BOT]


@pytest.mark.parametrize(("body", "expected"), [
    ("/productops recheck", Command("recheck")),
    ("Thanks!\n/productops explain po101\n", Command("explain", "po101")),
    ("> /productops config\nquoted, not asked", None),
    ("please run /productops recheck", None),
    ("/productopsrecheck", None),
])
def test_commands_are_parsed_from_their_own_line(body: str, expected: Command | None) -> None:
    assert parse_command(body) == expected


def test_command_from_user_without_write_permission_is_ignored(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shop = make_pr(tmp_path, standin)
    allow(standin, "mallory", "read")
    payload = comment_payload(shop, "/productops recheck", login="mallory")
    with caplog.at_level("INFO", logger="github_app.handlers.commands"):
        send(client, runtime, "issue_comment", payload, "from-mallory")
    assert runtime.store.delivery_state("from-mallory") == "succeeded"
    assert reactions(standin, payload["comment"]["id"]) == []
    assert all(runs(standin, name) == [] for name in PR_CHECKS), "nothing was re-checked"
    assert [c["user"]["login"] for c in standin.repos[REPO].issue_comments] == ["mallory"], "no answer either"
    assert sum("ignored" in r.getMessage() and "mallory" in r.getMessage() for r in caplog.records) == 1


def test_recheck_from_a_writer_is_acknowledged_with_a_reaction_and_rechecks(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin)
    allow(standin, "maintainer", "write")
    payload = comment_payload(shop, "/productops recheck", login="maintainer")
    send(client, runtime, "issue_comment", payload, "recheck-1")
    assert reactions(standin, payload["comment"]["id"]) == ["+1"]
    found = concluded(standin, shop.head)
    assert set(found) == set(PR_CHECKS)
    assert not any(c["body"].startswith("Re-check") for c in standin.repos[REPO].issue_comments), "no comment to say so"


def test_explain_answers_in_one_marked_comment_and_asking_again_edits_it(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin)
    allow(standin, "admin-user", "admin")
    send(client, runtime, "issue_comment", comment_payload(shop, "/productops explain PO101", "admin-user"), "explain-1")
    marker = answer_marker(Command("explain", "PO101"))
    first = answers(standin, marker)
    assert len(first) == 1 and "PO101" in first[0]["body"] and "What it does" in first[0]["body"]
    send(client, runtime, "issue_comment", comment_payload(shop, "/productops explain po101", "admin-user"), "explain-2")
    assert [c["id"] for c in answers(standin, marker)] == [first[0]["id"]], "the same question is answered in place"
    send(client, runtime, "issue_comment", comment_payload(shop, "/productops explain PO999", "admin-user"), "explain-3")
    assert "No check is called `PO999`" in answers(standin, answer_marker(Command("explain", "PO999")))[0]["body"]


def test_config_shows_the_effective_config_and_where_each_part_comes_from(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin)
    allow(standin, "maintainer", "maintain")
    send(client, runtime, "issue_comment", comment_payload(shop, "/productops config", "maintainer"), "config-1")
    body = answers(standin, answer_marker(Command("config")))[0]["body"]
    assert "Effective PR-check configuration" in body
    assert "| `registry` | pyproject.toml: rules |" in body
    assert "```yaml" in body


def test_the_bots_own_comments_are_never_commands(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, tmp_path: Path
) -> None:
    shop = make_pr(tmp_path, standin)
    allow(standin, BOT, "write")
    payload = comment_payload(shop, "/productops recheck", login=BOT)
    payload["comment"]["user"]["type"] = "Bot"
    send(client, runtime, "issue_comment", payload, "from-bot")
    assert reactions(standin, payload["comment"]["id"]) == []
    assert not any(c.path.endswith("/permission") for c in standin.calls), "not even asked about"
