"""docs/config.md lists exactly the rule-file keys of the PR checks that the schema has, with the schema's defaults."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import yaml

from productops_lint.registry import rules_schema

ROOT = Path(__file__).resolve().parents[2]


def _table() -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    part = text.split("\n## Pull request checks\n", 1)[1].split("\n## ", 1)[0]
    return {key: (kind, default) for key, kind, default in re.findall(r"^\| `([^`]+)` \| ([^|]+?) \| ([^|]+?) \|", part, re.M)}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return rules_schema()["$defs"][ref.rsplit("/", 1)[1]] if ref else schema


def _keys(schema: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every documented key below ``schema``: leaves, and `when`, which is both a word and a mapping."""
    for name, sub in _resolve(schema).get("properties", {}).items():
        full = f"{prefix}.{name}"
        target = _resolve(sub)
        if "else" in target:  # `when`: a string or a mapping of conditions
            yield full, {**target, **sub}
            yield from _keys(target["else"], full)
        elif target.get("type") == "object":
            yield from _keys(target, full)
        elif target.get("type") == "array" and "$ref" in target.get("items", {}) and name == "items":
            yield from _keys(target["items"], f"{full}[]")
        else:
            yield full, {**target, **sub}


def _schema_keys() -> dict[str, dict[str, Any]]:
    top = rules_schema()["properties"]
    found = {f"epics{k}": v for k, v in _keys(top["epics"], "")}
    found.update({f"checklists[]{k}": v for k, v in _keys(top["checklists"]["items"], "")})
    return found


def test_documents_exactly_the_keys_of_the_schema() -> None:
    assert set(_table()) == set(_schema_keys())


def test_each_key_gives_the_schemas_default_or_says_required() -> None:
    table = _table()
    required = {f"checklists[].{k}" for k in rules_schema()["$defs"]["checklist"]["required"]}
    required |= {f"checklists[].items[].{k}" for k in rules_schema()["$defs"]["checklistItem"]["required"]}
    for key, schema in _schema_keys().items():
        default = table[key][1]
        if key in required:
            assert default == "required", key
        elif "default" in schema:
            spelled = re.fullmatch(r"`(.+)`", default)
            assert spelled is not None and yaml.safe_load(spelled.group(1)) == schema["default"], key
        else:
            assert default == "none", key
