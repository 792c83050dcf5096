"""Linear as the tracker, over real HTTP to the stand-in Linear that validates each GraphQL query against the schema."""

from __future__ import annotations

import pytest
from standins.linear_api import LinearStandIn
from standins.tracker_server import refused_url
from trackers_support import Rules

from productops_lint.pr.trackers import Linear, tracker_for
from productops_lint.pr.types import Ticket, TicketRef, TrackerProblem


def ref(key: str) -> TicketRef:
    return TicketRef(key, "linear", ("title",))


def env(server: LinearStandIn, **extra: str) -> dict[str, str]:
    return {"LINEAR_API_KEY": server.api_key, "LINEAR_API_URL": server.graphql_url, **extra}


def eng_epic(server: LinearStandIn) -> None:
    """ENG-1 is a parent issue with three sub-issues (one done); ENG-42 is one of them; ENG-90 stands alone."""
    server.add("ENG-1", "Checkout revamp", state_name="In Progress")
    server.add("ENG-42", "Pay with a saved card", parent_id="ENG-1", state_name="In Progress")
    server.add("ENG-43", "Show the total", parent_id="ENG-1", state_name="Done")
    server.add("ENG-44", "Send the receipt", parent_id="ENG-1")
    server.add("ENG-90", "Fix a typo")


def test_story_with_a_parent_issue_has_it_as_epic_in_one_request(linear: LinearStandIn) -> None:
    eng_epic(linear)
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-42"))
    assert isinstance(found, Ticket)
    assert (found.key, found.title, found.state, found.is_epic) == ("ENG-42", "Pay with a saved card", "In Progress", False)
    epic = found.parent
    assert epic is not None and epic.key == "ENG-1" and epic.is_epic
    assert epic.progress == (1, 3) and epic.children == ("ENG-42", "ENG-43", "ENG-44")
    assert epic.url == "https://linear.app/acme/issue/eng-1"
    assert len(linear.calls) == 1 and linear.calls[0].json["variables"] == {"id": "ENG-42"}


def test_the_parent_issue_itself_is_an_epic(linear: LinearStandIn) -> None:
    eng_epic(linear)
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-1"))
    assert isinstance(found, Ticket) and found.is_epic and found.parent is None and found.progress == (1, 3)


def test_epic_label_marks_an_epic(linear: LinearStandIn) -> None:
    linear.add("ENG-7", "Loyalty", label_names=["Epic"])
    linear.add("ENG-8", "Earn points", parent_id="ENG-7")
    linear.add("ENG-9", "Points for reviews", parent_id="ENG-8")
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-9"))
    assert isinstance(found, Ticket) and found.parent is not None and not found.parent.is_epic
    assert found.parent.parent is not None and found.parent.parent.key == "ENG-7" and found.parent.parent.is_epic


def test_project_stands_as_the_epic_when_there_is_no_parent(linear: LinearStandIn) -> None:
    linear.add_project("Checkout 2.0")
    linear.add("ENG-50", "New cart", project_name="Checkout 2.0", state_name="Done")
    linear.add("ENG-51", "New payment page", project_name="Checkout 2.0")
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-51"))
    assert isinstance(found, Ticket) and found.parent is not None
    project = found.parent
    assert (project.key, project.issue_type, project.is_epic, project.progress) == ("Checkout 2.0", "Project", True, (1, 2))
    assert project.url.startswith("https://linear.app/acme/project/checkout-2-0")


def test_non_epic_without_parent_or_project(linear: LinearStandIn) -> None:
    eng_epic(linear)
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-90"))
    assert isinstance(found, Ticket) and not found.is_epic and found.parent is None


def test_unknown_identifier_is_no_such_ticket(linear: LinearStandIn) -> None:
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-404"))
    assert isinstance(found, TrackerProblem) and not found.outage and "no such ticket" in found.reason


def test_wrong_api_key_is_an_outage(linear: LinearStandIn) -> None:
    eng_epic(linear)
    found = tracker_for(Rules(tracker="linear"), env(linear, LINEAR_API_KEY="lin_api_wrong")).resolve(ref("ENG-42"))
    assert isinstance(found, TrackerProblem) and found.outage
    assert "Linear" in found.reason and "401" in found.reason and "Authentication required" in found.reason


def test_rate_limit_error_is_an_outage(linear: LinearStandIn) -> None:
    linear.fault("POST", r"/graphql$", status=400, body={"errors": [
        {"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]})
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-42"))
    assert isinstance(found, TrackerProblem) and found.outage and "rate-limited" in found.reason


@pytest.mark.parametrize("status", [502, 503])
def test_server_errors_are_outages(linear: LinearStandIn, status: int) -> None:
    linear.fault("POST", r"/graphql$", status=status)
    found = tracker_for(Rules(tracker="linear"), env(linear)).resolve(ref("ENG-42"))
    assert isinstance(found, TrackerProblem) and found.outage and str(status) in found.reason


def test_slow_linear_times_out(linear: LinearStandIn) -> None:
    eng_epic(linear)
    linear.fault("POST", r"/graphql$", delay=2.0)
    found = tracker_for(Rules(tracker="linear"), env(linear, TRACKER_TIMEOUT_SECONDS="0.3")).resolve(ref("ENG-42"))
    assert isinstance(found, TrackerProblem) and found.outage and "could not be reached" in found.reason


def test_linear_down_is_an_outage() -> None:
    tracker = tracker_for(Rules(tracker="linear"), {"LINEAR_API_KEY": "k", "LINEAR_API_URL": refused_url() + "/graphql"})
    found = tracker.resolve(ref("ENG-42"))
    assert isinstance(found, TrackerProblem) and found.outage and "Linear could not be reached" in found.reason


def test_the_client_query_fits_the_schema(linear: LinearStandIn) -> None:
    eng_epic(linear)
    tracker = tracker_for(Rules(tracker="linear"), env(linear))
    assert isinstance(tracker, Linear)
    tracker.resolve(ref("ENG-42"))
    assert linear.violations == [] and len(linear.queries) == 1


def test_the_stand_in_rejects_a_query_outside_the_schema(linear: LinearStandIn) -> None:
    import json
    import urllib.error
    import urllib.request

    body = json.dumps({"query": "{ issue(id: \"ENG-1\") { identifier epic { name } } }"}).encode()
    request = urllib.request.Request(linear.graphql_url, body, {"Authorization": linear.api_key,
                                                                 "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
    assert len(linear.violations) == 1 and "epic" in linear.violations[0]
    linear.violations.clear()
