"""The rule-file JSON Schema: load it from the package and turn its errors into located, readable problems."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from ..types import Problem
from .conventions import did_you_mean
from .yamldoc import DataPath, Document

SCHEMA_RESOURCE = "rules.schema.json"

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


@lru_cache(maxsize=1)
def rules_schema() -> dict[str, Any]:
    """The JSON Schema of rule files, read from package data (not from any `$schema` line)."""
    text = resources.files("productops_lint.schema").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    # Regexes are compiled by the loader, which can say what is wrong with them; dates are checked here.
    return Draft202012Validator(rules_schema(), format_checker=FormatChecker(formats=["date"]))


def _actual(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


def _dotted(path: DataPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(doc: Document, path: DataPath) -> str:
    """A readable name for the value at ``path``: "event `X`", "property `p` of event `X`", "`a.b`"."""
    if not path:
        return "the rule file"
    events = doc.data.get("events") if isinstance(doc.data, dict) else None
    if path[0] != "events" or len(path) < 2 or not isinstance(path[1], int) or not isinstance(events, list):
        return f"`{_dotted(path)}`"
    item = events[path[1]] if path[1] < len(events) else None
    name = item.get("name") if isinstance(item, dict) else None
    event = f"event `{name}`" if isinstance(name, str) and name else f"event #{path[1] + 1}"
    if len(path) == 2:
        return event
    if path[2] == "properties" and len(path) >= 4:
        prop = f"property `{path[3]}` of {event}"
        return prop if len(path) == 4 else f"`{_dotted(path[4:])}` of {prop}"
    return f"`{_dotted(path[2:])}` of {event}"


def _listing(values: Any) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _first_repeat(values: list[Any]) -> Any:
    seen: list[Any] = []  # a list, not a set: items may be unhashable mappings
    for value in values:
        if value in seen:
            return value
        seen.append(value)
    return None


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    """The subschema that failed; jsonschema types it loosely (a bool schema, or unset)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _message(error: ValidationError, doc: Document, path: DataPath) -> str:
    subject = describe(doc, path)
    # Set on every error a validator yields; the stubs also allow "unset" for errors made by hand.
    kind, expected, value = error.validator, cast(Any, error.validator_value), cast(Any, error.instance)
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        return f"{subject} must be {' or '.join(_TYPE_WORDS[t] for t in wanted)}, not {_actual(value)}"
    if kind == "enum":
        hint = did_you_mean(str(value), [str(v) for v in expected], cutoff=0.6)
        suffix = f" (did you mean `{hint}`?)" if hint else ""
        return f"{subject} must be one of {_listing(expected)}, not `{value}`{suffix}"
    if kind == "const":
        return f"{subject} must be `{expected}`, not `{value}`"
    if kind == "pattern":
        examples = _schema_of(error).get("examples")
        like = f"does not look like `{examples[0]}`" if examples else f"does not match `{expected}`"
        return f"{subject} is `{value}`, which {like}"
    if kind == "format":
        return f"{subject} is `{value}`, which is not a date in the form YYYY-MM-DD"
    if kind == "minItems" and path[-1:] == ("values",):
        return f"{subject} must list at least one value"
    if kind == "uniqueItems":
        return f"{subject} lists `{_first_repeat(value)}` more than once"
    if kind in ("minLength", "minProperties") and not value:
        if "propertyNames" in error.schema_path:
            return f"{subject} has a property with an empty name"
        return f"{subject} must not be empty"
    if kind == "minimum":
        return f"{subject} must be at least {expected}"
    return f"{subject}: {error.message}"


def _problems(error: ValidationError, doc: Document) -> list[tuple[DataPath, Problem]]:
    path: DataPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(_schema_of(error).get("properties", {}))
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed, cutoff=0.6)
            suffix = f" (did you mean `{hint}`?)" if hint else ""
            where = "" if not path else f" in {describe(doc, path)}"
            out.append(((*path, key), Problem(doc.key_at((*path, key)), f"unknown key `{key}`{where}{suffix}")))
        return out
    if error.validator == "required" and isinstance(error.instance, dict):
        subject = describe(doc, path)
        out = []
        for key in cast(Any, error.validator_value):
            if key in error.instance:
                continue
            if key == "values":
                message = f"{subject} has `type: enum` but no `values`"
            else:
                message = f"{subject} is missing `{key}`"
            out.append((path, Problem(doc.at(path), message)))
        return out
    return [(path, Problem(doc.at(path), _message(error, doc, path)))]


def schema_problems(doc: Document) -> list[tuple[DataPath, Problem]]:
    """Every schema violation of ``doc``, each with the data path it concerns and its location."""
    if doc.data is None:
        return []
    found: list[tuple[DataPath, Problem]] = []
    for error in _validator().iter_errors(doc.data):
        found.extend(_problems(error, doc))
    found.sort(key=lambda item: (item[1].location.line, item[1].location.col))
    return found
