"""Both PR checks always conclude: a config error or a check that raises is neutral with the reason, never a crash."""

from __future__ import annotations

from pr_lib_helpers import facts

from productops_lint.pr.gather import Gathered, PrConfig
from productops_lint.pr.run import run_checks
from productops_lint.pr.types import CHECKLIST_CHECK, EPIC_CHECK, NEUTRAL
from productops_lint.registry.model import Plan
from productops_lint.registry.pr_rules import Checklist, ChecklistItem
from productops_lint.types import Location


def test_a_checklist_that_raises_concludes_neutral_with_a_recheck_and_the_epic_check_still_runs() -> None:
    item = ChecklistItem("flag", "Flag", auto="feature-flag", pattern="(", pattern_location=Location("rules/l.yaml", 9, 20))
    gathered = Gathered(facts(labels=("no-epic",)), PrConfig(Plan(checklists=(Checklist("c", "C", (item,)),))))

    outcome = run_checks(gathered, {})

    assert outcome.epic.name == EPIC_CHECK and outcome.epic.conclusion == "success"
    assert outcome.checklist.name == CHECKLIST_CHECK and outcome.checklist.conclusion == NEUTRAL
    assert "rules/l.yaml:9:20" in outcome.checklist.summary and outcome.checklist.actions == ("recheck",)


def test_invalid_rules_conclude_both_neutral_naming_the_file_and_line() -> None:
    outcome = run_checks(Gathered(facts(), PrConfig(None, error="rules/a.yml:3:13: unknown status `nonsense`")), {})

    assert [r.conclusion for r in outcome.results] == [NEUTRAL, NEUTRAL]
    assert all("rules/a.yml:3:13" in r.summary for r in outcome.results)
