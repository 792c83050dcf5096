"""The hooks under the real pre-commit, installed from a commit of this checkout, in throwaway repositories."""

from __future__ import annotations

import subprocess

from hook_helpers import CHECKOUT, PLAN, Project

BAD_CHECKOUT = """\
import analytics


def complete(user_id: str) -> None:
    analytics.track(user_id, "Order Complted", {"order_id": "o-1"})
"""
GOOD_CHECKOUT = BAD_CHECKOUT.replace("Order Complted", "Order Completed")
DEPRECATED_PLAN = PLAN.replace(
    "tickets:",
    """  - name: Cart Opened
    description: The old name of Cart Viewed.
    status: deprecated
    replaced_by: Cart Viewed
tickets:""",
)


def _commits(project: Project) -> int:
    return int(project.git("rev-list", "--count", "HEAD"))


def test_commit_with_an_unknown_event_is_blocked_with_readable_output(project: Project) -> None:
    project.use_hooks(["productops-lint"])
    project.write("shop/checkout.py", BAD_CHECKOUT)
    done = project.commit("SHOP-2: complete orders", "shop/checkout.py")
    assert done.returncode != 0, done.stdout
    assert "productops-lint (tracking calls)" in done.stdout and "Failed" in done.stdout
    assert "shop/checkout.py:5:30: PO101 Event `Order Complted` is not in the tracking plan" in done.stdout
    assert "did you mean `Order Completed`?" in done.stdout
    assert _commits(project) == 1

    project.write("shop/checkout.py", GOOD_CHECKOUT)
    done = project.commit("SHOP-2: complete orders", "shop/checkout.py")
    assert done.returncode == 0, done.stdout
    assert "productops-lint (tracking calls)" in done.stdout and "Passed" in done.stdout
    assert _commits(project) == 2


def test_lint_hook_checks_only_the_changed_files(project: Project) -> None:
    # A finding in a file that is not part of the commit does not block it.
    project.write("shop/legacy.py", BAD_CHECKOUT)
    project.git("add", "shop/legacy.py")
    project.git("commit", "-q", "--no-verify", "-m", "SHOP-3: legacy")
    project.use_hooks(["productops-lint"])
    project.write("shop/checkout.py", GOOD_CHECKOUT)
    done = project.commit("SHOP-4: checkout", "shop/checkout.py")
    assert done.returncode == 0, done.stdout


def test_fix_hook_rewrites_the_file_and_exits_1(project: Project) -> None:
    project.write("rules/plan.yaml", DEPRECATED_PLAN)
    project.write("shop/cart.py", project.path.joinpath("shop/cart.py").read_text().replace("Cart Viewed", "Cart Opened"))
    project.git("add", "-A")
    project.git("commit", "-q", "--no-verify", "-m", "SHOP-5: old name")
    project.use_hooks(["productops-fix"])

    done = project.pre_commit("run", "productops-fix", "--files", "shop/cart.py")
    assert done.returncode == 1, done.stdout
    assert "- exit code: 1" in done.stdout
    assert "Rewrote shop/cart.py" in done.stdout
    assert 'analytics.track(user_id, "Cart Viewed")' in project.path.joinpath("shop/cart.py").read_text()

    again = project.pre_commit("run", "productops-fix", "--files", "shop/cart.py")
    assert again.returncode == 0, again.stdout


def test_registry_hook_catches_a_plan_change_that_breaks_code_elsewhere(project: Project) -> None:
    project.use_hooks(["productops-lint", "productops-registry"])
    # Remove `Cart Viewed` from the plan, while shop/cart.py (not in this commit) still sends it.
    project.write("rules/plan.yaml", PLAN.replace("  - name: Cart Viewed\n    description: The cart page was shown.\n", ""))
    done = project.commit("SHOP-6: drop Cart Viewed", "rules/plan.yaml")
    assert done.returncode != 0, done.stdout
    # The lint hook had no Python file to look at; the registry hook found the call site.
    assert "productops-lint (tracking calls)" in done.stdout and "(no files to check)Skipped" in done.stdout
    assert "shop/cart.py:5:30: PO101 Event `Cart Viewed` is not in the tracking plan" in done.stdout
    assert _commits(project) == 1


def test_registry_hook_reports_an_invalid_rule_file_with_its_location(project: Project) -> None:
    project.use_hooks(["productops-registry"])
    project.write("rules/plan.yaml", PLAN.replace("    description: The cart page was shown.\n", "    descripton: typo\n"))
    done = project.commit("SHOP-7: edit plan", "rules/plan.yaml")
    assert done.returncode != 0, done.stdout
    assert "rules/plan.yaml:9:" in done.stdout
    assert _commits(project) == 1


def test_registry_hook_passes_a_plan_change_that_breaks_nothing(project: Project) -> None:
    project.use_hooks(["productops-registry"])
    project.write("rules/plan.yaml", PLAN.replace("tickets:", "  - name: Cart Emptied\n    description: The cart was emptied.\ntickets:"))
    done = project.commit("SHOP-8: add Cart Emptied", "rules/plan.yaml")
    assert done.returncode == 0, done.stdout


def test_commit_msg_hook_blocks_a_message_without_key_and_passes_one_with_key(project: Project) -> None:
    project.use_hooks(["productops-ticket"])
    project.write("notes.txt", "hello\n")
    done = project.commit("add notes", "notes.txt")
    assert done.returncode != 0, done.stdout
    assert "commit message names no ticket: expected a key of project `SHOP`, such as `SHOP-123`" in done.stdout
    assert _commits(project) == 1

    done = project.commit("SHOP-9: add notes")
    assert done.returncode == 0, done.stdout
    assert _commits(project) == 2

    project.write("notes.txt", "hello again\n")
    done = project.commit("[trivial] reword notes", "notes.txt")
    assert done.returncode == 0, done.stdout


def test_commit_msg_hook_adds_the_key_from_the_branch_name(project: Project) -> None:
    project.use_hooks([{"id": "productops-ticket", "args": ["--add-from-branch"]}])
    project.git("checkout", "-q", "-b", "feature/shop-42-notes")
    project.write("notes.txt", "hello\n")
    done = project.commit("add notes", "notes.txt")
    assert done.returncode == 0, done.stdout
    assert project.git("log", "-1", "--format=%s") == "SHOP-42: add notes"


def _try_repo_source(project: Project) -> str:
    """The checkout itself when try-repo can use it as is, otherwise the committed snapshot of it.

    try-repo copies tracked changes but not untracked files, and needs a first commit: a
    working tree in progress is tested through the snapshot, a clean clone (CI) directly.
    """
    status = subprocess.run(["git", "status", "--porcelain"], cwd=CHECKOUT, capture_output=True, text=True)
    head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=CHECKOUT, capture_output=True)
    if status.returncode == 0 and head.returncode == 0 and not status.stdout.strip():
        return str(CHECKOUT)
    return str(project.hook_repo.path)


def test_try_repo_runs_the_lint_hook_from_the_checkout(project: Project) -> None:
    project.write("shop/checkout.py", BAD_CHECKOUT)
    project.git("add", "shop/checkout.py")
    done = project.pre_commit("try-repo", _try_repo_source(project), "productops-lint", "--files", "shop/checkout.py")
    assert done.returncode == 1, done.stdout
    assert "PO101 Event `Order Complted` is not in the tracking plan" in done.stdout
