"""The Router, and the App manifest listing exactly the events routed and the permissions used."""

from __future__ import annotations

import yaml
from app_helpers import ROOT

from github_app.handlers import default_router
from github_app.routing import Router
from github_app.webhook import Event


def event(name: str, action: str | None) -> Event:
    return Event(name, "d", {"action": action} if action else {})


def test_register_routes_by_event_and_action() -> None:
    seen: list[str] = []
    one, two = Router(), Router()

    @one.register("pull_request", action=("opened", "edited"))
    def opened(ctx: object, ev: Event) -> None:
        seen.append(f"pr.{ev.action}")

    @two.register("check_run")
    def any_check_run(ctx: object, ev: Event) -> None:
        seen.append("check_run")

    router = Router(one, two)
    assert router.dispatch(None, event("pull_request", "edited")) == 1  # type: ignore[arg-type]
    assert router.dispatch(None, event("pull_request", "closed")) == 0  # type: ignore[arg-type]
    assert router.dispatch(None, event("check_run", "rerequested")) == 1  # type: ignore[arg-type]
    assert not router.handles(event("issues", "opened"))
    assert seen == ["pr.edited", "check_run"]


def test_the_app_handles_the_documented_triggers() -> None:
    router = default_router()
    handled = {
        ("pull_request", a) for a in ("opened", "synchronize", "reopened", "ready_for_review", "edited")
    } | {("check_suite", "requested"), ("check_suite", "rerequested"), ("check_run", "rerequested")}
    for name, action in handled:
        assert router.handles(event(name, action)), (name, action)
    for name, action in [("pull_request", "closed"), ("check_run", "created"), ("check_suite", "completed")]:
        assert not router.handles(event(name, action))


def test_manifest_asks_for_least_permissions_and_the_routed_events() -> None:
    manifest = yaml.safe_load((ROOT / "app.yml").read_text())
    assert manifest["default_permissions"] == {
        "checks": "write", "contents": "read", "pull_requests": "write", "metadata": "read",
        "issues": "read",  # the epic check reads sub-issue parents (issue 16)
    }
    assert set(manifest["default_events"]) == {route.event for route in default_router().routes}
