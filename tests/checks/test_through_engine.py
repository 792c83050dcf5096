"""Checks on real source, through detection: fixes land where names are spelled, across modules."""

from __future__ import annotations

from check_helpers import example_plan

from productops_lint.config import Config
from productops_lint.engine import analyze_source
from productops_lint.fix import apply_edits

CALLER = (
    "import analytics\nfrom app.events import ORDER\n\n"
    'analytics.track("u", ORDER, {"order_id": "o-1", "revenue": 1.0})\n'
)


def test_constant_in_another_module_is_fixed_there() -> None:
    constants = 'ORDER = "order completed"\n'
    result = analyze_source(
        CALLER, example_plan(), config=Config(select=("PO101",)), extra_files={"app/events.py": constants}
    )
    [diag] = result.diagnostics
    assert diag.path == "example.py"
    assert diag.fix is not None and diag.fix.applicability == "safe"
    [edit] = diag.fix.edits
    assert edit.path == "app/events.py"
    assert apply_edits(constants, [edit]) == 'ORDER = "Order Completed"\n'


def test_constant_read_for_something_else_is_left_alone_with_a_note() -> None:
    constants = 'ORDER = "order completed"\nTITLE = ORDER.upper()\n'
    result = analyze_source(
        CALLER, example_plan(), config=Config(select=("PO101",)), extra_files={"app/events.py": constants}
    )
    [diag] = result.diagnostics
    assert diag.fix is None
    assert diag.note is not None and "app.events.ORDER" in diag.note and "so it is not renamed" in diag.note


def test_one_call_can_raise_findings_of_several_families() -> None:
    code = 'import analytics\n\nanalytics.track("u", "Signed Up", {"emailAddress": "a@b.c"})\n'
    result = analyze_source(code, example_plan(), config=Config(select=("PO",)))
    assert sorted(d.code for d in result.diagnostics) == ["PO202", "PO205", "PO206", "PO301"]


def test_single_quoted_key_keeps_its_quotes_when_renamed() -> None:
    code = "import analytics\n\nanalytics.track('u', 'Checkout Started', {'cart_valeu': 1.0})\n"
    result = analyze_source(code, example_plan(), config=Config(select=("PO202",)))
    [diag] = result.diagnostics
    assert diag.fix is not None
    assert apply_edits(code, diag.fix.edits) == code.replace("'cart_valeu'", "'cart_value'")
