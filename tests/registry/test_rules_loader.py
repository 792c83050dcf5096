"""The rule-file loader: the plan it builds, broken YAML, YAML features, and robustness on any input."""

from __future__ import annotations

import subprocess
import sys
from textwrap import dedent

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import CONVENTIONS, only, problems

from productops_lint.registry.loader import check_rule_files, load_plan
from productops_lint.registry.model import ArgSpec, Conventions, Plan
from productops_lint.types import Location, Problem, Severity, UserError


def test_clean_files_build_the_merged_plan() -> None:
    plan = load_plan(
        [
            ("rules/conventions.yaml", CONVENTIONS + "tickets:\n  project_keys: [SHOP]\n"),
            (
                "rules/checkout.yaml",
                dedent(
                    """\
                    version: 1
                    area: checkout
                    owner: checkout-team
                    events:
                      - name: Order Completed
                        description: Paid.
                        epic: SHOP-1
                        sunset: 2030-01-31
                        properties:
                          order_id: {type: string, required: true}
                          price: number
                          note:
                      - name: Cart Viewed
                        description: Cart shown.
                        owner: growth
                        area: cart
                    trackers:
                      presets: [segment, posthog]
                      wrappers:
                        - name: shop.analytics.track_event
                          event: {position: 1, keyword: event}
                          properties: 2
                    """
                ),
            ),
            ("rules/empty.yaml", ""),
        ]
    )
    assert isinstance(plan, Plan)
    assert list(plan.events) == ["Order Completed", "Cart Viewed"]
    order = plan.events["Order Completed"]
    assert (order.owner, order.area, order.epic, order.sunset) == ("checkout-team", "checkout", "SHOP-1", "2030-01-31")
    assert order.location == Location("rules/checkout.yaml", 5, 11)
    assert order.required_properties == ["order_id"]
    assert order.properties["price"].type == "number"
    assert order.properties["note"].type == "string"
    assert order.properties["price"].location == Location("rules/checkout.yaml", 11, 7)
    cart = plan.events["Cart Viewed"]
    assert (cart.owner, cart.area) == ("growth", "cart")
    assert plan.conventions.event.style == "title_case"
    assert plan.conventions.location == Location("rules/conventions.yaml", 1, 1)
    assert plan.tickets.project_keys == ("SHOP",)
    assert plan.presets == ("segment", "posthog")
    (wrapper,) = plan.wrappers
    assert wrapper.qualname == "shop.analytics.track_event"
    assert wrapper.event == ArgSpec(position=1, keyword="event")
    assert wrapper.properties == ArgSpec(position=2)
    assert plan.files == ("rules/conventions.yaml", "rules/checkout.yaml", "rules/empty.yaml")


def test_no_files_and_empty_files_make_an_empty_plan_with_defaults() -> None:
    plan, found = check_rule_files([("a.yaml", ""), ("b.yaml", "# only a comment\n")])
    assert found == []
    assert plan is not None and dict(plan.events) == {}
    assert plan.conventions == Conventions() and plan.presets is None
    assert load_plan([]).events == {}


def test_broken_yaml_is_a_problem_with_its_position_not_an_exception() -> None:
    assert only("events:\n  - name: [Order Completed\n") == [
        "plan.yaml:3:1: invalid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 2)"
    ]
    assert only("events:\n- name: a\n  description: b\n bad: c\n") == [
        "plan.yaml:4:2: invalid YAML: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block mapping at line 1)"
    ]


def test_tabs_and_non_printable_characters_are_problems() -> None:
    assert only("events:\n\t- name: x\n")[0].startswith("plan.yaml:2:1: invalid YAML:")
    assert only("version: 1\nowner: a\x07b\n")[0].startswith("plan.yaml:2:9: invalid YAML:")


def test_every_file_is_checked_even_when_one_is_broken() -> None:
    assert problems(("a.yaml", "events: [\n"), ("b.yaml", "evnts: []\n")) == [
        "a.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>'",
        "b.yaml:1:1: unknown key `evnts` (did you mean `events`?)",
    ]


def test_anchors_share_a_definition_and_keys_keep_their_own_line() -> None:
    text = """\
    events:
      - name: Order Completed
        description: Paid.
        properties:
          revenue: &money {type: number, required: true}
          tax: *money
    """
    props = load_plan([("plan.yaml", dedent(text))]).events["Order Completed"].properties
    assert props["tax"].type == "number" and props["tax"].required
    assert props["tax"].location == Location("plan.yaml", 6, 7)


def test_merge_keys_fill_in_missing_keys() -> None:
    text = """\
    events:
      - &base
        name: Order Completed
        description: Paid.
        owner: checkout
      - <<: *base
        name: Order Placed
    """
    plan = load_plan([("plan.yaml", dedent(text))])
    assert plan.events["Order Placed"].owner == "checkout"
    assert plan.events["Order Placed"].location == Location("plan.yaml", 7, 11)


def test_recursive_alias_and_alias_bombs_are_problems() -> None:
    looped = "events:\n  - name: Order Completed\n    description: Paid.\n    meta: &m {self: *m}\n"
    # Reported at the anchored node: PyYAML gives an alias no position of its own.
    assert only(looped) == ["plan.yaml:4:11: an alias refers to a node that contains it"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh")
    )
    # At the first key whose value passes the cap: `e` holds 10**5 values reached through aliases.
    assert only(bomb) == ["plan.yaml:5:1: `e` expands to more than 100000 values through aliases"]


def test_unsupported_tags_and_complex_keys() -> None:
    text = """\
    owner: !vault secret
    ? [a, b]
    : c
    """
    assert only(text) == [
        "plan.yaml:1:8: unsupported YAML tag `!vault`",
        "plan.yaml:2:3: a key must be plain text, not a list or mapping",
    ]


def test_keys_keep_their_text() -> None:
    text = """\
    events:
      - name: Light Switched
        description: A switch was flipped.
        properties:
          on: boolean
          404: string
    """
    plan = load_plan([("plan.yaml", dedent(text))])
    assert list(plan.events["Light Switched"].properties) == ["on", "404"]


def test_load_plan_raises_with_every_problem() -> None:
    with pytest.raises(UserError) as caught:
        load_plan([("a.yaml", "evnts: []\n"), ("b.yaml", "events: [\n")])
    assert [p.location.path for p in caught.value.problems] == ["a.yaml", "b.yaml"]
    assert all(isinstance(p, Problem) for p in caught.value.problems)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    plan, found = check_rule_files([("plan.yaml", text)])
    assert (plan is None) == any(p.severity is Severity.ERROR for p in found)
    assert all(p.location.path == "plan.yaml" for p in found)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["name", "description", "events", "properties", "type", "values", "status", "conventions",
         "event_name", "style", "trackers", "wrappers", "pattern", "replaced_by", "x"]), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(yaml_values)
def test_any_yaml_structure_gives_problems_never_an_exception(value: object) -> None:
    check_rule_files([("plan.yaml", yaml.safe_dump({"events": [value], "conventions": value}))])
    check_rule_files([("plan.yaml", yaml.safe_dump(value))])


def test_importing_the_model_does_not_load_yaml_or_json_schema() -> None:
    # Config and checks import the model; only reading rule files should pay for PyYAML and jsonschema.
    code = "import sys, productops_lint.registry.model; print('jsonschema' in sys.modules, 'yaml' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_one_document_per_file() -> None:
    assert only("version: 1\n---\nversion: 1\n") == [
        "plan.yaml:2:1: invalid YAML: expected a single document in the stream, but found another document"
    ]


def test_a_byte_order_mark_is_fine() -> None:
    assert only("\ufeffversion: 1\n") == []
