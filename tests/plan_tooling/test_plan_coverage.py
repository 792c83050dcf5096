"""Coverage: dead, rogue, must-track and dynamic calls, the percentage, groups, renderers, --fail-under."""

from __future__ import annotations

import json

from plan_tooling_helpers import call, make_plan

from productops_lint.registry.coverage import (
    compute_coverage,
    coverage_passes,
    render_coverage_json,
    render_coverage_text,
)

CHECKOUT = """
owner: checkout
events:
  - name: Order Completed
    description: Paid.
  - name: Checkout Started
    description: Opened the checkout.
  - name: Cart Viewed
    description: Looked at the cart.
    status: planned
  - name: Coupon Applied
    description: Old.
    status: deprecated
"""
GROWTH = """
events:
  - name: Account Created
    description: Signed up.
    owner: growth
    must_track: true
  - name: Banner Clicked
    description: Gone.
    owner: growth
    status: removed
  - name: Page Viewed
    description: Any page.
"""


def _plan():
    return make_plan(("rules/checkout.yaml", CHECKOUT), ("rules/growth.yaml", GROWTH))


CALLS = [
    call("Order Completed", "shop/pay.py", 10),
    call("Order Completed", "shop/api.py", 3),
    call("Order Completed", "shop/api.py", 3),  # the same site found twice counts once
    call("Coupon Applied", "shop/coupon.py", 8, kind="constant"),
    call("Page Viewd", "web/pages.py", 5),
    call("Page Viewd", "web/home.py", 7),
    call(None, "web/dyn.py", 2, kind="dynamic", expr='f"{x} Viewed"'),
    call(None, "web/dyn.py", 9, kind="unresolved", expr="name"),
    # A guessed name of a dynamic call does not make its event tracked.
    call("Page Viewed", "web/dyn.py", 12, kind="dynamic"),
]


def test_percentage_counts_only_active_events_tracked_by_resolved_calls():
    report = compute_coverage(_plan(), CALLS)
    # Active: Order Completed, Checkout Started, Account Created, Page Viewed; tracked: 1.
    assert (report.active, report.tracked, report.percent) == (4, 1, 25.0)


def test_dead_events_are_planned_or_active_and_never_tracked():
    report = compute_coverage(_plan(), CALLS)
    assert report.dead == ("Account Created", "Cart Viewed", "Checkout Started", "Page Viewed")


def test_rogue_events_list_each_call_site_once():
    report = compute_coverage(_plan(), CALLS)
    assert [(r.name, r.sites) for r in report.rogue] == [
        ("Page Viewd", ("web/home.py:7", "web/pages.py:5"))
    ]


def test_must_track_events_without_call_site_are_listed():
    assert compute_coverage(_plan(), CALLS).must_track_missing == ("Account Created",)
    tracked = CALLS + [call("Account Created", "auth/signup.py", 4)]
    assert compute_coverage(_plan(), tracked).must_track_missing == ()


def test_dynamic_and_unresolved_calls_are_counted_with_their_sites():
    report = compute_coverage(_plan(), CALLS)
    assert report.dynamic_calls == 3
    assert report.dynamic_sites == ("web/dyn.py:2", "web/dyn.py:9", "web/dyn.py:12")


def test_deprecated_events_still_tracked_are_not_rogue_but_reported():
    report = compute_coverage(_plan(), CALLS)
    assert "Coupon Applied" not in {r.name for r in report.rogue}
    assert [(r.name, r.sites) for r in report.retired_tracked] == [
        ("Coupon Applied", ("shop/coupon.py:8",))
    ]


def test_groups_by_owner_use_file_defaults_and_a_no_owner_bucket():
    groups = {g.key: g for g in compute_coverage(_plan(), CALLS).by_owner}
    assert set(groups) == {"checkout", "growth", "(no owner)"}
    assert (groups["checkout"].active, groups["checkout"].tracked) == (2, 1)
    assert groups["checkout"].dead == ("Cart Viewed", "Checkout Started")
    assert (groups["growth"].active, groups["growth"].tracked, groups["growth"].percent) == (1, 0, 0.0)


def test_groups_by_plan_file():
    groups = {g.key: g for g in compute_coverage(_plan(), CALLS).by_file}
    assert set(groups) == {"rules/checkout.yaml", "rules/growth.yaml"}
    assert groups["rules/checkout.yaml"].percent == 50.0
    assert groups["rules/growth.yaml"].dead == ("Account Created", "Page Viewed")


def test_fail_under_compares_exactly():
    plan = make_plan(
        (
            "p.yaml",
            "events:\n"
            + "".join(f"  - name: E{i}\n    description: d\n" for i in range(3)),
        )
    )
    report = compute_coverage(plan, [call("E0"), call("E1")])
    assert coverage_passes(report, 66.66)
    assert not coverage_passes(report, 66.67)
    assert coverage_passes(report, 0)
    assert not coverage_passes(report, 100)


def test_plan_without_active_events_is_fully_covered():
    plan = make_plan(("p.yaml", "events:\n  - name: A\n    description: d\n    status: planned\n"))
    report = compute_coverage(plan, [])
    assert report.percent == 100.0 and coverage_passes(report, 100)
    assert report.dead == ("A",)


def test_text_report_names_every_finding():
    text = render_coverage_text(compute_coverage(_plan(), CALLS))
    assert text.startswith("Coverage: 25.0% (1 of 4 active events tracked)")
    for needle in (
        "Must-track events with no call site (1):\n  Account Created",
        "Page Viewd  web/home.py:7, web/pages.py:5",
        "Coupon Applied  shop/coupon.py:8",
        "web/dyn.py:2",
        "rules/growth.yaml",
    ):
        assert needle in text


def test_json_report_round_trips_the_numbers():
    data = json.loads(render_coverage_json(compute_coverage(_plan(), CALLS)))
    assert data["percent"] == 25.0
    assert data["rogue"] == [{"name": "Page Viewd", "sites": ["web/home.py:7", "web/pages.py:5"]}]
    assert data["must_track_missing"] == ["Account Created"]
    assert data["dynamic_calls"] == 3
    assert [g["key"] for g in data["by_file"]] == ["rules/checkout.yaml", "rules/growth.yaml"]
