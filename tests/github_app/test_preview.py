"""`productops-app preview` shows, without GitHub, exactly what the App posts for the same commits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app_helpers import REPO, ROOT, deliver, pull_request_payload, wait_for
from shop_pr import NUMBER, make_shop_pr
from standins.github_fake_repos import BOT, GitHubStandIn

from github_app.localgit import LocalRepo
from github_app.preview import build_preview, preview_data, preview_text
from github_app.queue import Worker
from github_app.render import SUMMARY_MARKER


def test_preview_equals_what_the_app_posted(client, worker: Worker, standin: GitHubStandIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    deliver(client, "pull_request", pull_request_payload("opened", NUMBER, shop.head, shop.base))
    repo = standin.repos[REPO]
    run = wait_for(lambda: [r for r in repo.check_runs.values() if r["status"] == "completed"], what="run")[0]
    wait_for(lambda: repo.issue_comments, what="sticky comment")

    preview = build_preview(shop.path, "main..feature")
    assert preview.output.conclusion == run["conclusion"]
    assert preview.output.title == run["output"]["title"]
    assert preview.output.summary == run["output"]["summary"]
    assert preview.output.annotations == run["annotations"]
    posted = [{k: c[k] for k in ("path", "line", "body")} for c in repo.review_comments if c["user"]["login"] == BOT]
    assert [{k: s.to_api()[k] for k in ("path", "line", "body")} for s in preview.suggestions] == posted
    sticky = next(c["body"] for c in repo.issue_comments if SUMMARY_MARKER in c["body"])
    assert preview.sticky == sticky.replace(run["html_url"], "(link to the check run)")


def test_preview_command_prints_text_and_json(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    command = [sys.executable, "-m", "github_app", "preview", "main..feature", "--repo", str(shop.path)]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    text = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert text.returncode == 1, text.stderr  # the PR has errors, like the failing check run
    expected = build_preview(shop.path, "main..feature")
    assert text.stdout == preview_text(expected)
    data = subprocess.run([*command, "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert json.loads(data.stdout) == json.loads(json.dumps(preview_data(expected)))
    bad = subprocess.run([*command[:4], "nonsense", "--repo", str(shop.path)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "nonsense" in bad.stderr
