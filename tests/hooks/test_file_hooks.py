"""``lint_main``, ``fix_main`` and ``registry_main`` called directly, in a project on disk."""

from __future__ import annotations

import pytest
from hook_helpers import PLAN, Project

from productops_lint.hooks import PLAN_CODES, fix_main, lint_main, registry_main

UNKNOWN_EVENT = 'import analytics\n\n\ndef f(uid: str) -> None:\n    analytics.track(uid, "Order Complted", {"order_id": "1"})\n'
DYNAMIC_EVENT = 'import analytics\n\n\ndef f(uid: str, step: str) -> None:\n    analytics.track(uid, f"Step {step}")\n'


@pytest.fixture
def here(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(project.path)
    return project


def test_lint_reports_a_finding_in_a_given_file(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("shop/checkout.py", UNKNOWN_EVENT)
    assert lint_main(["shop/checkout.py"]) == 1
    assert "shop/checkout.py:5:26: PO101 Event `Order Complted` is not in the tracking plan" in capsys.readouterr().out


def test_lint_passes_a_clean_file(here: Project) -> None:
    assert lint_main(["shop/cart.py"]) == 0


def test_lint_with_no_python_file_checks_nothing(here: Project) -> None:
    # Not the whole project: `check` with no paths would report shop/checkout.py here.
    here.write("shop/checkout.py", UNKNOWN_EVENT)
    assert lint_main([]) == 0
    assert lint_main(["README.md", "rules/plan.yaml"]) == 0


def test_lint_passes_extra_arguments_to_check(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("shop/checkout.py", UNKNOWN_EVENT)
    assert lint_main(["--select", "PO2", "shop/checkout.py"]) == 0
    assert lint_main(["--format", "json", "shop/checkout.py"]) == 1
    assert '"code": "PO101"' in capsys.readouterr().out
    assert lint_main(["--format=json", "--", "shop/checkout.py"]) == 1


def test_lint_with_a_broken_config_exits_2(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("pyproject.toml", "[tool.productops]\nregistry = 3\n")
    assert lint_main(["shop/cart.py"]) == 2
    assert "`registry` must be a list of strings" in capsys.readouterr().err


def test_fix_rewrites_and_exits_1_then_passes(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("rules/plan.yaml", PLAN.replace("tickets:", "  - name: Cart Opened\n    description: Old name.\n    status: deprecated\n    replaced_by: Cart Viewed\ntickets:"))
    here.write("shop/cart.py", (here.path / "shop/cart.py").read_text().replace("Cart Viewed", "Cart Opened"))
    assert fix_main(["shop/cart.py"]) == 1
    assert "Rewrote shop/cart.py" in capsys.readouterr().out
    assert '"Cart Viewed"' in (here.path / "shop/cart.py").read_text()
    assert fix_main(["shop/cart.py"]) == 0


def test_fix_exits_1_when_findings_without_a_safe_fix_remain(here: Project) -> None:
    here.write("shop/checkout.py", UNKNOWN_EVENT)
    before = (here.path / "shop/checkout.py").read_text()
    assert fix_main(["shop/checkout.py"]) == 1
    # A misspelt event's rename is an unsafe fix: the hook leaves it to a person.
    assert (here.path / "shop/checkout.py").read_text() == before


def test_registry_reports_call_sites_the_plan_no_longer_allows(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("rules/plan.yaml", PLAN.replace("  - name: Cart Viewed\n    description: The cart page was shown.\n", ""))
    assert registry_main([]) == 1
    out = capsys.readouterr().out
    assert "shop/cart.py:5:30: PO101 Event `Cart Viewed` is not in the tracking plan" in out


def test_registry_ignores_findings_no_plan_change_can_cause(here: Project) -> None:
    here.write("pyproject.toml", '[tool.productops]\nregistry = ["rules"]\nseverity = { PO103 = "error" }\n')
    here.write("shop/steps.py", DYNAMIC_EVENT)
    assert lint_main(["shop/steps.py"]) == 1  # PO103: the lint hook reports it
    assert registry_main([]) == 0


def test_registry_respects_the_users_own_selection(here: Project) -> None:
    here.write("rules/plan.yaml", PLAN.replace("  - name: Cart Viewed\n    description: The cart page was shown.\n", ""))
    here.write("pyproject.toml", '[tool.productops]\nregistry = ["rules"]\nignore = ["PO101"]\n')
    assert registry_main([]) == 0


def test_registry_reports_an_invalid_rule_file(here: Project, capsys: pytest.CaptureFixture[str]) -> None:
    here.write("rules/plan.yaml", "version: 1\nevents:\n  - name: Cart Viewed\n")
    assert registry_main([]) == 1
    assert "rules/plan.yaml:3:" in capsys.readouterr().out


def test_registry_with_filenames_runs_only_for_a_rule_file(here: Project) -> None:
    here.write("rules/plan.yaml", "version: 1\nevents: 3\n")
    here.write("config/app.yaml", "debug: true\n")
    assert registry_main(["config/app.yaml"]) == 0
    assert registry_main(["config/app.yaml", "rules/plan.yaml"]) == 1


def test_plan_codes_cover_every_plan_dependent_check() -> None:
    from productops_lint.checks import all_checks

    plan_dependent = [c for c in all_checks() if c.startswith(PLAN_CODES)]
    assert "PO101" in plan_dependent and "PO302" in plan_dependent and "PO201" in plan_dependent
    assert not {"PO103", "PO104"} & set(plan_dependent)
