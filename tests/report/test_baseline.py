"""The baseline: fingerprints survive moved lines, not edited ones; duplicates count; rewrites drop fixes."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_helpers import CHECKOUT, SOURCES, diag, sample

from productops_lint.baseline import (
    Baseline,
    filter_new,
    fingerprint,
    fingerprints,
    parse_baseline,
    stale_entries,
    write_baseline,
)
from productops_lint.types import Diagnostic, UserError

TRACK = '    analytics.track(user_id, "Chekout Started")\n'


def shifted(d: Diagnostic, lines: int) -> Diagnostic:
    span = d.span
    moved = type(span)(span.start_line + lines, span.start_col, span.end_line + lines, span.end_col)
    return Diagnostic(d.code, d.path, moved, d.message, d.severity, d.fix_title, d.fix, d.note)


def roundtrip(diagnostics: list[Diagnostic], sources: dict[str, str]) -> Baseline:
    return parse_baseline(write_baseline(diagnostics, sources), "productops-baseline.json")


def test_inserting_lines_above_keeps_findings_baselined() -> None:
    baseline = roundtrip(sample(), SOURCES)
    moved_sources = {**SOURCES, "app/checkout.py": "# a comment\n\nimport os\n" + CHECKOUT}
    moved = [shifted(d, 3) if d.path == "app/checkout.py" else d for d in sample()]

    assert filter_new(moved, baseline, moved_sources) == ([], 3)


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n")), max_size=20))
def test_any_lines_inserted_above_keep_every_fingerprint(prefix: list[str]) -> None:
    before = fingerprints(sample(), SOURCES)
    head = "".join(line + "\n" for line in prefix)
    moved_sources = {**SOURCES, "app/checkout.py": head + CHECKOUT}
    moved = [shifted(d, len(prefix)) if d.path == "app/checkout.py" else d for d in sample()]

    assert fingerprints(moved, moved_sources) == before


def test_reindenting_the_flagged_line_keeps_it_baselined() -> None:
    baseline = roundtrip(sample(), SOURCES)
    reindented = CHECKOUT.replace("    analytics.track(user_id, ", "        analytics.track(user_id,   ")

    new, hidden = filter_new(sample(), baseline, {**SOURCES, "app/checkout.py": reindented})

    assert (new, hidden) == ([], 3)


def test_editing_the_flagged_line_makes_its_findings_new() -> None:
    baseline = roundtrip(sample(), SOURCES)
    edited = CHECKOUT.replace("cart.total", "cart.total, 'coupon': code")

    new, hidden = filter_new(sample(), baseline, {**SOURCES, "app/checkout.py": edited})

    assert [d.code for d in new] == ["PO101", "PO201"]
    assert hidden == 1


def test_a_different_message_on_the_same_line_is_new() -> None:
    baseline = roundtrip(sample(), SOURCES)
    renamed = diag(message="Event `Chekout Startd` is not in the tracking plan")

    assert filter_new([renamed], baseline, SOURCES) == ([renamed], 0)


def test_duplicates_are_counted_one_by_one() -> None:
    source = "import analytics\n" + TRACK * 2
    sources = {"app/checkout.py": source}
    two = [diag(line=2), diag(line=3)]
    baseline = roundtrip(two, sources)
    assert len(baseline.entries) == 2

    third = "import analytics\n" + TRACK * 3
    new, hidden = filter_new([*two, diag(line=4)], baseline, {"app/checkout.py": third})
    assert (len(new), hidden) == (1, 2)

    one_left = "import analytics\n" + TRACK
    new, hidden = filter_new([diag(line=2)], baseline, {"app/checkout.py": one_left})
    assert (new, hidden) == ([], 1)
    assert len(stale_entries([diag(line=2)], baseline, {"app/checkout.py": one_left})) == 1


def test_duplicate_numbering_does_not_depend_on_input_order() -> None:
    sources = {"app/checkout.py": "import analytics\n" + TRACK * 4}
    findings = [diag(line=n) for n in range(2, 6)]
    shuffled = findings[:]
    random.Random(4).shuffle(shuffled)

    by_line = dict(zip((d.line for d in findings), fingerprints(findings, sources)))
    assert dict(zip((d.line for d in shuffled), fingerprints(shuffled, sources))) == by_line
    assert len(set(by_line.values())) == 4


def test_fixed_findings_drop_out_when_the_baseline_is_rewritten() -> None:
    first = write_baseline(sample(), SOURCES)
    still_open = [d for d in sample() if d.code != "PO101"]

    rewritten = json.loads(write_baseline(still_open, SOURCES))

    assert len(json.loads(first)["findings"]) == 3
    assert [e["code"] for e in rewritten["findings"]] == ["PO201", "PO301"]
    assert [e.code for e in stale_entries(still_open, parse_baseline(first, "b.json"), SOURCES)] == ["PO101"]


def test_written_baseline_is_sorted_pretty_versioned_and_readable() -> None:
    text = write_baseline(list(reversed(sample())), SOURCES)
    data = json.loads(text)

    assert text == write_baseline(sample(), SOURCES)
    assert text.endswith("}\n") and '\n  "findings": [\n' in text
    assert data["version"] == 1
    assert [(e["path"], e["code"]) for e in data["findings"]] == [
        ("app/checkout.py", "PO101"),
        ("app/checkout.py", "PO201"),
        ("app/events.py", "PO301"),
    ]
    assert data["findings"][0]["message"] == "Event `Chekout Started` is not in the tracking plan"
    assert "line" not in data["findings"][0]


def test_fingerprint_of_a_single_finding_matches_the_batch() -> None:
    (first, *_) = sample()
    assert fingerprint(first, CHECKOUT) == fingerprints(sample(), SOURCES)[0]


def test_without_source_the_fingerprint_still_ignores_line_numbers() -> None:
    assert fingerprints([diag(line=5)], {}) == fingerprints([diag(line=50)], {})
    assert fingerprint(diag(), None) != fingerprint(diag(), CHECKOUT)


def test_invalid_json_is_a_located_user_error() -> None:
    with pytest.raises(UserError) as info:
        parse_baseline('{\n  "version": 1,\n  "findings": [,]\n}\n', "base.json")

    (problem,) = info.value.problems
    assert (problem.location.path, problem.location.line) == ("base.json", 3)
    assert "invalid JSON" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[]", 1, "JSON object"),
        ('{"version": 2, "findings": []}', 1, "unsupported baseline version `2`"),
        ('{"version": true, "findings": []}', 1, "unsupported baseline version"),
        ('{"version": 1,\n "findings": {}}', 2, "`findings` must be a list"),
    ],
)
def test_malformed_baselines_are_user_errors(text: str, line: int, words: str) -> None:
    with pytest.raises(UserError) as info:
        parse_baseline(text, "base.json")

    (problem,) = info.value.problems
    assert problem.location.line == line
    assert words in problem.message


def test_every_bad_entry_is_reported_at_its_own_line() -> None:
    text = (
        '{\n  "version": 1,\n  "findings": [\n'
        '    {"fingerprint": "abc"},\n'
        '    {"code": "PO101"},\n'
        '    "nope"\n'
        "  ]\n}\n"
    )
    with pytest.raises(UserError) as info:
        parse_baseline(text, "base.json")

    assert [(p.location.line, p.message.split("`")[1]) for p in info.value.problems] == [
        (5, "findings[1]"),
        (6, "findings[2]"),
    ]


def test_extra_keys_are_ignored_when_reading() -> None:
    baseline = parse_baseline('{"version": 1, "note": "x", "findings": [{"fingerprint": "f", "line": 3}]}', "b")
    assert baseline.fingerprints == frozenset({"f"})
