"""Every kind of rule-file problem, each with its exact file:line:col and message."""

from __future__ import annotations

from textwrap import dedent

from rules_helpers import CONVENTIONS, only, problems

from productops_lint.registry.loader import check_rule_files
from productops_lint.types import Severity


def test_schema_violations_point_at_the_offending_value() -> None:
    text = """\
    version: 2
    events:
      - name: Order Completed
        description: Paid.
        status: activ
        must_track: "yes"
        sunset: 2025-13-01
        epic: shop-1
        properties:
          price: {type: money}
          total: numbr
          items: [string]
      - description: No name.
    """
    assert only(text) == [
        "plan.yaml:1:10: `version` must be `1`, not `2`",
        "plan.yaml:5:13: `status` of event `Order Completed` must be one of `planned`, `active`, "
        "`deprecated`, `removed`, not `activ` (did you mean `active`?)",
        "plan.yaml:6:17: `must_track` of event `Order Completed` must be true or false, not text",
        "plan.yaml:7:13: `sunset` of event `Order Completed` is `2025-13-01`, "
        "which is not a date in the form YYYY-MM-DD",
        "plan.yaml:8:11: `epic` of event `Order Completed` is `shop-1`, which does not look like `SHOP-123`",
        "plan.yaml:10:21: `type` of property `price` of event `Order Completed` must be one of `string`, "
        "`integer`, `number`, `boolean`, `datetime`, `array`, `object`, `enum`, not `money`",
        "plan.yaml:11:14: property `total` of event `Order Completed` must be one of `string`, `integer`, "
        "`number`, `boolean`, `datetime`, `array`, `object`, `enum`, not `numbr` (did you mean `number`?)",
        "plan.yaml:12:14: property `items` of event `Order Completed` must be a mapping or empty, not a list",
        "plan.yaml:13:5: event #2 is missing `name`",
    ]


def test_a_rule_file_must_be_a_mapping() -> None:
    assert only("- name: Order Completed\n") == ["plan.yaml:1:1: the rule file must be a mapping, not a list"]


def test_unknown_keys_point_at_the_key_with_a_suggestion() -> None:
    text = """\
    owner: shop
    evnts: []
    events:
      - name: Order Completed
        descripton: Paid.
        colour: red
        properties:
          price: {type: number, requird: true}
    conventions:
      event_name: {stlye: title_case}
    """
    assert only(text) == [
        "plan.yaml:2:1: unknown key `evnts` (did you mean `events`?)",
        "plan.yaml:4:5: event `Order Completed` is missing `description`",
        "plan.yaml:5:5: unknown key `descripton` in event `Order Completed` (did you mean `description`?)",
        "plan.yaml:6:5: unknown key `colour` in event `Order Completed`",
        "plan.yaml:8:29: unknown key `requird` in property `price` of event `Order Completed` "
        "(did you mean `required`?)",
        "plan.yaml:10:16: unknown key `stlye` in `conventions.event_name` (did you mean `style`?)",
    ]


def test_meta_takes_any_keys() -> None:
    text = """\
    events:
      - name: Order Completed
        description: Paid.
        meta: {dashboard: "https://example.com", anything: [1, 2]}
    """
    assert only(text) == []


def test_duplicate_keys_in_a_mapping() -> None:
    text = """\
    events:
      - name: Order Completed
        description: Paid.
        name: Order Placed
    """
    assert only(text) == ["plan.yaml:4:5: duplicate key `name` (first at line 2)"]


def test_duplicate_events_across_files_name_both_locations() -> None:
    a = """\
    events:
      - name: Order Completed
        description: Paid.
    """
    b = """\
    events:
      - name: Cart Viewed
        description: Shown.
      - name: Order Completed
        description: Paid again.
      - name: order_completed
        description: Same event in snake_case.
      - name: cartViewed
        description: Same event in camelCase.
    """
    assert problems(("a.yaml", a), ("b.yaml", b)) == [
        "b.yaml:4:11: event `Order Completed` is declared twice (first at a.yaml:2:11)",
        "b.yaml:6:11: event `order_completed` differs from `Order Completed` (a.yaml:2:11) "
        "only in case or separators",
        "b.yaml:8:11: event `cartViewed` differs from `Cart Viewed` (b.yaml:2:11) only in case or separators",
    ]


def test_duplicate_properties_differing_only_in_case() -> None:
    text = """\
    events:
      - name: Order Completed
        description: Paid.
        properties:
          cart_value: number
          cartValue: number
    """
    assert only(text) == [
        "plan.yaml:6:7: property `cartValue` of event `Order Completed` differs from `cart_value` "
        "only in case or separators"
    ]


def test_names_that_break_the_conventions() -> None:
    plan = """\
    events:
      - name: order completed
        description: Paid.
        properties:
          orderId: string
      - name: Checkout Start
        description: Started.
      - name: add_to_cart
        description: Legacy name, exempt because it is deprecated.
        status: deprecated
        properties:
          productId: string
    """
    assert problems(("conventions.yaml", CONVENTIONS), ("plan.yaml", plan)) == [
        "plan.yaml:2:11: event name `order completed` is not Title Case (expected `Order Completed`)",
        "plan.yaml:5:7: property name `orderId` is not snake_case (expected `order_id`)",
        "plan.yaml:6:11: event name `Checkout Start`: verb `Start` is not in the past tense",
    ]


