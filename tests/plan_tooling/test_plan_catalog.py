"""Markdown catalog: grouping per area then owner, event facts, property tables, call sites."""

from __future__ import annotations

import re

from plan_tooling_helpers import call, plan_of

from productops_lint.registry.catalog import render_catalog

PLAN = """
events:
  - name: Order Completed
    description: A customer paid for an order.
    owner: checkout
    area: Shop
    epic: SHOP-12
    must_track: true
    properties:
      order_id: {type: string, required: true, description: "ID | from the order table"}
      payment: {type: enum, values: [card, paypal]}
      email: {type: string, pii: true, pattern: "^.+@.+$"}
  - name: Account Created
    description: A visitor created an account.
    owner: growth
    area: Accounts
  - name: Cart Viewed
    description: Looked at the cart.
    owner: checkout
    area: Shop
    status: planned
  - name: Signed Up
    description: Old name of Account Created.
    status: deprecated
    replaced_by: Account Created
    sunset: "2025-12-31"
  - name: Coupon Applied
    description: A coupon was applied.
    area: Shop
"""


def _headings(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("#")]


def _section(md: str, event: str) -> str:
    start = md.index(f"#### {event}\n")
    end = md.find("\n####", start + 1)
    end = md.find("\n## ", start + 1) if end == -1 else end
    return md[start:] if end == -1 else md[start:end]


def test_events_are_grouped_per_area_then_owner_with_catch_alls_last():
    md = render_catalog(plan_of(PLAN), [])
    assert _headings(md) == [
        "# Tracking plan",
        "## Accounts",
        "### growth",
        "#### Account Created",
        "## Shop",
        "### checkout",
        "#### Cart Viewed",
        "#### Order Completed",
        "### No owner",
        "#### Coupon Applied",
        "## Other",
        "### No owner",
        "#### Signed Up",
    ]
    assert "5 events in 3 areas." in md


def test_event_section_shows_description_status_epic_and_property_table():
    section = _section(render_catalog(plan_of(PLAN), []), "Order Completed")
    assert "A customer paid for an order." in section
    assert "**Status:** active · **Epic:** SHOP-12 · **Must track**" in section
    assert "| Property | Type | Required | PII | Description |" in section
    assert "| `order_id` | string | yes |  | ID \\| from the order table |" in section
    assert "| `payment` | enum (`card`, `paypal`) |  |  |  |" in section
    assert "| `email` | string matching `^.+@.+$` |  | yes |  |" in section


def test_lifecycle_facts_of_retired_events():
    section = _section(render_catalog(plan_of(PLAN), []), "Signed Up")
    assert "**Status:** deprecated · **Replaced by:** `Account Created` · **Sunset:** 2025-12-31" in section
    assert "_No properties._" in section


def test_call_sites_are_listed_under_the_event_they_resolve_to():
    calls = [
        call("Order Completed", "shop/pay.py", 40),
        call("Order Completed", "shop/api.py", 7),
        call("Order Completed", "shop/dyn.py", 3, kind="dynamic"),
        call("Rogue Event", "x.py", 1),
    ]
    md = render_catalog(plan_of(PLAN), calls)
    assert "Tracked at:\n- `shop/api.py:7`\n- `shop/pay.py:40`" in _section(md, "Order Completed")
    assert "_Not tracked in code._" in _section(md, "Cart Viewed")
    assert "Rogue Event" not in md and "dyn.py" not in md


def test_without_calls_the_catalog_says_nothing_about_call_sites():
    md = render_catalog(plan_of(PLAN), None)
    assert "Tracked at" not in md and "Not tracked" not in md


def test_every_table_row_has_five_cells_even_with_pipes_and_newlines():
    plan = plan_of(
        'events:\n  - name: A\n    description: d\n    properties:\n'
        '      p: {type: string, description: "one | two\\nthree"}\n'
    )
    rows = [line for line in render_catalog(plan, None).splitlines() if line.startswith("| `p`")]
    assert len(rows) == 1
    assert len(re.split(r"(?<!\\)\|", rows[0])) == 7  # five cells between six unescaped pipes


def test_empty_plan():
    assert "_The plan declares no events._" in render_catalog(plan_of("events: []\n"), [])
