"""Evaluating a PR: the base's config and rules decide the gate; rule changes show a plan diff."""

from __future__ import annotations

from pathlib import Path

from shop_pr import make_shop_pr

from github_app.localgit import LocalRepo
from github_app.pipeline import FAILURE, NEUTRAL, Evaluation, evaluate
from github_app.sources import BlobCache

CHECKOUT_RULES = "rules/checkout.yaml"


def run(path: Path, base: str = "main", head: str = "feature") -> Evaluation:
    repo = LocalRepo(path)
    b, h = repo.rev_parse(base), repo.rev_parse(head)
    return evaluate(h, repo.changed_files(b, h), repo.tree(b), repo.tree(h), BlobCache(repo.blob))


def test_a_pull_request_cannot_loosen_its_own_gate(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    pyproject = (shop.path / "pyproject.toml").read_text()
    shop.push({"pyproject.toml": pyproject + 'ignore = ["PO"]\n'}, "silence the linter")
    ev = run(shop.path)
    assert ev.conclusion == FAILURE
    assert {d.code for d in ev.diagnostics} == {"PO101", "PO202", "PO203", "PO301"}


def test_rule_changes_are_applied_too_and_shown_as_a_plan_diff(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    rules = (shop.path / CHECKOUT_RULES).read_text()
    # The PR declares the misspelt event instead of fixing the code.
    rules = rules.replace("  - name: Product Removed\n", "  - name: Prodcut Removed\n", 1)
    shop.push({CHECKOUT_RULES: rules}, "rename in plan")
    ev = run(shop.path)
    assert ev.rules_changed and ev.plan_diff is not None
    assert "Prodcut Removed" in ev.plan_diff and "Product Removed" in ev.plan_diff
    assert "PO101" in {d.code for d in ev.diagnostics}, "the base's plan still decides the gate"
    assert "PO101" not in {d.code for d in ev.pr_plan_diagnostics}


def test_invalid_rule_files_in_the_pull_request_fail_with_the_problems(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    shop.push({CHECKOUT_RULES: "version: 1\nevents: [{name: 3}]\n"}, "break rules")
    ev = run(shop.path)
    assert ev.conclusion == FAILURE
    assert ev.error is not None and CHECKOUT_RULES in ev.error


def test_invalid_base_config_concludes_neutral_with_the_message(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    repo = LocalRepo(shop.path)
    broken = repo.git("show", "main:pyproject.toml").decode() + "\n[tool.productops]\nnope = 1\n"
    from app_helpers import commit, git

    commit(shop.path, {"pyproject.toml": broken}, "broken config", branch="main")
    git(shop.path, "checkout", "-q", "feature")
    ev = run(shop.path)
    assert ev.conclusion == NEUTRAL
    assert ev.error is not None and "pyproject.toml" in ev.error
    assert ev.diagnostics == []


def test_only_non_python_changes_conclude_neutral(tmp_path: Path) -> None:
    shop = make_shop_pr(tmp_path)
    ev = run(shop.path, "feature", "feature")
    assert (ev.conclusion, ev.title) == (NEUTRAL, "No Python changes")


def test_the_base_branchs_baseline_hides_what_it_records(tmp_path: Path) -> None:
    from app_helpers import commit, git

    from productops_lint.baseline import write_baseline

    shop = make_shop_pr(tmp_path)
    before = run(shop.path)
    # Record one of the head's findings in a baseline on the base branch, as the CLI writes it.
    recorded = [d for d in before.diagnostics if d.code == "PO101"]
    text = write_baseline(recorded, before.sources)
    pyproject = LocalRepo(shop.path).git("show", "main:pyproject.toml").decode()
    pyproject = pyproject.replace("[tool.productops]\n", '[tool.productops]\nbaseline = "baseline.json"\n')
    commit(shop.path, {"baseline.json": text, "pyproject.toml": pyproject}, "baseline", branch="main")
    git(shop.path, "checkout", "-q", "feature")
    after = run(shop.path)
    assert {d.code for d in after.diagnostics} == {d.code for d in before.diagnostics} - {"PO101"}
    assert after.baselined == 1
