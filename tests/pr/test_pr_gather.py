"""gather(): the events a PR adds (plan diff and calls diff), its diff, and org defaults, from any PullSource."""

from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from productops_lint.pr.gather import PullFile, gather
from productops_lint.pr.types import EventChange

PLAN = "events:\n  - {name: Cart Viewed, description: Shown., owner: team-cart, epic: '#1'}\n"
CODE = "import segment.analytics as analytics\n\n\ndef show(user):\n    analytics.track(user, 'Cart Viewed')\n"
PULL: Mapping[str, Any] = {
    "number": 7, "title": "Coupons", "body": "Closes #5", "user": {"login": "ana", "type": "User"},
    "head": {"sha": "head", "ref": "coupons"}, "base": {"sha": "base", "ref": "main"}, "additions": 3, "deletions": 0,
}


class MemorySource:
    """A PullSource over two in-memory trees (the protocol, not HTTP: the stand-in tests cover the wire)."""

    def __init__(self, base: dict[str, str], head: dict[str, str], files: list[PullFile],
                 org: list[tuple[str, str]] | None = None) -> None:
        self.contents: dict[str, bytes] = {}
        self.one_at_a_time: list[str] = []  # SHAs asked of `blob`
        self.together: list[list[str]] = []  # each call of `blobs`
        self.trees = {"base": self._store(base), "head": self._store(head)}
        self._files, self._org = files, org

    def _store(self, files: dict[str, str]) -> dict[str, str]:
        out = {}
        for path, text in files.items():
            out[path] = hashlib.sha1(text.encode()).hexdigest()
            self.contents[out[path]] = text.encode()
        return out

    def tree(self, sha: str) -> Mapping[str, str]:
        return self.trees[sha]

    def blob(self, sha: str) -> bytes:
        self.one_at_a_time.append(sha)
        return self.contents[sha]

    def blobs(self, shas: Sequence[str]) -> Mapping[str, bytes]:
        self.together.append(list(shas))
        return {sha: self.contents[sha] for sha in shas}

    def commits(self) -> list[tuple[str, str]]:
        return [("1a2b3c4d" * 5, "Add coupons")]

    def files(self) -> list[PullFile]:
        return self._files

    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        return self._org


def test_events_added_to_the_plan_and_newly_tracked_in_code_are_the_prs_events() -> None:
    head_plan = PLAN + "  - {name: Coupon Applied, description: Applied., epic: '#40'}\n"
    head_code = CODE + "    analytics.track(user, 'Gift Sent')\n"
    changed = [PullFile("rules/plan.yaml", "modified", "@@ -1 +1,2 @@"), PullFile("app.py", "modified", "@@ -5 +5,2 @@")]
    source = MemorySource({"rules/plan.yaml": PLAN, "app.py": CODE}, {"rules/plan.yaml": head_plan, "app.py": head_code}, changed)

    events = gather("acme/shop", PULL, source).facts.events

    assert events == (
        EventChange("Coupon Applied", "plan-added", epic="#40", description="Applied.", status="active"),
        EventChange("Gift Sent", "tracked", registered=False),
    ), "`Cart Viewed` was sent and planned on the base already"


def test_the_python_files_an_analysis_reads_are_asked_for_together_once() -> None:
    modules = {f"pkg/view_{i}.py": f"def view_{i}():\n    return {i}\n" for i in range(20)}
    head_code = CODE + "    analytics.track(user, 'Gift Sent')\n"
    changed = [PullFile("app.py", "modified", "@@ -5 +5,2 @@")]
    source = MemorySource({"rules/plan.yaml": PLAN, "app.py": CODE, **modules},
                          {"rules/plan.yaml": PLAN, "app.py": head_code, **modules}, changed)

    gather("acme/shop", PULL, source)

    python = {sha for tree in source.trees.values() for path, sha in tree.items() if path.endswith(".py")}
    # The head's 21 files in one call, then the one base file that differs; none twice, none alone.
    assert [len(shas) for shas in source.together] == [21, 1]
    assert {sha for shas in source.together for sha in shas} == python
    assert not python & set(source.one_at_a_time)


def test_the_diff_is_each_files_patch_after_its_path_and_files_without_one_are_listed() -> None:
    files = [PullFile("app.py", "modified", "@@ -5 +5,2 @@\n+    flags.enabled('coupons')"), PullFile("logo.png", "added", None)]
    tree = {"rules/plan.yaml": PLAN, "app.py": CODE}

    facts = gather("acme/shop", PULL, MemorySource(tree, tree, files)).facts

    assert facts.diff_text == "+++ b/app.py\n@@ -5 +5,2 @@\n+    flags.enabled('coupons')\n"
    assert facts.diff_unread == ("logo.png",) and facts.changed_paths == ("app.py", "logo.png")


def test_the_owners_checklists_are_inherited_and_the_origin_is_named() -> None:
    org = [("productops/launch.yml", "checklists:\n  - id: launch\n    items:\n      - {id: qa, title: QA}\n")]
    tree = {"rules/plan.yaml": PLAN}

    config = gather("acme/shop", PULL, MemorySource(tree, tree, [], org)).config

    assert config.error is None and config.plan is not None and [c.id for c in config.plan.checklists] == ["launch"]
    assert config.origins["checklists"] == "`launch` from acme/.github (acme/.github/productops/launch.yml:2:9)"
