"""The rule-file JSON Schema, and the rule files this repository ships (starter set and example project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from productops_lint.detect.presets import PRESETS
from productops_lint.registry import rules_schema
from productops_lint.registry.conventions import GRAMMARS
from productops_lint.registry.loader import check_rule_files
from productops_lint.registry.model import (
    EVENT_STATUSES,
    NAME_STYLES,
    PROPERTY_TYPES,
    TRACKER_PRESETS,
)
from productops_lint.types import Severity

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "productops_lint" / "schema" / "rules.schema.json"
SHIPPED_SETS = {
    "starter": ROOT / "rules",
    "example": ROOT / "examples" / "shop" / "rules",
}


def _rule_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = rules_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_is_read_from_package_data() -> None:
    assert rules_schema() == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_schema_enums_match_the_model() -> None:
    defs = rules_schema()["$defs"]
    assert tuple(defs["propertyType"]["enum"]) == PROPERTY_TYPES
    assert tuple(defs["event"]["properties"]["status"]["enum"]) == EVENT_STATUSES
    assert tuple(defs["namingStyle"]["enum"]) == NAME_STYLES
    assert tuple(defs["trackers"]["properties"]["presets"]["items"]["enum"]) == TRACKER_PRESETS
    assert tuple(PRESETS) == TRACKER_PRESETS, "rule files must accept exactly the presets detection has"
    grammar = defs["conventions"]["properties"]["event_name"]["properties"]["grammar"]
    assert tuple(grammar["enum"]) == GRAMMARS


def _undescribed(schema: dict, where: str = "#") -> list[str]:
    """Keys of the format whose schema has no description (editors show it on hover)."""
    missing = []
    for name, sub in schema.get("properties", {}).items():
        if "description" not in sub and "$ref" not in sub:
            missing.append(f"{where}/properties/{name}")
        missing += _undescribed(sub, f"{where}/properties/{name}")
    for key in ("items", "additionalProperties", "then", "else"):
        if isinstance(schema.get(key), dict):
            missing += _undescribed(schema[key], f"{where}/{key}")
    for name, sub in schema.get("$defs", {}).items():
        missing += _undescribed(sub, f"{where}/$defs/{name}")
    return missing


def test_every_key_has_a_description_for_editors() -> None:
    assert _undescribed(rules_schema()) == []


@pytest.mark.parametrize("name", list(SHIPPED_SETS))
def test_shipped_rule_files_validate_against_the_schema_alone(name: str) -> None:
    validator = Draft202012Validator(rules_schema(), format_checker=FormatChecker())
    files = _rule_files(SHIPPED_SETS[name])
    assert len(files) >= 2
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # YAML dates load as date objects; JSON has only strings.
        data = json.loads(json.dumps(data, default=str))
        errors = [f"{path}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []


@pytest.mark.parametrize("name", list(SHIPPED_SETS))
def test_shipped_rule_files_pass_registry_check(name: str) -> None:
    folder = SHIPPED_SETS[name]
    files = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in _rule_files(folder)]
    plan, problems = check_rule_files(files)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert errors == []
    assert plan is not None and len(plan.events) >= 3


def test_example_project_plan_has_the_one_deliberate_warning() -> None:
    folder = SHIPPED_SETS["example"]
    files = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in _rule_files(folder)]
    _, problems = check_rule_files(files)
    assert [p.message.split(" looks like")[0] for p in problems] == [
        "property `customer_email` of event `Newsletter Subscribed`"
    ]


@pytest.mark.parametrize("name", list(SHIPPED_SETS))
def test_shipped_rule_files_point_editors_at_the_schema(name: str) -> None:
    for path in _rule_files(SHIPPED_SETS[name]):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        assert (path.parent / first[len(prefix):]).resolve() == SCHEMA_FILE
