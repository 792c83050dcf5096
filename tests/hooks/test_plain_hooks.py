"""The plain git hooks (hooks/), installed with `productops-lint install-hooks`, in real commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hook_helpers import PLAN, PYTHON, Project

BAD = 'import analytics\n\n\ndef f(uid: str) -> None:\n    analytics.track(uid, "Order Complted", {"order_id": "1"})\n'
BIN = Path(PYTHON).parent


@pytest.fixture
def installed(project: Project) -> Project:
    done = project.run(str(BIN / "productops-lint"), "install-hooks")
    assert done.returncode == 0, done.stdout
    # Off PATH on purpose: the installed hooks must find the console scripts by themselves.
    project.env["PATH"] = "/usr/bin:/bin"
    return project


def _commits(project: Project) -> int:
    return int(project.git("rev-list", "--count", "HEAD"))


def test_staged_file_with_an_unknown_event_is_blocked(installed: Project) -> None:
    installed.write("shop/checkout.py", BAD)
    done = installed.commit("SHOP-2: checkout", "shop/checkout.py")
    assert done.returncode != 0, done.stdout
    assert "shop/checkout.py:5:26: PO101 Event `Order Complted` is not in the tracking plan" in done.stdout
    assert _commits(installed) == 1


def test_clean_commit_passes(installed: Project) -> None:
    installed.write("shop/checkout.py", BAD.replace("Complted", "Completed"))
    done = installed.commit("SHOP-2: checkout", "shop/checkout.py")
    assert done.returncode == 0, done.stdout
    assert _commits(installed) == 2


def test_staged_rule_change_that_breaks_code_elsewhere_is_blocked(installed: Project) -> None:
    installed.write("rules/plan.yaml", PLAN.replace("  - name: Cart Viewed\n    description: The cart page was shown.\n", ""))
    done = installed.commit("SHOP-3: drop Cart Viewed", "rules/plan.yaml")
    assert done.returncode != 0, done.stdout
    assert "shop/cart.py:5:30: PO101 Event `Cart Viewed` is not in the tracking plan" in done.stdout


def test_staged_yaml_that_is_no_rule_file_does_not_recheck(installed: Project) -> None:
    installed.write("rules/plan.yaml", PLAN.replace("  - name: Cart Viewed\n    description: The cart page was shown.\n", ""))
    installed.write("deploy/app.yaml", "replicas: 2\n")
    done = installed.commit("SHOP-4: deploy", "deploy/app.yaml")
    assert done.returncode == 0, done.stdout


def test_file_names_with_spaces_reach_the_hook_whole(installed: Project) -> None:
    installed.write("shop/order flow.py", BAD)
    done = installed.commit("SHOP-5: flow", "shop/order flow.py")
    assert done.returncode != 0
    assert "shop/order flow.py:5:26: PO101" in done.stdout


def test_commit_message_without_key_is_blocked(installed: Project) -> None:
    installed.write("notes.txt", "x\n")
    done = installed.commit("add notes", "notes.txt")
    assert done.returncode != 0
    assert "commit message names no ticket" in done.stdout
    assert installed.commit("SHOP-6: add notes").returncode == 0


def test_git_config_turns_on_adding_the_key_from_the_branch(installed: Project) -> None:
    installed.git("config", "productops.addFromBranch", "true")
    installed.git("checkout", "-q", "-b", "shop-77-notes")
    installed.write("notes.txt", "x\n")
    done = installed.commit("add notes", "notes.txt")
    assert done.returncode == 0, done.stdout
    assert installed.git("log", "-1", "--format=%s") == "SHOP-77: add notes"
