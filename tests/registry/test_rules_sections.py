"""Rule-file sections beyond events: conventions, tickets and trackers declared once, wrappers, ticket keys."""

from __future__ import annotations

from rules_helpers import only, problems

from productops_lint.registry.loader import load_plan


def test_sections_declared_in_more_than_one_file() -> None:
    a = "conventions: {}\ntickets: {project_keys: [SHOP]}\ntrackers:\n  presets: [segment]\n"
    b = "\nconventions:\n  event_name: {style: title_case}\n"
    c = "tickets:\n  escape_words: [hotfix]\ntrackers:\n  presets: [posthog]\n"
    assert problems(("a.yaml", a), ("b.yaml", b), ("c.yaml", c)) == [
        "b.yaml:2:1: `conventions` is already declared at a.yaml:1:1; keep it in one file",
        "c.yaml:1:1: `tickets` is already declared at a.yaml:2:1; keep it in one file",
        "c.yaml:4:3: `trackers.presets` is already declared at a.yaml:4:3; keep it in one file",
    ]


def test_wrappers_add_up_across_files_but_not_twice() -> None:
    a = "trackers:\n  wrappers:\n    - {name: app.track, event: 0}\n"
    b = "trackers:\n  wrappers:\n    - {name: app.Tracker.track, event: event}\n    - {name: app.track, event: 1}\n"
    assert problems(("a.yaml", a), ("b.yaml", b)) == [
        "b.yaml:4:14: wrapper `app.track` is already declared at a.yaml:3:14"
    ]
    plan = load_plan([("a.yaml", a), ("b.yaml", b.rsplit("    -", 1)[0])])
    assert [w.qualname for w in plan.wrappers] == ["app.track", "app.Tracker.track"]


def test_bad_wrapper_and_preset_declarations() -> None:
    text = """\
    trackers:
      presets: [segment, segmnt]
      wrappers:
        - name: track_event
          event: {position: -1}
        - event: 0
    """
    assert only(text) == [
        "plan.yaml:2:22: `trackers.presets[1]` must be one of `segment`, `rudderstack`, `posthog`, "
        "`mixpanel`, `amplitude`, `snowplow`, `customerio`, `june`, `heap`, `intercom`, `http`, not `segmnt` "
        "(did you mean `segment`?)",
        "plan.yaml:4:13: `trackers.wrappers[0].name` is `track_event`, which does not look like "
        "`shop.analytics.track_event`",
        "plan.yaml:5:25: `trackers.wrappers[0].event.position` must be at least 0",
        "plan.yaml:6:7: `trackers.wrappers[1]` is missing `name`",
    ]


def test_epic_project_key_must_be_declared() -> None:
    text = """\
    tickets: {project_keys: [SHOP, GROW]}
    events:
      - {name: Order Completed, description: Paid., epic: SHOP-1}
      - {name: Cart Viewed, description: Shown., epic: CART-9}
    """
    assert only(text) == [
        "plan.yaml:4:52: epic `CART-9` of event `Cart Viewed` uses project key `CART`, not one of `SHOP`, `GROW`"
    ]
