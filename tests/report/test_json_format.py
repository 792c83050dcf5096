"""The `json` format: validates against its shipped schema and carries every field as documented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_helpers import SOURCES, context, diag, sample

from productops_lint.baseline import fingerprints
from productops_lint.report._common import ordered
from productops_lint.report.json import render
from productops_lint.types import Diagnostic, Edit, Fix, Severity, Span

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "productops_lint" / "schema" / "report.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rendered(diagnostics: list[Diagnostic], **ctx: Any) -> dict[str, Any]:
    return json.loads(render(diagnostics, context(**ctx)))


def test_report_validates_against_the_shipped_schema(validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(rendered(sample()))
    validator.validate(rendered([]))


def test_schema_rejects_a_report_missing_a_field(validator: jsonschema.Draft202012Validator) -> None:
    report = rendered(sample())
    del report["diagnostics"][0]["fingerprint"]

    assert not validator.is_valid(report)


def test_header_names_the_tool_and_format_version() -> None:
    report = rendered([])

    assert report == {"version": 1, "tool": {"name": "productops-lint", "version": "1.2.3"}, "diagnostics": []}


def test_diagnostic_fields_are_1_based_and_complete() -> None:
    first, second, third = rendered(sample())["diagnostics"]

    assert {k: first[k] for k in ("code", "name", "severity", "path", "line", "column", "end_line", "end_column")} == {
        "code": "PO101",
        "name": "unknown-event",
        "severity": "error",
        "path": "app/checkout.py",
        "line": 5,
        "column": 30,
        "end_line": 5,
        "end_column": 47,
    }
    assert first["fix"] == {
        "title": "Rename to `Checkout Started`",
        "applicability": "safe",
        "edits": [
            {
                "path": "app/checkout.py",
                "line": 5,
                "column": 30,
                "end_line": 5,
                "end_column": 47,
                "replacement": '"Checkout Started"',
            }
        ],
    }
    assert second["fix"]["applicability"] == "unsafe"
    assert (third["severity"], third["note"], third["fix"]) == (
        "info",
        "the constant `SIGNUP` is used 2 more times",
        None,
    )


def test_fingerprints_are_the_baseline_fingerprints() -> None:
    expected = fingerprints(ordered(sample()), SOURCES)

    assert [d["fingerprint"] for d in rendered(sample())["diagnostics"]] == expected


def test_code_outside_the_catalogue_has_no_name() -> None:
    (only,) = rendered([diag("PO999")])["diagnostics"]

    assert (only["code"], only["name"]) == ("PO999", None)


spans = st.builds(
    lambda line, col, lines, width: Span(line, col, line + lines, col + width),
    st.integers(1, 10_000),
    st.integers(0, 500),
    st.integers(0, 5),
    st.integers(0, 80),
)
texts = st.text(max_size=40)
fixes = st.builds(
    Fix,
    texts,
    st.sampled_from(["safe", "unsafe"]),
    st.lists(st.builds(Edit, texts, spans, texts), max_size=3).map(tuple),
)
diagnostics = st.builds(
    Diagnostic,
    code=st.sampled_from(["PO101", "PO201", "PO301", "PO999"]),
    path=texts,
    span=spans,
    message=texts,
    severity=st.sampled_from(list(Severity)),
    fix_title=st.none() | texts,
    fix=st.none() | fixes,
    note=st.none() | texts,
)


@given(st.lists(diagnostics, max_size=6), st.dictionaries(texts, texts, max_size=3))
def test_any_findings_give_a_valid_report(
    validator: jsonschema.Draft202012Validator, found: list[Diagnostic], sources: dict[str, str]
) -> None:
    report = json.loads(render(found, context(sources=sources)))

    validator.validate(report)
    assert len(report["diagnostics"]) == len(found)


def test_documented_example_validates(validator: jsonschema.Draft202012Validator) -> None:
    doc = (SCHEMA_PATH.parents[2] / "docs" / "json-format.md").read_text(encoding="utf-8")
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]

    validator.validate(json.loads(example))
