"""Snowplow schema URIs in the plan: found by full URI or `vendor/name`, named by Iglu's rules."""

from __future__ import annotations

import pytest

from productops_lint.registry.conventions import event_name_problems
from productops_lint.registry.iglu import is_schema_name, other_versions, parse_schema
from productops_lint.registry.loader import load_plan

PLAN = """
conventions:
  event_name: {style: title_case}
events:
  - name: com.acme/link_clicked
    owner: web
    description: d
  - name: iglu:com.acme/form_submitted/jsonschema/1-0-0
    owner: web
    description: d
  - name: iglu:com.acme/form_submitted/jsonschema/2-0-0
    owner: web
    description: d
  - name: Order Completed
    owner: checkout
    description: d
"""


@pytest.fixture(scope="module")
def plan():
    return load_plan([("plan.yaml", PLAN)])


@pytest.mark.parametrize(
    ("sent", "found"),
    [
        ("iglu:com.acme/link_clicked/jsonschema/1-0-0", "com.acme/link_clicked"),
        ("iglu:com.acme/link_clicked/jsonschema/3-1-2", "com.acme/link_clicked"),
        ("iglu:com.acme/form_submitted/jsonschema/2-0-0", "iglu:com.acme/form_submitted/jsonschema/2-0-0"),
        ("iglu:com.acme/form_submitted/jsonschema/1-0-1", None),
        ("iglu:com.other/link_clicked/jsonschema/1-0-0", None),
        ("link_clicked", None),
    ],
)
def test_a_schema_uri_is_found_whole_or_by_vendor_and_name(plan, sent: str, found: str | None) -> None:
    spec = plan.get(sent)
    assert (spec.name if spec else None) == found


def test_other_versions_lists_the_versions_the_plan_names(plan) -> None:
    assert other_versions("iglu:com.acme/form_submitted/jsonschema/1-0-1", plan.events) == ["1-0-0", "2-0-0"]
    assert other_versions("iglu:com.acme/signed_up/jsonschema/1-0-0", plan.events) == []
    assert other_versions("Order Completed", plan.events) == []


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("iglu:com.acme/x/jsonschema/1-0-0", True),
        ("com.acme/x", True),
        ("Search/Filter", False),
        ("iglu:com.acme/x/jsonschema/1.0.0", False),
        ("Order Completed", False),
    ],
)
def test_schema_names_are_told_from_event_names(name: str, schema: bool) -> None:
    assert is_schema_name(name) is schema
    assert (parse_schema(name) is not None) == (name.startswith("iglu:") and schema)


def test_the_event_style_does_not_apply_to_schema_names(plan) -> None:
    rules = plan.conventions.event
    assert event_name_problems("com.acme/link_clicked", rules) == []
    assert event_name_problems("link_clicked", rules) != []
