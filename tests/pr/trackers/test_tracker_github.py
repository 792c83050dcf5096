"""GitHub Issues as the tracker, over real HTTP to the stand-in GitHub: parents, epics by label or type, PRs, outages."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github
from standins.github_fake_repos import GitHubStandIn, PullState, RepoState
from trackers_support import APP_ID, Rules

from github_app.github import GitHubApp
from github_app.localgit import LocalRepo
from github_app.settings import Settings
from productops_lint.pr.trackers import GitHubIssues, tracker_for
from productops_lint.pr.types import Ticket, TicketRef, TrackerProblem

REPO = "acme/shop"


def ref(key: str) -> TicketRef:
    return TicketRef(key, "github", ("title",))


def epic_with_story(github: GitHubStandIn) -> None:
    """#1 is an epic (label) with three sub-issues, one closed; #5 is a story under it; #9 stands alone."""
    github.add_issue(REPO, 1, "Checkout revamp", labels=["Epic", "checkout"])
    github.add_issue(REPO, 5, "Pay with a saved card", parent=1)
    github.add_issue(REPO, 6, "Show the order total", parent=1, state="closed")
    github.add_issue(REPO, 7, "Send the receipt", parent=1)
    github.add_issue(REPO, 9, "Fix a typo")


def client_tracker(github: GitHubStandIn, token: str) -> GitHubIssues:
    tracker = tracker_for(Rules(), {"GITHUB_REPOSITORY": REPO}, github=Github(auth=Auth.Token(token), base_url=github.url))
    assert isinstance(tracker, GitHubIssues)
    return tracker


def test_story_with_an_epic_parent_names_the_epic_and_its_progress(github: GitHubStandIn, github_token: str) -> None:
    epic_with_story(github)
    found = client_tracker(github, github_token).resolve(ref("#5"))
    assert isinstance(found, Ticket)
    assert (found.key, found.title, found.state, found.is_epic) == ("#5", "Pay with a saved card", "open", False)
    assert found.parent is not None
    assert (found.parent.key, found.parent.title, found.parent.is_epic) == ("#1", "Checkout revamp", True)
    assert found.parent.progress == (1, 3)
    assert found.parent.children == ("#5", "#6", "#7")
    assert found.parent.url.endswith("/acme/shop/issues/1")


def test_an_epic_by_issue_type_passes_itself(github: GitHubStandIn, github_token: str) -> None:
    github.add_issue(REPO, 3, "Loyalty points", issue_type="Epic")
    github.add_issue(REPO, 4, "Earn points", parent=3, state="closed")
    found = client_tracker(github, github_token).resolve(ref("#3"))
    assert isinstance(found, Ticket)
    assert found.is_epic and found.issue_type == "Epic" and found.parent is None
    assert found.progress == (1, 1)


def test_issue_without_parent_is_a_plain_ticket(github: GitHubStandIn, github_token: str) -> None:
    epic_with_story(github)
    found = client_tracker(github, github_token).resolve(ref("#9"))
    assert isinstance(found, Ticket)
    assert not found.is_epic and found.parent is None and found.progress is None
    # `parent_issue_url: null` already says "no parent": the parent endpoint is not asked.
    assert not [c for c in github.calls if c.path.endswith("/parent")]


def test_owner_repo_reference_reads_another_repository(github: GitHubStandIn, github_token: str) -> None:
    github.add_issue("acme/platform", 40, "Platform epic", labels=["epic"])
    github.add_issue(REPO, 12, "Use the platform", parent="acme/platform#40")
    found = client_tracker(github, github_token).resolve(ref("acme/shop#12"))
    assert isinstance(found, Ticket) and found.key == "#12"
    assert found.parent is not None and found.parent.key == "acme/platform#40" and found.parent.is_epic


