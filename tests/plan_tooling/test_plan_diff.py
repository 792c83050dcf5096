"""Plan diff: added, removed, renamed, property and status changes, and which ones break code."""

from __future__ import annotations

import json

from plan_tooling_helpers import call, plan_of

from productops_lint.registry.diff import diff_plans
from productops_lint.registry.diff_render import (
    BREAKING_MARK,
    render_diff_json,
    render_diff_markdown,
    render_diff_text,
)

BASE = """
events:
  - name: Order Completed
    description: A customer paid for an order.
    owner: checkout
    properties:
      order_id: {type: string, required: true}
      revenue: {type: number}
      item_count: {type: integer}
      currency: {type: string}
      payment: {type: enum, values: [card, paypal, invoice]}
      email: {type: string}
  - name: Banner Clicked
    description: A promotional banner was clicked.
    properties:
      banner_id: {type: string}
"""


def _diff(old: str, new: str, calls=None):
    return diff_plans(plan_of(old), plan_of(new), calls)


def _only(diff, **attrs):
    found = [c for c in diff.changes if all(getattr(c, k) == v for k, v in attrs.items())]
    assert len(found) == 1, (attrs, diff.changes)
    return found[0]


def test_identical_plans_have_no_changes():
    diff = _diff(BASE, BASE)
    assert diff.is_empty
    assert render_diff_text(diff) == "No changes to the tracking plan.\n"


def test_added_event_is_not_breaking():
    new = BASE + "  - name: Cart Viewed\n    description: Looked at the cart.\n"
    diff = _diff(BASE, new)
    assert diff.added == ("Cart Viewed",)
    assert not _only(diff, kind="event_added").breaking


def test_removed_event_breaks_only_when_code_still_tracks_it():
    new = BASE.split("  - name: Banner Clicked")[0]
    assert _diff(BASE, new).removed == ("Banner Clicked",)
    assert not _diff(BASE, new).breaking
    assert not _diff(BASE, new, calls=[call("Order Completed")]).breaking
    change = _only(_diff(BASE, new, calls=[call("Banner Clicked", "web/banner.py", 12)]), kind="event_removed")
    assert change.breaking and "web/banner.py:12" in change.why


def test_status_to_removed_while_tracked_is_breaking_and_to_deprecated_is_not():
    removed = BASE.replace("    description: A promotional", "    status: removed\n    description: A promotional")
    deprecated = removed.replace("status: removed", "status: deprecated")
    tracked = [call("Banner Clicked", "web/banner.py", 3)]
    change = _only(_diff(BASE, removed, tracked), kind="status_changed")
    assert change.breaking and (change.before, change.after) == ("active", "removed")
    assert not _only(_diff(BASE, deprecated, tracked), kind="status_changed").breaking


def test_rename_found_through_replaced_by():
    old = BASE.replace("    description: A promotional", "    replaced_by: Promo Clicked\n    description: A promotional")
    new = BASE.replace("Banner Clicked", "Promo Clicked").replace("promotional banner", "promo tile")
    new = new.replace("banner_id", "promo_id")
    diff = _diff(old, new)
    assert [(r.old, r.new, r.reason) for r in diff.renamed] == [("Banner Clicked", "Promo Clicked", "replaced_by")]
    assert diff.added == () and diff.removed == ()


def test_rename_found_through_identical_properties_and_close_description():
    new = BASE.replace("Banner Clicked", "Promo Banner Clicked").replace("was clicked", "got clicked")
    diff = _diff(BASE, new)
    assert [(r.old, r.new, r.reason) for r in diff.renamed] == [("Banner Clicked", "Promo Banner Clicked", "similar")]
    assert _only(diff, kind="event_renamed").message == "Event `Banner Clicked` renamed to `Promo Banner Clicked`"


def test_unrelated_removed_and_added_events_are_not_a_rename():
    new = BASE.split("  - name: Banner Clicked")[0] + (
        "  - name: Search Run\n    description: Someone searched the catalog.\n"
        "    properties:\n      query: {type: string, required: true}\n"
    )
    diff = _diff(BASE, new)
    assert diff.renamed == ()
    assert (diff.added, diff.removed) == (("Search Run",), ("Banner Clicked",))


def test_rename_breaks_when_the_old_name_is_still_tracked():
    new = BASE.replace("Banner Clicked", "Promo Banner Clicked")
    change = _only(_diff(BASE, new, [call("Banner Clicked", "web/a.py", 1)]), kind="event_renamed")
    assert change.breaking and change.why == "`Banner Clicked` still tracked at web/a.py:1"


