"""Jira as the tracker, over real HTTP to the stand-in Jira: Cloud `fields.parent`, Data Center Epic Link, outages."""

from __future__ import annotations

import pytest
from standins.jira_api import JiraStandIn
from standins.tracker_server import refused_url
from trackers_support import Rules

from productops_lint.pr.trackers import Jira, Unconfigured, tracker_for
from productops_lint.pr.types import Ticket, TicketRef, TrackerProblem


def ref(key: str) -> TicketRef:
    return TicketRef(key, "jira", ("branch",))


def cloud_env(server: JiraStandIn, **extra: str) -> dict[str, str]:
    return {"JIRA_BASE_URL": server.url, "JIRA_EMAIL": server.email, "JIRA_API_TOKEN": server.token, **extra}


def dc_env(server: JiraStandIn) -> dict[str, str]:
    return {"JIRA_BASE_URL": server.url, "JIRA_PAT": server.pat}


def shop_epic(server: JiraStandIn) -> None:
    """SHOP-1 is an epic with three children (one done); SHOP-12 is a story under it; SHOP-30 stands alone."""
    cloud = server.cloud
    server.add("SHOP-1", "Checkout revamp", issue_type="Epic", status="In Progress")
    for key, status in (("SHOP-12", "In Progress"), ("SHOP-13", "Done"), ("SHOP-14", "To Do")):
        server.add(key, f"Story {key}", status=status, parent="SHOP-1" if cloud else None,
                   epic_link=None if cloud else "SHOP-1")
    server.add("SHOP-30", "Fix a typo", issue_type="Task")


def test_cloud_story_with_an_epic_parent(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    tracker = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud))
    assert isinstance(tracker, Jira) and tracker.cloud
    found = tracker.resolve(ref("SHOP-12"))
    assert isinstance(found, Ticket)
    assert (found.key, found.state, found.issue_type, found.is_epic) == ("SHOP-12", "In Progress", "Story", False)
    assert found.url == f"{jira_cloud.url}/browse/SHOP-12"
    epic = found.parent
    assert epic is not None and epic.key == "SHOP-1" and epic.is_epic and epic.title == "Checkout revamp"
    assert epic.progress == (1, 3) and epic.children == ("SHOP-12", "SHOP-13", "SHOP-14")
    assert [c.path for c in jira_cloud.calls] == [
        "/rest/api/3/issue/SHOP-12", "/rest/api/3/issue/SHOP-1", "/rest/api/3/search/jql"]
    assert jira_cloud.calls[0].query["fields"] == "summary,status,issuetype,parent,subtasks,labels"


def test_cloud_epic_by_hierarchy_level_whatever_its_name(jira_cloud: JiraStandIn) -> None:
    jira_cloud.add("SHOP-1", "Checkout revamp", issue_type="Epic")
    rules = Rules(tracker="jira", epic_issue_types=("Initiative",), epic_labels=())
    found = tracker_for(rules, cloud_env(jira_cloud)).resolve(ref("SHOP-1"))
    assert isinstance(found, Ticket) and found.is_epic and found.progress == (0, 0)


def test_sub_task_climbs_through_its_story_to_the_epic(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    jira_cloud.add("SHOP-40", "Write the migration", issue_type="Sub-task", parent="SHOP-12")
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud)).resolve(ref("SHOP-40"))
    assert isinstance(found, Ticket)
    assert found.parent is not None and found.parent.key == "SHOP-12" and found.parent.children == ("SHOP-40",)
    assert found.parent.parent is not None and found.parent.parent.key == "SHOP-1" and found.parent.parent.is_epic


def test_non_epic_without_parent(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud)).resolve(ref("SHOP-30"))
    assert isinstance(found, Ticket) and not found.is_epic and found.parent is None


def test_unknown_key_is_no_such_ticket(jira_cloud: JiraStandIn) -> None:
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud)).resolve(ref("SHOP-999"))
    assert isinstance(found, TrackerProblem) and not found.outage and "no such ticket" in found.reason


def test_wrong_token_is_an_outage_naming_jira_and_401(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud, JIRA_API_TOKEN="wrong")).resolve(ref("SHOP-12"))
    assert isinstance(found, TrackerProblem) and found.outage
    assert "Jira" in found.reason and "401" in found.reason


