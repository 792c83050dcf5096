"""The stand-in Jira and Linear refuse what the real ones refuse, and their faults take them down."""

from __future__ import annotations

import base64
from typing import Iterator

import pytest
import requests

from standins.jira_api import JiraStandIn
from standins.linear_api import LinearStandIn


@pytest.fixture
def jira() -> Iterator[JiraStandIn]:
    server = JiraStandIn(cloud=True).start()
    server.add("SHOP-1", "Epic", issue_type="Epic")
    yield server
    server.stop()


@pytest.fixture
def linear() -> Iterator[LinearStandIn]:
    server = LinearStandIn().start()
    server.add("ENG-1", "Epic")
    yield server
    server.stop()


def basic(server: JiraStandIn) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{server.email}:{server.token}".encode()).decode()}


def test_jira_answers_the_documented_issue_shape(jira: JiraStandIn) -> None:
    answer = requests.get(f"{jira.url}/rest/api/3/issue/SHOP-1", params={"fields": "summary,issuetype,parent"},
                          headers=basic(jira), timeout=5)
    assert answer.status_code == 200
    body = answer.json()
    assert body["key"] == "SHOP-1" and set(body["fields"]) == {"summary", "issuetype"}  # no parent: left out
    assert body["fields"]["issuetype"]["hierarchyLevel"] == 1
    assert jira.violations == []


def test_jira_rejects_wrong_credentials_without_a_violation(jira: JiraStandIn) -> None:
    answer = requests.get(f"{jira.url}/rest/api/3/issue/SHOP-1", params={"fields": "summary"},
                          headers={"Authorization": "Basic d3Jvbmc6d3Jvbmc="}, timeout=5)
    assert answer.status_code == 401 and jira.violations == []


def test_jira_records_unknown_fields_parameters_and_paths(jira: JiraStandIn) -> None:
    get = lambda path, **params: requests.get(f"{jira.url}{path}", params=params, headers=basic(jira), timeout=5)  # noqa: E731
    assert get("/rest/api/3/issue/SHOP-1", fields="summary,epic").status_code == 400
    assert get("/rest/api/3/issue/SHOP-1", fields="summary", expandAll="1").status_code == 400
    assert get("/rest/api/3/issues/SHOP-1").status_code == 404
    assert get("/rest/api/2/field").status_code == 404  # a Cloud stand-in serves v3 only
    assert len(jira.violations) == 4


def test_jira_fault_answers_first(jira: JiraStandIn) -> None:
    jira.fault("GET", r"/issue/", status=503, times=1)
    url = f"{jira.url}/rest/api/3/issue/SHOP-1"
    assert requests.get(url, params={"fields": "summary"}, headers=basic(jira), timeout=5).status_code == 503
    assert requests.get(url, params={"fields": "summary"}, headers=basic(jira), timeout=5).status_code == 200


def test_linear_executes_a_valid_query(linear: LinearStandIn) -> None:
    query = 'query Q($id: String!) { issue(id: $id) { identifier title state { name type } } }'
    answer = requests.post(linear.graphql_url, json={"query": query, "variables": {"id": "ENG-1"}},
                           headers={"Authorization": linear.api_key}, timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {"data": {"issue": {"identifier": "ENG-1", "title": "Epic",
                                                 "state": {"name": "Todo", "type": "unstarted"}}}}


def test_linear_unknown_issue_is_an_error_with_data(linear: LinearStandIn) -> None:
    answer = requests.post(linear.graphql_url, json={"query": '{ issue(id: "ENG-9") { identifier } }'},
                           headers={"Authorization": linear.api_key}, timeout=5)
    body = answer.json()
    assert answer.status_code == 200 and body["data"] == {"issue": None}
    assert body["errors"][0]["message"] == "Entity not found: Issue" and linear.violations == []


def test_linear_records_a_query_with_a_missing_variable(linear: LinearStandIn) -> None:
    answer = requests.post(linear.graphql_url, json={"query": "query Q($id: String!) { issue(id: $id) { identifier } }"},
                           headers={"Authorization": linear.api_key}, timeout=5)
    assert answer.status_code == 400 and len(linear.violations) == 1


def test_linear_wrong_key_is_an_authentication_error(linear: LinearStandIn) -> None:
    answer = requests.post(linear.graphql_url, json={"query": "{ issue(id: \"ENG-1\") { identifier } }"},
                           headers={"Authorization": "lin_api_wrong"}, timeout=5)
    assert answer.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"
    assert linear.violations == []


def test_stopped_stand_in_refuses_connections(linear: LinearStandIn) -> None:
    url = linear.graphql_url
    linear.stop()
    with pytest.raises(requests.ConnectionError):
        requests.post(url, json={"query": "{ issue(id: \"ENG-1\") { identifier } }"}, timeout=5)