def test_property_changes_and_their_breaking_flags():
    new = (
        BASE.replace("revenue: {type: number}", "revenue: {type: number, required: true}")
        .replace("item_count: {type: integer}", "item_count: {type: number}")
        .replace("currency: {type: string}", "currency: {type: integer}")
        .replace("values: [card, paypal, invoice]", "values: [card, invoice, apple_pay]")
        .replace("email: {type: string}", "email: {type: string, pii: true}")
        .replace("order_id: {type: string, required: true}", "order_id: {type: string}")
    )
    diff = _diff(BASE, new)
    got = {(c.property, c.field, c.breaking) for c in diff.changes}
    assert got == {
        ("revenue", "required", True),
        ("item_count", "type", False),  # integer -> number widens
        ("currency", "type", True),
        ("payment", "values", True),  # paypal removed
        ("payment", "values", False),  # apple_pay added
        ("email", "pii", False),
        ("order_id", "required", False),
    }
    dropped = [c for c in diff.breaking if c.field == "values"][0]
    assert dropped.message == "Values `paypal` removed from `Order Completed.payment`"


def test_restricting_an_open_property_to_values_is_breaking():
    new = BASE.replace("currency: {type: string}", "currency: {type: string, values: [EUR, USD]}")
    assert _only(_diff(BASE, new), property="currency").breaking


def test_added_and_removed_properties():
    new = BASE.replace("      email: {type: string}\n", "      coupon: {type: string}\n      tax: {type: number, required: true}\n")
    diff = _diff(BASE, new)
    assert _only(diff, kind="property_removed").breaking
    assert not _only(diff, kind="property_added", property="coupon").breaking
    assert _only(diff, kind="property_added", property="tax").breaking


def test_event_field_changes_are_reported_but_not_breaking():
    new = BASE.replace("owner: checkout", "owner: payments")
    change = _only(_diff(BASE, new), kind="event_changed")
    assert change.message == "Owner of `Order Completed` changed from `checkout` to `payments`"
    assert not change.breaking


def test_text_lists_breaking_changes_first():
    new = BASE.replace("      email: {type: string}\n", "").replace("Banner Clicked", "X").replace("banner", "y")
    text = render_diff_text(_diff(BASE, new))
    assert text.index("Breaking changes (1):") < text.index("Other changes")
    assert "! Property `email` removed from `Order Completed` (calls that send it become invalid)" in text
    assert "Call sites were not checked" in text


def _many_changes() -> tuple[str, str]:
    old = "events:\n" + "".join(
        f"  - name: Event {i}\n    description: Number {i} of many.\n"
        f"    properties:\n      p{i}: {{type: string}}\n"
        for i in range(40)
    )
    new = old.replace("{type: string}", "{type: integer}")
    new += "".join(f"  - name: New {i}\n    description: Fresh event number {i}.\n" for i in range(10))
    return old, new


def test_markdown_puts_breaking_first_and_stays_within_the_limit():
    old, new = _many_changes()
    md = render_diff_markdown(_diff(old, new), limit=5)
    items = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(items) == 5
    assert all(BREAKING_MARK in line for line in items)
    assert md.index("Breaking") < md.index("and 45 more changes")
    assert "#### Events" not in md


def test_markdown_shows_every_section_when_under_the_limit():
    new = BASE.replace("      email: {type: string}\n", "").replace("owner: checkout", "owner: payments")
    new += "  - name: Cart Viewed\n    description: Looked at the cart.\n"
    md = render_diff_markdown(_diff(BASE, new, calls=[]), limit=50)
    headings = [line for line in md.splitlines() if line.startswith("#### ")]
    assert headings == [f"#### {BREAKING_MARK} Breaking", "#### Events", "#### Details"]
    assert "more change" not in md and "Call sites were not checked" not in md
    assert md.splitlines()[2].startswith(f"**{BREAKING_MARK} 1 breaking**")


def test_json_carries_every_change():
    old, new = _many_changes()
    data = json.loads(render_diff_json(_diff(old, new)))
    assert data["breaking"] == 40 and len(data["added"]) == 10
    assert len(data["changes"]) == 50
    first = data["changes"][0]
    assert set(first) == {"kind", "event", "property", "field", "message", "breaking", "why", "before", "after"}


def test_reordered_values_are_no_change_but_a_boolean_for_a_number_is():
    old = "events:\n  - name: A\n    description: d\n    properties:\n      n: {type: integer, values: [1, 2]}\n"
    assert _diff(old, old.replace("[1, 2]", "[2, 1]")).is_empty
    swapped = _diff(old, old.replace("[1, 2]", "[true, 2]"))
    assert [c.message for c in swapped.changes] == [
        "Values `1` removed from `A.n`",
        "Values `True` added to `A.n`",
    ]


def test_pattern_added_is_breaking_and_pattern_dropped_is_not():
    old = "events:\n  - name: A\n    description: d\n    properties:\n      code: {type: string}\n"
    new = old.replace("{type: string}", "{type: string, pattern: '^[A-Z]+$'}")
    assert _only(_diff(old, new), field="pattern").breaking
    assert not _only(_diff(new, old), field="pattern").breaking
