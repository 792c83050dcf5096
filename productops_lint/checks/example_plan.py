"""The one tracking plan every check's documented examples run against (shown in docs/rules.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..registry.model import Plan

EXAMPLE_PLAN_PATH = "example_plan.yaml"

EXAMPLE_PLAN_YAML = """\
conventions:
  event_name:
    style: title_case
    past_tense: true
  property_name:
    style: snake_case

events:
  - name: Order Completed
    description: A customer paid for an order.
    owner: checkout
    properties:
      order_id: {type: string, required: true}
      revenue: {type: number, required: true}
      currency: {type: string, pattern: "^[A-Z]{3}$"}
      item_count: {type: integer}
      is_gift: {type: boolean}
      delivered_at: {type: datetime}
      items: {type: array}
      shipping_address: {type: object, pii: true}

  - name: Checkout Started
    description: A customer opened the checkout from the cart.
    owner: checkout
    properties:
      cart_value: {type: number, required: true}
      payment_method: {type: enum, values: [card, paypal, invoice]}

  - name: Account Created
    description: A visitor created an account.
    owner: growth
    properties:
      plan: {type: enum, values: [free, pro, team], required: true}
      email: {type: string, pii: true}

  - name: Report Exported
    description: A user downloaded a report.
    owner: insights
    properties:
      format: {type: enum, values: [csv, pdf]}

  - name: Signed Up
    description: Old name of Account Created.
    owner: growth
    status: deprecated
    replaced_by: Account Created
    sunset: "2025-12-31"

  - name: Coupon Applied
    description: A coupon was applied at checkout.
    owner: checkout
    status: removed
    replaced_by: Checkout Started

  - name: Banner Clicked
    description: A promotional banner was clicked.
    owner: growth
    status: removed

  - name: iglu:com.acme/form_submitted/jsonschema/1-0-0
    description: A form was submitted (a Snowplow schema, one version).
    owner: growth
    properties:
      form: {type: string}

  - name: com.acme/link_clicked
    description: A link was clicked (a Snowplow schema, every version).
    owner: growth
"""


def example_plan() -> "Plan":
    """The example plan, loaded by the real loader (so examples prove the whole path)."""
    # Imported here: the loader pulls in YAML and JSON Schema, which the checks themselves never need.
    from ..registry.loader import load_plan

    return load_plan([(EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML)])


__all__ = ["EXAMPLE_PLAN_PATH", "EXAMPLE_PLAN_YAML", "example_plan"]
