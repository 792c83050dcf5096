"""The `epics` and `checklists` sections of rule files: defaults, loading, every mistake at its file:line, the schema."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from jsonschema import Draft202012Validator

from productops_lint.registry import rules_schema
from productops_lint.registry.loader import load_plan, registry_check
from productops_lint.registry.model import Plan
from productops_lint.registry.pr_rules import (
    AUTO_KINDS,
    EPIC_TRACKERS,
    EVENTS_WITHOUT_EPIC,
    KIND_OPTIONS,
    UNMET_CONCLUSIONS,
    ChecklistItem,
    EpicRules,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "rules" / "launch.yaml"


def problems(*files: tuple[str, str]) -> list[str]:
    return [str(p) for p in registry_check([(path, dedent(text)) for path, text in files])]


def test_no_configuration_gives_the_github_issues_defaults() -> None:
    rules = load_plan([("rules/plan.yaml", "events: []\n")]).epics

    assert rules == EpicRules()
    assert (rules.tracker, rules.epic_labels, rules.epic_issue_types) == ("github", ("epic",), ("Epic",))
    assert (rules.when_missing, rules.when_unlinked) == ("action_required", "failure")
    assert rules.exempt.bots and rules.events.match and rules.events.without_epic == "ignore"


def test_the_example_loads_with_locations() -> None:
    plan = load_plan([("rules/launch.yaml", EXAMPLE.read_text(encoding="utf-8"))])

    assert plan.epics.location is not None and str(plan.epics.location) == "rules/launch.yaml:4:1"
    assert [c.id for c in plan.checklists] == ["launch", "tracking"]
    flag = next(i for i in plan.checklists[0].items if i.id == "flag")
    assert flag.auto == "feature-flag" and flag.regex().search('feature_flags.is_on("new-cart")')
    assert str(flag.location).startswith("rules/launch.yaml:28:")


def test_the_example_validates_against_the_schema_alone() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))

    assert list(Draft202012Validator(rules_schema()).iter_errors(data)) == []


def test_checklists_of_every_file_add_up() -> None:
    one = "checklists:\n  - id: a\n    items: [{id: qa, title: QA}]\n"
    two = "checklists:\n  - id: b\n    when: adds-events\n    items: [{id: dash, title: Dashboards}]\n"

    plan = load_plan([("rules/a.yaml", one), ("rules/b.yaml", two)])

    assert [(c.id, c.when.adds_events) for c in plan.checklists] == [("a", False), ("b", True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("epics:\n  tracker: jiraa\n", "plan.yaml:2:12: `epics.tracker` must be one of `github`, `jira`, `linear`, not `jiraa` (did you mean `jira`?)"),
        ("epics:\n  when_missing: fail\n", "plan.yaml:2:17: `epics.when_missing` must be one of `action_required`, `failure`, `neutral`, not `fail` (did you mean `failure`?)"),
        ("epics:\n  exempt:\n    max_changed_lines: -1\n", "plan.yaml:3:24: `epics.exempt.max_changed_lines` must be at least 0"),
        ("epics:\n  exempt:\n    lables: [chore]\n", "plan.yaml:3:5: unknown key `lables` in `epics.exempt` (did you mean `labels`?)"),
        ("epics:\n  events:\n    without_epic: error\n", "plan.yaml:3:19: `epics.events.without_epic` must be one of `ignore`, `warn`, `fail`, not `error`"),
        ("checklists:\n  - id: a\n    items:\n      - {id: flag, title: Flag, auto: feature-flag}\n",
         "plan.yaml:4:9: `checklists[0].items[0]` is missing `pattern`"),
        ("checklists:\n  - id: a\n    items:\n      - {id: flag, title: Flag, auto: feature-flag, pattern: 'flag('}\n",
         "plan.yaml:4:62: `pattern` of checklist item `flag` is not a valid regular expression: missing ), unterminated subpattern at position 4"),
        ("checklists:\n  - id: a\n    items:\n      - {id: qa, title: QA, paths: [docs/**]}\n",
         "plan.yaml:4:29: `paths` of checklist item `qa` applies only to `auto: docs-changed`"),
        ("checklists:\n  - id: a\n    items:\n      - {id: qa, title: QA, auto: docs-chnaged}\n",
         "plan.yaml:4:35: `checklists[0].items[0].auto` must be one of `events-registered`, `no-deprecated-events`, "
         "`docs-changed`, `feature-flag`, `epic-linked`, not `docs-chnaged` (did you mean `docs-changed`?)"),
        ("checklists:\n  - id: a\n    when: adds_events\n    items: [{id: qa, title: QA}]\n",
         "plan.yaml:3:11: `checklists[0].when` must be one of `adds-events`, `always`, not `adds_events` (did you mean `adds-events`?)"),
        ("checklists:\n  - id: Launch List\n    items: [{id: qa, title: QA}]\n",
         "plan.yaml:2:9: `checklists[0].id` is `Launch List`, which does not look like `launch`"),
        ("checklists:\n  - id: a\n    items: []\n", "plan.yaml:3:5: checklist `a` has no items"),
    ],
)
def test_mistakes_are_reported_at_their_file_and_line(text: str, expected: str) -> None:
    assert problems(("plan.yaml", text)) == [expected]


def test_epics_declared_twice_and_item_ids_reused_across_checklists_name_both_places() -> None:
    a = "epics: {tracker: jira}\nchecklists:\n  - id: a\n    items: [{id: qa, title: QA}]\n"
    b = "epics: {tracker: linear}\nchecklists:\n  - id: a\n    items: [{id: qa, title: QA again}]\n"

    assert problems(("rules/a.yaml", a), ("rules/b.yaml", b)) == [
        "rules/b.yaml:1:1: `epics` is already declared at rules/a.yaml:1:1; keep it in one file",
        "rules/b.yaml:3:9: checklist `a` is already declared at rules/a.yaml:3:9",
        "rules/b.yaml:4:18: checklist item `qa` is already declared at rules/a.yaml:4:18; item ids are ticked in the PR body, "
        "so they must be unique across checklists",
    ]


def test_github_issue_epics_are_accepted_on_events() -> None:
    text = "events:\n  - {name: Cart Viewed, description: Shown., epic: '#12'}\n  - {name: Cart Shared, description: Shared., epic: 'acme/shop#3'}\n"

    assert problems(("plan.yaml", text)) == []
    assert load_plan([("plan.yaml", text)]).events["Cart Viewed"].epic == "#12"


def test_schema_enums_match_the_model() -> None:
    defs = rules_schema()["$defs"]
    epics = defs["epics"]["properties"]
    item = defs["checklistItem"]["properties"]

    assert tuple(epics["tracker"]["enum"]) == EPIC_TRACKERS
    assert tuple(epics["when_missing"]["enum"]) == UNMET_CONCLUSIONS == tuple(epics["when_unlinked"]["enum"])
    assert tuple(epics["events"]["properties"]["without_epic"]["enum"]) == EVENTS_WITHOUT_EPIC
    assert tuple(item["auto"]["enum"]) == AUTO_KINDS == tuple(KIND_OPTIONS)
    assert {o for opts in KIND_OPTIONS.values() for o in opts} <= set(item)


def _defaults(schema: dict) -> dict[str, object]:
    return {k: v["default"] for k, v in schema["properties"].items() if "default" in v}


def test_schema_defaults_are_the_models_defaults() -> None:
    defs = rules_schema()["$defs"]
    rules, item = EpicRules(), ChecklistItem("x", "x")

    for key, value in _defaults(defs["epics"]).items():
        assert json.loads(json.dumps(getattr(rules, key))) == value, key
    for key, value in {**_defaults(defs["epics"]["properties"]["exempt"]), "labels": ["no-epic"]}.items():
        assert json.loads(json.dumps(getattr(rules.exempt, key))) == value, key
    for key, value in _defaults(defs["epics"]["properties"]["events"]).items():
        assert getattr(rules.events, key) == value, key
    for key, value in _defaults(defs["checklistItem"]).items():
        assert json.loads(json.dumps(getattr(item, key))) == value, key
    assert Plan().checklists == ()
