"""The `gitlab` format: a Code Quality array with GitLab's required fields and severity scale."""

from __future__ import annotations

import json

from report_helpers import SOURCES, context, diag, sample

from productops_lint.baseline import fingerprints
from productops_lint.report._common import ordered
from productops_lint.report.gitlab import render

REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}


def test_each_finding_is_an_issue_with_the_required_fields() -> None:
    issues = json.loads(render(sample(), context()))

    assert all(issue.keys() >= REQUIRED for issue in issues)
    assert issues[0]["description"] == "PO101 Event `Chekout Started` is not in the tracking plan"
    assert issues[0]["check_name"] == "PO101"
    assert issues[0]["location"] == {"path": "app/checkout.py", "lines": {"begin": 5, "end": 5}}


def test_severities_map_onto_gitlabs_scale() -> None:
    issues = json.loads(render(sample(), context()))

    assert [i["severity"] for i in issues] == ["major", "minor", "info"]


def test_fingerprints_are_unique_and_shared_with_the_baseline() -> None:
    duplicates = [diag(), diag()]
    issues = json.loads(render(sample() + duplicates, context()))

    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert [i["fingerprint"] for i in json.loads(render(sample(), context()))] == fingerprints(
        ordered(sample()), SOURCES
    )


def test_clean_run_is_an_empty_array() -> None:
    assert render([], context()) == "[]\n"
