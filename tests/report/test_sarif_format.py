"""The `sarif` format: valid SARIF 2.1.0 (official schema), with rules, locations, fingerprints and fixes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_helpers import CHECKS, SOURCES, context, diag, rename, sample

from productops_lint.baseline import fingerprints
from productops_lint.report._common import ordered
from productops_lint.report.sarif import FINGERPRINT_KEY, render
from productops_lint.types import Diagnostic, Edit, Fix, Span

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-2.1.0-rtm.5.json"
# Digest of the schema as published (also checked by scripts/derive_fixtures.py).
SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def run_of(diagnostics: list[Diagnostic], **ctx: Any) -> dict[str, Any]:
    log = json.loads(render(diagnostics, context(**ctx)))
    (run,) = log["runs"]
    return run


def test_schema_copy_is_the_published_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


@pytest.mark.parametrize("root", [".", "/home/ci/project"])
def test_log_validates_against_the_official_schema(validator: jsonschema.Draft4Validator, root: str) -> None:
    validator.validate(json.loads(render(sample(), context(root=root))))
    validator.validate(json.loads(render([], context(root=root))))


def test_schema_check_is_strict_enough_to_fail(validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(render(sample(), context()))
    log["runs"][0]["results"][0]["level"] = "fatal"

    assert not validator.is_valid(log)


def test_driver_lists_every_check_as_a_rule() -> None:
    driver = run_of([])["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}

    assert (driver["name"], driver["version"]) == ("productops-lint", "1.2.3")
    assert driver["informationUri"].startswith("https://")
    assert list(rules) == ["PO101", "PO201", "PO301"]
    unknown = rules["PO101"]
    assert unknown["name"] == "unknown-event"
    assert unknown["shortDescription"]["text"] == CHECKS["PO101"].summary()
    assert unknown["fullDescription"]["text"] == (
        "Checks that every tracked event name is declared in the tracking plan. "
        "Events outside the plan land in dashboards nobody reads."
    )
    assert unknown["help"]["markdown"] == CHECKS["PO101"].documentation()
    assert unknown["help"]["text"] == CHECKS["PO101"].documentation()
    assert [r["defaultConfiguration"]["level"] for r in rules.values()] == ["error", "warning", "note"]


def test_results_point_at_their_rule_and_carry_the_severity_level() -> None:
    run = run_of([*sample(), diag("PO999")])
    rules = run["tool"]["driver"]["rules"]

    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("PO101", "error"),
        ("PO999", "error"),
        ("PO201", "warning"),
        ("PO301", "note"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_locations_are_relative_to_srcroot_with_1_based_columns() -> None:
    first = run_of(sample())["results"][0]
    location = first["locations"][0]["physicalLocation"]

    assert location["artifactLocation"] == {"uri": "app/checkout.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 30, "endLine": 5, "endColumn": 47}


def test_absolute_root_becomes_the_srcroot_base() -> None:
    run = run_of([diag(path="/home/ci/project/app/my file.py")], root="/home/ci/project")

    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///home/ci/project/"}}
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "app/my%20file.py", "uriBaseId": "%SRCROOT%"}


def test_relative_root_has_no_base_uri_and_outside_paths_are_absolute() -> None:
    run = run_of([diag(path="/elsewhere/x.py")])

    assert "originalUriBaseIds" not in run
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "file:///elsewhere/x.py"}


def test_partial_fingerprints_are_the_baseline_fingerprints() -> None:
    results = run_of(sample())["results"]

    assert [r["partialFingerprints"] for r in results] == [
        {FINGERPRINT_KEY: fp} for fp in fingerprints(ordered(sample()), SOURCES)
    ]


def test_fixes_become_replacements_grouped_by_file() -> None:
    fix = Fix(
        "Rename to `Checkout Started`",
        "unsafe",
        (
            Edit("app/events.py", Span(1, 9, 1, 28), '"Checkout Started"'),
            Edit("app/checkout.py", Span(5, 29, 5, 46), "CHECKOUT"),
            Edit("app/checkout.py", Span(1, 0, 1, 0), "from app.events import CHECKOUT\n"),
        ),
    )
    (result,) = run_of([diag(fix=fix)])["results"]

    (sarif_fix,) = result["fixes"]
    assert sarif_fix["description"] == {"text": "Rename to `Checkout Started`"}
    assert sarif_fix["properties"] == {"applicability": "unsafe"}
    changes = {c["artifactLocation"]["uri"]: c["replacements"] for c in sarif_fix["artifactChanges"]}
    assert list(changes) == ["app/events.py", "app/checkout.py"]
    assert changes["app/checkout.py"][1] == {
        "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
        "insertedContent": {"text": "from app.events import CHECKOUT\n"},
    }


def test_findings_without_fix_have_no_fixes_and_notes_join_the_message() -> None:
    info = run_of(sample())["results"][2]

    assert "fixes" not in info
    assert info["message"]["text"] == (
        "Event `Sign Up Completed` is deprecated\nnote: the constant `SIGNUP` is used 2 more times"
    )


def test_safe_fix_is_marked_safe() -> None:
    fix = rename("app/checkout.py", 5, 29, 46, '"X"', "Rename to `X`")
    (result,) = run_of([diag(fix=fix)])["results"]

    assert result["fixes"][0]["properties"] == {"applicability": "safe"}