def test_configured_labels_replace_the_default(github: GitHubStandIn, github_token: str) -> None:
    github.add_issue(REPO, 1, "Big thing", labels=["epic"])
    github.add_issue(REPO, 2, "Initiative", labels=["Initiative"])
    rules = Rules(epic_labels=("initiative",), epic_issue_types=())
    tracker = tracker_for(rules, {"GITHUB_REPOSITORY": REPO}, github=Github(auth=Auth.Token(github_token), base_url=github.url))
    assert [t.is_epic for t in (tracker.resolve(ref("#1")), tracker.resolve(ref("#2")))] == [False, True]  # type: ignore[union-attr]


def test_unknown_issue_is_no_such_ticket(github: GitHubStandIn, github_token: str) -> None:
    found = client_tracker(github, github_token).resolve(ref("#404"))
    assert isinstance(found, TrackerProblem)
    assert not found.outage and "no such ticket" in found.reason


def test_pull_request_number_is_not_a_ticket(github: GitHubStandIn, github_token: str, tmp_path: Path) -> None:
    state = github.repos[REPO] = RepoState(REPO, LocalRepo(tmp_path))
    state.pulls[21] = PullState(21, "a" * 40, "b" * 40)
    found = client_tracker(github, github_token).resolve(ref("#21"))
    assert isinstance(found, TrackerProblem)
    assert not found.outage and "pull request" in found.reason


def test_bad_token_is_an_outage_naming_github_and_the_status(github: GitHubStandIn) -> None:
    github.add_issue(REPO, 1, "Epic", labels=["epic"])
    found = client_tracker(github, "ghs_not_a_token").resolve(ref("#1"))
    assert isinstance(found, TrackerProblem)
    assert found.outage and "GitHub" in found.reason and "401" in found.reason


def test_server_error_is_an_outage_naming_the_status(github: GitHubStandIn, github_token: str) -> None:
    github.add_issue(REPO, 1, "Epic", labels=["epic"])
    github.fault("GET", r"/issues/1$", status=503, times=1)
    # The urllib client (the Action's) does not retry: one 503 is the answer.
    tracker = tracker_for(Rules(), {"GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_token})
    found = tracker.resolve(ref("#1"))
    assert isinstance(found, TrackerProblem) and found.outage and "503" in found.reason


def test_action_token_from_the_environment_resolves_the_chain(github: GitHubStandIn, github_token: str) -> None:
    epic_with_story(github)
    env = {"GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_token}
    found = tracker_for(None, env).resolve(ref("#5"))
    assert isinstance(found, Ticket) and found.parent is not None and found.parent.progress == (1, 3)


def test_app_installation_client_is_used_for_the_prs_repository(github: GitHubStandIn, app_key: tuple[str, str],
                                                                tmp_path: Path) -> None:
    epic_with_story(github)
    settings = Settings(app_id=APP_ID, private_key=app_key[0], webhook_secret="s", api_url=github.url,
                        queue_path=str(tmp_path / "q.sqlite3"))
    app = GitHubApp(settings)

    class RepoLike:  # the attributes of github_app.github.RepoClient the factory reads
        full_name = REPO
        installation_id = 77

    RepoLike.app = app  # type: ignore[attr-defined]
    found = tracker_for(Rules(), {}, github=RepoLike()).resolve(ref("#5"))
    assert isinstance(found, Ticket) and found.parent is not None and found.parent.is_epic


def test_github_down_is_an_outage(github: GitHubStandIn) -> None:
    from standins.tracker_server import refused_url

    env = {"GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": refused_url(), "GITHUB_TOKEN": "t"}
    found = tracker_for(None, env).resolve(ref("#5"))
    assert isinstance(found, TrackerProblem) and found.outage and "could not be reached" in found.reason


@pytest.mark.parametrize("key", ["SHOP-1", "#x", "acme#1"])
def test_a_key_that_is_not_a_github_reference_is_not_a_ticket(github: GitHubStandIn, github_token: str, key: str) -> None:
    found = client_tracker(github, github_token).resolve(ref(key))
    assert isinstance(found, TrackerProblem) and not found.outage
    assert github.calls == []
