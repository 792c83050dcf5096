"""`productops-app preview` shows, without GitHub, exactly what the App posts for the same commits."""

from __future__ import annotations

import json
from pathlib import Path

from app_helpers import REPO, deliver, pull_request_payload, wait_for
from click.testing import CliRunner
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import BOT, GitHubStandIn

from github_app.cli import main
from github_app.localgit import LocalRepo
from github_app.preview import build_preview, preview_data, preview_text
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER, without_sections


def test_preview_equals_what_the_app_posted(client, worker: Worker, standin: GitHubStandIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    deliver(client, "pull_request", pull_request_payload("opened", NUMBER, shop.head, shop.base))
    repo = standin.repos[REPO]
    run = wait_for(lambda: [r for r in repo.check_runs.values() if r["status"] == "completed"
                            and r["name"] == "productops/tracking-plan"], what="run")[0]
    wait_for(lambda: any("## productops-lint: tracking plan" in c["body"] for c in repo.issue_comments), what="sticky comment")

    preview = build_preview(shop.path, "main..feature")
    assert preview.output.conclusion == run["conclusion"]
    assert preview.output.title == run["output"]["title"]
    assert preview.output.summary == run["output"]["summary"]
    assert preview.output.annotations == run["annotations"]
    posted = [{k: c[k] for k in ("path", "line", "body")} for c in repo.review_comments if c["user"]["login"] == BOT]
    assert [{k: s.to_api()[k] for k in ("path", "line", "body")} for s in preview.suggestions] == posted
    # The PR checks' sections (epic, checklist) are not part of the preview.
    sticky = without_sections(next(c["body"] for c in repo.issue_comments if SUMMARY_MARKER in c["body"]))
    assert preview.sticky == sticky.replace(run["html_url"], "(link to the check run)")


def test_preview_command_prints_text_and_json(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    runner = CliRunner()
    args = ["preview", "main..feature", "--repo", str(shop.path)]
    text = runner.invoke(main, args)
    assert text.exit_code == 1, text.output  # the PR has errors, as the failing check run says
    expected = build_preview(shop.path, "main..feature")
    assert text.stdout == preview_text(expected)
    data = runner.invoke(main, [*args, "--format", "json"])
    assert json.loads(data.stdout) == json.loads(json.dumps(preview_data(expected)))
    bad = runner.invoke(main, ["preview", "nonsense", "--repo", str(shop.path)])
    assert bad.exit_code == 1 and bad.exception is not None and isinstance(bad.exception, SystemExit)
    assert "nonsense" in bad.stderr
