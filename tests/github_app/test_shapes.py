"""The shipped webhook schemas: exactly the routed events, no run-time use of tests/ or ../shared, and their verdicts."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import ROOT, pull_request_payload

from github_app.handlers import default_router
from github_app.shapes import SCHEMA_PACKAGE, shape_problem

sys.path.insert(0, str(ROOT / "scripts"))
from derive_fixtures import APP_ROUTES  # noqa: E402


def test_the_shipped_schemas_cover_exactly_the_events_and_actions_the_app_routes() -> None:
    routed = {(route.event, action) for route in default_router().routes for action in (route.actions or ())}
    assert all(route.actions is not None for route in default_router().routes)
    assert routed == {(event, action) for event, actions in APP_ROUTES for action in actions}
    folder = Path(importlib.util.find_spec(SCHEMA_PACKAGE).origin).parent  # type: ignore[union-attr]
    shipped = json.loads((folder / "schema.json").read_text())["definitions"]
    assert {tuple(name.split("$")) for name in shipped if "$" in name} == {(e, a) for e, a in routed}
    assert (folder / "LICENSE").read_text().startswith("MIT License")


def test_the_app_checks_shapes_without_tests_or_shared_on_disk(tmp_path: Path) -> None:
    # A copy of the package alone, run from elsewhere: nothing may reach back into the checkout.
    import shutil

    shutil.copytree(ROOT / "github_app", tmp_path / "github_app", ignore=shutil.ignore_patterns("__pycache__"))
    code = "from github_app.shapes import shape_problem; print(shape_problem('pull_request', 'opened', {}))"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "must contain" in run.stdout


def _without(payload: dict, *path: str) -> dict:
    out = copy.deepcopy(payload)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


GOOD = pull_request_payload("opened", 3, "a" * 40, "b" * 40)


@pytest.mark.parametrize(
    "payload, reason",
    [
        ({**GOOD, "pull_request": "not an object"}, "pull_request must be object"),
        (_without(GOOD, "pull_request", "head"), "must contain ['head']"),
        (_without(GOOD, "installation"), "must contain ['installation']"),
        (_without(GOOD, "repository"), "must contain ['repository']"),
        ({**GOOD, "number": "3"}, "number must be integer"),
    ],
    ids=["pull_request-a-string", "no-head", "no-installation", "no-repository", "number-a-string"],
)
def test_wrong_shapes_are_named_in_one_line(payload: dict, reason: str) -> None:
    problem = shape_problem("pull_request", "opened", payload)
    assert problem is not None and reason in problem and "\n" not in problem


def test_a_real_payload_with_fields_github_added_later_fits() -> None:
    assert shape_problem("pull_request", "opened", {**GOOD, "brand_new_field": {"x": 1}}) is None
    assert shape_problem("pull_request", "closed", {"action": "closed"}) is None, "not routed: not judged here"


def test_the_shipped_schemas_are_what_the_script_derives(tmp_path: Path) -> None:
    from derive_fixtures import DEFAULT_SOURCE, derive_app_webhook_schema

    source = ROOT.parent / "shared" / "fixtures" if (ROOT.parent / "shared" / "fixtures").is_dir() else DEFAULT_SOURCE
    if not (source / "github-webhook-schemas").is_dir():
        pytest.fail(f"the webhook schemas are not at {source}: the shipped copy cannot be checked")
    derive_app_webhook_schema(source, tmp_path)
    folder = ROOT / "github_app" / "webhook_schema"
    for name in ("schema.json", "LICENSE", "README.md"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