@pytest.mark.parametrize("status", [500, 503, 429, 403])
def test_error_statuses_are_outages(jira_cloud: JiraStandIn, status: int) -> None:
    shop_epic(jira_cloud)
    jira_cloud.fault("GET", r"/issue/SHOP-12$", status=status, headers={"Retry-After": "30"},
                     body={"errorMessages": ["stand-in fault"], "errors": {}})
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud)).resolve(ref("SHOP-12"))
    assert isinstance(found, TrackerProblem) and found.outage and str(status) in found.reason


def test_epic_unreadable_while_the_story_is_found_is_an_outage(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    jira_cloud.fault("GET", r"/search/jql$", status=503)
    found = tracker_for(Rules(tracker="jira"), cloud_env(jira_cloud)).resolve(ref("SHOP-12"))
    assert isinstance(found, TrackerProblem) and found.outage
    assert found.key == "SHOP-12" and "SHOP-1 could not be read" in found.reason


def test_slow_jira_times_out_as_an_outage(jira_cloud: JiraStandIn) -> None:
    shop_epic(jira_cloud)
    jira_cloud.fault("GET", r"/issue/", delay=2.0, times=5)
    env = cloud_env(jira_cloud, TRACKER_TIMEOUT_SECONDS="0.3")
    found = tracker_for(Rules(tracker="jira"), env).resolve(ref("SHOP-12"))
    assert isinstance(found, TrackerProblem) and found.outage and "could not be reached" in found.reason


def test_jira_down_is_an_outage_and_asked_once(jira_cloud: JiraStandIn) -> None:
    tracker = tracker_for(Rules(tracker="jira"), {**cloud_env(jira_cloud), "JIRA_BASE_URL": refused_url()})
    first, second = tracker.resolve(ref("SHOP-12")), tracker.resolve(ref("SHOP-13"))
    assert isinstance(first, TrackerProblem) and first.outage and "Jira could not be reached" in first.reason
    assert isinstance(second, TrackerProblem) and second.outage and second.key == "SHOP-13"
    assert isinstance(tracker, Jira) and tracker.requests == 1


def test_data_center_discovers_the_epic_link_field(jira_dc: JiraStandIn) -> None:
    shop_epic(jira_dc)
    tracker = tracker_for(Rules(tracker="jira"), dc_env(jira_dc))
    assert isinstance(tracker, Jira) and not tracker.cloud
    story, other = tracker.resolve(ref("SHOP-12")), tracker.resolve(ref("SHOP-13"))
    assert isinstance(story, Ticket) and story.parent is not None
    assert story.parent.key == "SHOP-1" and story.parent.is_epic and story.parent.progress == (1, 3)
    assert isinstance(other, Ticket) and other.parent == story.parent
    paths = [c.path for c in jira_dc.calls]
    # The field list once, each issue once, the epic's children once.
    assert paths == ["/rest/api/2/field", "/rest/api/2/issue/SHOP-12", "/rest/api/2/issue/SHOP-1",
                     "/rest/api/2/search", "/rest/api/2/issue/SHOP-13"]
    assert "customfield_10014" in jira_dc.calls[1].query["fields"].split(",")
    assert jira_dc.calls[3].query["jql"] == 'cf[10014] = "SHOP-1"'


def test_data_center_rejects_cloud_credentials(jira_dc: JiraStandIn) -> None:
    shop_epic(jira_dc)
    env = {"JIRA_BASE_URL": jira_dc.url, "JIRA_PAT": "not-the-pat"}
    found = tracker_for(Rules(tracker="jira"), env).resolve(ref("SHOP-12"))
    assert isinstance(found, TrackerProblem) and found.outage and "401" in found.reason


def test_missing_credentials_say_which_variables_to_set() -> None:
    tracker = tracker_for(Rules(tracker="jira"), {"JIRA_BASE_URL": "https://jira.example"})
    assert isinstance(tracker, Unconfigured)
    found = tracker.resolve(ref("SHOP-1"))
    assert isinstance(found, TrackerProblem) and found.outage
    assert "JIRA_API_TOKEN" in found.reason and "JIRA_PAT" in found.reason