def test_names_are_checked_against_default_reserved_prefixes() -> None:
    text = """\
    events:
      - name: $pageview
        description: Reserved by an SDK.
        properties:
          mp_lib: string
    """
    assert only(text) == [
        "plan.yaml:2:11: event name `$pageview` uses reserved prefix `$`",
        "plan.yaml:5:7: property name `mp_lib` uses reserved prefix `mp_`",
    ]


def test_replaced_by_must_name_another_live_event() -> None:
    text = """\
    events:
      - name: Order Completed
        description: Paid.
      - name: Order Placed
        description: Old name.
        status: deprecated
        replaced_by: Order Complted
      - name: Order Done
        description: Older name.
        status: removed
        replaced_by: Order Done
      - name: Order Made
        description: Oldest name.
        status: deprecated
        replaced_by: Order Done
    """
    assert only(text) == [
        "plan.yaml:7:18: `replaced_by` of event `Order Placed` names `Order Complted`, which is not an event "
        "of the plan (did you mean `Order Completed`?)",
        "plan.yaml:11:18: event `Order Done` is replaced by itself",
        "plan.yaml:15:18: event `Order Made` is replaced by `Order Done`, which is removed",
    ]


def test_replaced_by_may_name_an_event_of_another_file() -> None:
    a = "events:\n  - {name: Order Completed, description: Paid.}\n"
    b = "events:\n  - {name: Order Placed, description: Old., status: deprecated, replaced_by: Order Completed}\n"
    assert problems(("a.yaml", a), ("b.yaml", b)) == []


def test_enum_without_values() -> None:
    text = """\
    events:
      - name: Account Created
        description: Signed up.
        properties:
          plan:
            type: enum
          tier: {type: enum, values: []}
          seats: {type: integer, values: [1, 1]}
    """
    assert only(text) == [
        "plan.yaml:6:9: property `plan` of event `Account Created` has `type: enum` but no `values`",
        "plan.yaml:7:34: `values` of property `tier` of event `Account Created` must list at least one value",
        "plan.yaml:8:38: `values` of property `seats` of event `Account Created` lists `1` more than once",
    ]


def test_invalid_regexes() -> None:
    text = """\
    conventions:
      pii_patterns: ["email", "(phone"]
    tickets:
      pattern: "[A-Z"
    events:
      - name: Order Completed
        description: Paid.
        properties:
          currency: {type: string, pattern: "^[A-Z]{3"}
          coupon: {type: string, pattern: "*x"}
    """
    assert only(text) == [
        "plan.yaml:2:27: `conventions.pii_patterns[1]` is not a valid regular expression: "
        "missing ), unterminated subpattern at position 0",
        "plan.yaml:4:12: `tickets.pattern` is not a valid regular expression: "
        "unterminated character set at position 0",
        "plan.yaml:10:39: `pattern` of property `coupon` of event `Order Completed` is not a valid regular "
        "expression: nothing to repeat at position 0",
    ]


def test_warnings_do_not_withhold_the_plan() -> None:
    text = """\
    events:
      - name: Account Created
        description: Signed up.
        properties:
          email: string
          phone: {type: string, pii: false}
          mobile: {type: string, pii: true}
      - name: Cart Viewed
        description: Shown.
        replaced_by: Account Created
    """
    plan, found = check_rule_files([("plan.yaml", dedent(text))])
    assert plan is not None
    assert [(str(p), p.severity) for p in found] == [
        (
            "plan.yaml:5:7: property `email` of event `Account Created` looks like personal data "
            "(matches `e[-_]?mail`); set `pii: true`, or `pii: false` if it is not",
            Severity.WARNING,
        ),
        (
            "plan.yaml:8:5: event `Cart Viewed` has `replaced_by` but its status is `active`; mark it `deprecated`",
            Severity.WARNING,
        ),
    ]


def test_problems_in_one_event_do_not_hide_problems_elsewhere_in_it() -> None:
    text = """\
    tickets: {project_keys: [SHOP]}
    events:
      - name: Order Completed
        status: done
        epic: CART-1
        properties:
          plan: {type: enum}
          Plan: string
    """
    assert only(text) == [
        "plan.yaml:3:5: event `Order Completed` is missing `description`",
        "plan.yaml:4:13: `status` of event `Order Completed` must be one of `planned`, `active`, "
        "`deprecated`, `removed`, not `done`",
        "plan.yaml:5:11: epic `CART-1` of event `Order Completed` uses project key `CART`, not one of `SHOP`",
        "plan.yaml:7:13: property `plan` of event `Order Completed` has `type: enum` but no `values`",
    ]


def test_broken_conventions_are_reported_and_not_applied() -> None:
    text = """\
    conventions:
      event_name: {style: titlecase}
    events:
      - {name: whatever_name, description: Not judged by broken rules.}
    """
    assert only(text) == [
        "plan.yaml:2:23: `conventions.event_name.style` must be one of `any`, `title_case`, `sentence_case`, "
        "`snake_case`, `camel_case`, `pascal_case`, `kebab_case`, `dot_separated`, `screaming_snake_case`, "
        "not `titlecase` (did you mean `title_case`?)"
    ]


def test_empty_names() -> None:
    text = """\
    events:
      - name: ""
        description: No name.
      - name: Item Viewed
        description: Empty property name.
        properties:
          "": string
    """
    assert only(text) == [
        "plan.yaml:2:11: `name` of event #1 must not be empty",
        "plan.yaml:7:7: `properties` of event `Item Viewed` has a property with an empty name",
    ]
