"""What a malicious pull request can try, end to end through the stand-in GitHub (the claims of SECURITY.md):
symlinks out of the repository, rule files that loosen the gate, Markdown and markers smuggled into the
bot's comments."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from app_helpers import REPO, deliver, git, pull_request_payload, wait_for
from shop_pr import CART, NUMBER, ShopPR, make_shop_pr
from standins.github_fake_repos import BOT, GitHubStandIn

from github_app.context import Runtime
from github_app.localgit import LocalRepo
from github_app.queue import Worker
from github_app.render import MARKER_PREFIX, SUMMARY_MARKER

CHECK = "productops/tracking-plan"


def run_pr(client, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR, delivery: str) -> dict:  # type: ignore[no-untyped-def]
    standin.add_repo(REPO, LocalRepo(shop.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), delivery)
    wait_for(lambda: runtime.store.delivery_state(delivery) in ("succeeded", "failed"), what="the job")
    assert runtime.store.delivery_state(delivery) == "succeeded"
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == CHECK]
    assert len(runs) == 1 and runs[0]["status"] == "completed"
    return runs[0]


def everything_posted(standin: GitHubStandIn, run: dict) -> str:
    repo = standin.repos[REPO]
    parts = [str(run["output"]), str(run["annotations"])]
    parts += [c["body"] for c in repo.review_comments] + [c["body"] for c in repo.issue_comments]
    parts += [str(r.get("body")) for r in repo.reviews]
    return "\n".join(parts)


_FENCED = re.compile(r"^(`{3,})[^\n]*\n.*?^\1$", re.M | re.S)
_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def prose(body: str) -> str:
    """What GitHub renders as Markdown: the body without its code blocks and code spans (shown literally)."""
    return _SPAN.sub("", _FENCED.sub("", body))


def assert_inert(body: str) -> None:
    text = prose(body)
    # Only the App's own markers open an HTML comment; no tag, no live mention.
    assert all(m.startswith(MARKER_PREFIX) for m in re.findall(r"<!--.*?-->", text, re.S)), body
    assert text.count("<!--") == text.count(MARKER_PREFIX), body
    assert "<img" not in text and "</details>" not in text, body
    assert not re.search(r"(?<![\w\u2060])@octocat", text), "no one is notified from the bot's comment"


def test_symlinks_in_the_pull_request_are_never_followed_or_read(
    tmp_path: Path, client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, app_key: tuple[str, str],  # type: ignore[no-untyped-def]
) -> None:
    shop = make_shop_pr(tmp_path)
    key_file = tmp_path / "app.pem"
    key_file.write_text(app_key[0])
    links = {"shop/passwd.py": "/etc/passwd", "shop/key.py": str(key_file), "shop/up.py": "../../../../etc/hosts",
             "rules/stolen.yaml": str(key_file), "pyproject.toml.d.py": "pyproject.toml"}
    for name, target in links.items():
        os.symlink(target, shop.path / name)
    git(shop.path, "add", "-A")
    git(shop.path, "commit", "-q", "-m", "links")
    shop.head = git(shop.path, "rev-parse", "HEAD").strip()
    link_blobs = {sha for path, (mode, sha) in LocalRepo(shop.path).entries(shop.head).items() if mode == "120000"}
    assert len(link_blobs) == len(set(links.values()))

    run = run_pr(client, runtime, standin, shop, "symlinks")
    fetched = {c.path.rsplit("/", 1)[1] for c in standin.calls if "/git/blobs/" in c.path}
    assert not fetched & link_blobs, "a symlink's blob (its target's path) is not even read"
    assert run["conclusion"] == "failure" and sorted(a["title"] for a in run["annotations"]) == ["PO101", "PO202", "PO203", "PO301"]
    posted = everything_posted(standin, run)
    assert not any(name in posted for name in links), "no finding on a symlink"
    assert "root:" not in posted and app_key[0].splitlines()[2] not in posted


def test_rule_files_changed_in_the_pull_request_do_not_loosen_the_gate(
    tmp_path: Path, client, worker: Worker, runtime: Runtime, standin: GitHubStandIn,  # type: ignore[no-untyped-def]
) -> None:
    shop = make_shop_pr(tmp_path)
    rules = (shop.path / "rules" / "checkout.yaml").read_text()
    pyproject = (shop.path / "pyproject.toml").read_text()
    shop.push({
        # Declare the misspelt event, and switch every check off in the config.
        "rules/checkout.yaml": rules.replace("  - name: Product Removed\n", "  - name: Prodcut Removed\n", 1),
        "pyproject.toml": pyproject + 'ignore = ["PO"]\n',
    }, "loosen the gate")
    run = run_pr(client, runtime, standin, shop, "loosen")
    assert run["conclusion"] == "failure", "the base branch's config and rules decide the gate"
    assert "PO101" in {a["title"] for a in run["annotations"]}
    sticky = next(c["body"] for c in standin.repos[REPO].issue_comments if SUMMARY_MARKER in c["body"])
    assert "Prodcut Removed" in sticky, "the rule change is shown as a plan diff"


HOSTILE = 'x` <!-- productops-lint:summary --> <img src=x> @octocat [a](https://evil.example) `y'


def test_pull_request_text_quoted_by_the_bot_is_inert(
    tmp_path: Path, client, worker: Worker, runtime: Runtime, standin: GitHubStandIn,  # type: ignore[no-untyped-def]
) -> None:
    shop = make_shop_pr(tmp_path)
    cart = shop.cart()
    # An unknown event named with Markdown, a marker and a mention; a fenced line inside a suggestion.
    cart = cart.replace('"Prodcut Removed", {"product_id": sku})',
                        '"Prodcut Removed", {"product_id": sku})  # ``` </details> <!-- productops-lint:finding:0 --> @octocat', 1)
    cart += f'\n\ndef hostile(cart):\n    track_event(cart.user_id, "{HOSTILE}", {{}})\n'
    shop.push({CART: cart}, "hostile names")
    run = run_pr(client, runtime, standin, shop, "inert")
    repo = standin.repos[REPO]
    ours = [c["body"] for c in repo.review_comments if c["user"]["login"] == BOT]
    sticky = [c["body"] for c in repo.issue_comments if SUMMARY_MARKER in c["body"]]
    assert len(sticky) == 1 and ours
    for body in [*ours, *sticky]:
        assert_inert(body)
    assert sticky[0].count(SUMMARY_MARKER) == 1
    suggestion = next(b for b in ours if "```" in b and "suggestion" in b)
    opening = re.search(r"^(`{3,})suggestion$", suggestion, re.M)
    assert opening is not None and len(opening.group(1)) > 3, "the fence is longer than any run of backticks inside"
    assert suggestion.count(opening.group(1) + "\n") == 1 and ("\n" + opening.group(1) + "\n") in suggestion
    assert run["conclusion"] == "failure"


@pytest.mark.parametrize("name", ["shop/`odd` name.py", "shop/<!-- x -->.py"])
def test_crafted_paths_are_quoted_literally(
    tmp_path: Path, name: str, client, worker: Worker, runtime: Runtime, standin: GitHubStandIn,  # type: ignore[no-untyped-def]
) -> None:
    shop = make_shop_pr(tmp_path)
    shop.push({name: 'from shop.analytics import track_event\n\n\ndef f(u):\n    track_event(u, "Nope Event", {})\n'}, "odd path")
    run = run_pr(client, runtime, standin, shop, "paths")
    sticky = next(c["body"] for c in standin.repos[REPO].issue_comments if SUMMARY_MARKER in c["body"])
    assert any(a["path"] == name for a in run["annotations"]), "the file was checked"
    assert_inert(sticky)
