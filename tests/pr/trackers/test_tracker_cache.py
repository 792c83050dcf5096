"""One lookup per key per run, the parent included, counted at the stand-ins; a new run asks again."""

from __future__ import annotations

from standins.github_fake_repos import GitHubStandIn
from standins.jira_api import JiraStandIn
from standins.linear_api import LinearStandIn
from trackers_support import Rules

from productops_lint.pr.trackers import tracker_for
from productops_lint.pr.types import Ticket, TicketRef


def test_github_parent_is_fetched_once_for_two_stories(github: GitHubStandIn, github_token: str) -> None:
    github.add_issue("acme/shop", 1, "Epic", labels=["epic"])
    github.add_issue("acme/shop", 5, "Story A", parent=1)
    github.add_issue("acme/shop", 6, "Story B", parent=1)
    env = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_token}
    tracker = tracker_for(Rules(), env)
    refs = [TicketRef("#5", "github"), TicketRef("acme/shop#5", "github"), TicketRef("#6", "github"), TicketRef("#1", "github")]
    results = [tracker.resolve(r) for r in refs + refs]
    assert all(isinstance(r, Ticket) for r in results)
    paths = sorted(c.path for c in github.calls)
    # #5, its parent (the epic) through the parent endpoint, the epic's sub-issues, #6; #1 is known by then.
    assert paths == ["/repos/acme/shop/issues/1/sub_issues", "/repos/acme/shop/issues/5",
                     "/repos/acme/shop/issues/5/parent", "/repos/acme/shop/issues/6"]


def test_jira_caches_per_run_and_a_new_run_asks_again(jira_cloud: JiraStandIn) -> None:
    jira_cloud.add("SHOP-1", "Epic", issue_type="Epic")
    jira_cloud.add("SHOP-2", "Story", parent="SHOP-1")
    env = {"JIRA_BASE_URL": jira_cloud.url, "JIRA_EMAIL": jira_cloud.email, "JIRA_API_TOKEN": jira_cloud.token}
    run = tracker_for(Rules(tracker="jira"), env)
    for _ in range(3):
        run.resolve(TicketRef("SHOP-2", "jira"))
        run.resolve(TicketRef("shop-1", "jira"))
    assert len(jira_cloud.requests_to(r"/issue/SHOP-2$")) == 1
    assert len(jira_cloud.requests_to(r"/issue/SHOP-1$")) == 1
    assert len(jira_cloud.requests_to(r"/search/jql$")) == 1
    tracker_for(Rules(tracker="jira"), env).resolve(TicketRef("SHOP-2", "jira"))
    assert len(jira_cloud.requests_to(r"/issue/SHOP-2$")) == 2


def test_linear_nested_parent_fills_the_cache(linear: LinearStandIn) -> None:
    linear.add("ENG-1", "Epic")
    linear.add("ENG-2", "Story", parent_id="ENG-1")
    linear.add("ENG-3", "Story", parent_id="ENG-1")
    tracker = tracker_for(Rules(tracker="linear"), {"LINEAR_API_KEY": linear.api_key, "LINEAR_API_URL": linear.graphql_url})
    for key in ("ENG-2", "ENG-1", "ENG-3", "ENG-2"):
        assert isinstance(tracker.resolve(TicketRef(key, "linear")), Ticket)
    # ENG-1 came with ENG-2's answer: only the two stories were asked for.
    assert [c.json["variables"]["id"] for c in linear.calls] == ["ENG-2", "ENG-3"]
