"""`productops-lint pr check` on a saved `pull_request` payload reaches the App's conclusions for the same PR."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "github_app"), str(TESTS)]

# The App's fixtures (its key, the stand-in GitHub, settings, runtime, worker, client), reused here.
_spec = importlib.util.spec_from_file_location("github_app_test_conftest", TESTS / "github_app" / "conftest.py")
assert _spec is not None and _spec.loader is not None
_app_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_app_fixtures)
app_key, standin, settings, runtime, worker, client = (  # noqa: F811
    _app_fixtures.app_key, _app_fixtures.standin, _app_fixtures.settings,
    _app_fixtures.runtime, _app_fixtures.worker, _app_fixtures.client,
)

from app_helpers import INSTALLATION  # noqa: E402
from checklist_setup import BINARY_FILE, CHECKLIST_RULES, FLAG_LINE, FLAG_RULES  # noqa: E402
from pr_helpers import PR_CHECKS, concluded, make_pr, pull_payload, send  # noqa: E402
from tracker_setup import epic_with_story  # noqa: E402

from productops_lint.cli import main  # noqa: E402
from productops_lint.pr.types import CHECKLIST_CHECK  # noqa: E402


def run_action(standin, payload: dict, tmp_path: Path, repo_path: Path) -> tuple[int, list[dict]]:  # type: ignore[no-untyped-def]
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload))
    token, _ = standin.issue_token(INSTALLATION, 3600)
    result = CliRunner().invoke(
        main, ["pr", "check", "--event-path", str(event), "--repo-path", str(repo_path), "--format", "json"],
        env={"GITHUB_TOKEN": token, "GITHUB_API_URL": standin.url, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("body", ["Closes #5", "Closes #9"])
def test_action_on_a_saved_payload_concludes_as_the_app(
    client, worker, runtime, standin, tmp_path: Path, body: str  # type: ignore[no-untyped-def]
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body=body, base_files=CHECKLIST_RULES)
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "app")
    app = {name: run["conclusion"] for name, run in concluded(standin, shop.head).items()}

    # What GitHub saves at $GITHUB_EVENT_PATH for the same pull request, now that the App has run.
    code, results = run_action(standin, pull_payload(shop, "synchronize"), tmp_path, shop.path)
    assert {r["name"]: r["conclusion"] for r in results} == app
    assert set(app) == set(PR_CHECKS)
    assert code == (1 if {"failure", "action_required"} & set(app.values()) else 0)
    assert "productops/epic-link" in (tmp_path / "summary.md").read_text()


def test_action_without_local_commits_reads_trees_through_the_api(
    client, worker, runtime, standin, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #5")
    send(client, runtime, "pull_request", pull_payload(shop, "opened"), "app")
    app = {name: run["conclusion"] for name, run in concluded(standin, shop.head).items()}
    empty = tmp_path / "no-checkout"
    empty.mkdir()
    _, results = run_action(standin, pull_payload(shop, "synchronize"), tmp_path, empty)
    assert {r["name"]: r["conclusion"] for r in results} == app
    assert any("/git/trees/" in c.path for c in standin.calls)


def test_action_reads_the_diff_for_the_feature_flag_as_the_app_does_before_and_after_a_push(
    client, worker, runtime, standin, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    shop = make_pr(tmp_path, standin, base_files=FLAG_RULES)
    shop.push({"assets/logo.png": BINARY_FILE}, "a logo")
    for step, files in enumerate([None, {"shop/cart.py": (shop.path / "shop/cart.py").read_text() + FLAG_LINE}]):
        if files is not None:
            shop.push(files, "put the cart behind a flag")
        send(client, runtime, "pull_request", pull_payload(shop, "opened" if step == 0 else "synchronize"), f"app-{step}")
        app = concluded(standin, shop.head)[CHECKLIST_CHECK]
        code, results = run_action(standin, pull_payload(shop, "synchronize"), tmp_path, shop.path)
        action = next(r for r in results if r["name"] == CHECKLIST_CHECK)
        flag = next(i for i in action["items"] if i["id"] == "flag")
        assert action["conclusion"] == app["conclusion"] == ("action_required" if step == 0 else "success")
        assert flag["reason"] in (app["updates"][-1]["output"].get("text") or ""), "the same reason in both front ends"
        if step == 0:
            assert flag["status"] == "failed" and "`assets/logo.png`" in flag["reason"] and code == 1
        else:
            assert flag["status"] == "passed" and "added in `shop/cart.py`" in flag["reason"]


def test_a_payload_that_is_not_a_pull_request_event_is_a_usage_error(tmp_path: Path) -> None:
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/main"}))
    result = CliRunner().invoke(main, ["pr", "check", "--event-path", str(event)])
    assert result.exit_code == 2 and "not a `pull_request` event" in result.output
