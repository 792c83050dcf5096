"""Every check's documented examples, run through the real engine against the example plan."""

from __future__ import annotations

import pytest
from check_helpers import example_plan

from productops_lint.checks import all_checks
from productops_lint.checks.base import Check, Invalid, Valid
from productops_lint.config import Config

EXAMPLE_PATH = "example.py"

CASES: list[tuple[type[Check], Valid | Invalid]] = []
IDS: list[str] = []
for _code, _check in all_checks().items():
    for _number, _valid in enumerate(_check.valid, 1):
        CASES.append((_check, _valid))
        IDS.append(f"{_code}-valid-{_number}")
    for _number, _invalid in enumerate(_check.invalid, 1):
        CASES.append((_check, _invalid))
        IDS.append(f"{_code}-invalid-{_number}")


@pytest.mark.parametrize(("check", "example"), CASES, ids=IDS)
def test_documented_example_behaves_as_documented(check: type[Check], example: Valid | Invalid) -> None:
    from productops_lint.engine import analyze_source
    from productops_lint.fix import apply_edits

    config = Config(select=(check.code,), **example.config)  # type: ignore[arg-type]
    result = analyze_source(example.code, example_plan(), path=EXAMPLE_PATH, config=config)
    found = [d.message for d in result.diagnostics]
    assert all(d.code == check.code for d in result.diagnostics)
    if isinstance(example, Valid):
        assert found == []
        return
    assert found == list(example.messages)
    edits = [edit for d in result.diagnostics if d.fix is not None for edit in d.fix.edits]
    if example.fixed is None:
        assert edits == [], "the example documents no fix, but the check offers one"
        return
    assert edits, "the example documents a fix, but the check offers none"
    assert {edit.path for edit in edits} == {EXAMPLE_PATH}
    assert apply_edits(example.code, edits) == example.fixed
