"""The `text` format: Ruff-style lines, notes and help indented, and a summary that counts right."""

from __future__ import annotations

import re

from report_helpers import context, diag, rename, sample

from productops_lint.report.text import render
from productops_lint.types import Severity

EXPECTED = """\
app/checkout.py:5:30: PO101 [*] Event `Chekout Started` is not in the tracking plan
  help: Rename to `Checkout Started`
app/checkout.py:5:50: PO201 Property `cart_valeu` is not declared for event `Checkout Started`
  help: Rename to `cart_value`
app/events.py:1:10: PO301 Event `Sign Up Completed` is deprecated
  note: the constant `SIGNUP` is used 2 more times
  help: Rename to `Signup Completed`

Found 3 problems (1 error, 1 warning, 1 info) in 2 of 7 files; 1 fixable with `--fix`, 1 more with `--fix --unsafe-fixes`
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_findings_render_one_per_line_with_1_based_columns() -> None:
    assert render(sample(), context()) == EXPECTED


def test_findings_are_sorted_by_file_and_position() -> None:
    assert render(list(reversed(sample())), context()) == EXPECTED


def test_clean_run_says_all_checks_passed() -> None:
    assert render([], context()) == "All checks passed (7 files checked)\n"
    assert render([], context(files_checked=0)) == "All checks passed\n"


def test_summary_without_fixes_or_infos_and_unknown_file_count() -> None:
    out = render([diag(), diag(line=6), diag(path="b.py", severity=Severity.WARNING)], context(files_checked=0))

    assert out.splitlines()[-1] == "Found 3 problems (2 errors, 1 warning) in 2 files"


def test_only_unsafe_fixes_are_announced_as_such() -> None:
    unsafe = rename("app/checkout.py", 5, 29, 46, '"X"', "Rename to `X`", safe=False)
    out = render([diag(fix=unsafe)], context())

    assert "[*]" not in out
    assert out.splitlines()[-1] == (
        "Found 1 problem (1 error, 0 warnings) in 1 of 7 files; 1 fixable with `--fix --unsafe-fixes`"
    )


def test_baselined_findings_are_mentioned() -> None:
    assert render([], context(baselined=4)) == (
        "All checks passed (7 files checked)\n4 known problems hidden by the baseline\n"
    )


def test_color_adds_ansi_styles_and_nothing_else() -> None:
    colored = render(sample(), context(color=True))

    assert "\x1b[" in colored
    assert ANSI.sub("", colored) == EXPECTED
    assert "\x1b" not in render(sample(), context(color=False))


def test_color_output_does_not_interpret_brackets_in_messages() -> None:
    tricky = diag(message="Event `[bold]x[/bold]` is not in the tracking plan")

    assert "`[bold]x[/bold]`" in ANSI.sub("", render([tricky], context(color=True)))
