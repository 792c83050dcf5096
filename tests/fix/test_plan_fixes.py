"""plan_fixes and apply_edits: which fixes apply together, and what a file must still be afterwards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from productops_lint.fix import (
    apply_edits,
    declared_encoding,
    plan_fixes,
    split_lines,
    unified_diff,
)
from productops_lint.types import Applicability, Diagnostic, Edit, Fix, Span

A = 'import analytics\nanalytics.track("u", "Signed Up")\nanalytics.track("u", "order completed")\n'
B = 'NAME = "Checkout Stared"\n'


def edit(path: str, line: int, col: int, end_col: int, text: str) -> Edit:
    return Edit(path, Span(line, col, line, end_col), text)


def finding(*edits: Edit, applicability: Applicability = "safe", code: str = "PO101") -> Diagnostic:
    first = edits[0]
    fix = Fix("Rename", applicability, tuple(edits))
    return Diagnostic(code, first.path, first.span, f"{code} at {first.span}", fix=fix, fix_title=fix.title)


SIGNED_UP = edit("a.py", 2, 21, 32, '"Account Created"')
ORDER = edit("a.py", 3, 21, 38, '"Order Completed"')
BREAKS = edit("a.py", 3, 21, 38, '"Order Completed')  # an unterminated string


def test_all_fixes_of_a_file_are_applied_together() -> None:
    plan = plan_fixes([finding(SIGNED_UP), finding(ORDER)], {"a.py": A})

    assert plan.new_sources == {"a.py": A.replace('"Signed Up"', '"Account Created"').replace('"order completed"', '"Order Completed"')}
    assert len(plan.applied) == 2 and plan.skipped == []


def test_only_the_fix_that_would_break_the_file_is_left_out() -> None:
    good, bad = finding(SIGNED_UP), finding(BREAKS)

    plan = plan_fixes([good, bad], {"a.py": A})

    assert plan.new_sources == {"a.py": A.replace('"Signed Up"', '"Account Created"')}
    assert plan.applied == [good]
    assert plan.skipped == [(bad, "the fixed `a.py` would not parse")]


def test_a_fix_spanning_two_files_applies_in_both_or_neither() -> None:
    spanning = finding(edit("b.py", 1, 7, 24, '"Checkout Started"'), BREAKS)

    plan = plan_fixes([spanning], {"a.py": A, "b.py": B})

    assert plan.new_sources == {}
    assert plan.applied == []
    assert [reason for _, reason in plan.skipped] == ["the fixed `a.py` would not parse"]


def test_the_same_edit_from_two_findings_is_made_once() -> None:
    # Two call sites reading one constant both ask for the same change at its definition.
    rename = edit("b.py", 1, 7, 24, '"Checkout Started"')
    first, second = finding(rename), finding(rename, code="PO102")

    plan = plan_fixes([first, second], {"b.py": B})

    assert plan.new_sources == {"b.py": 'NAME = "Checkout Started"\n'}
    assert plan.applied == [first, second]


def test_overlapping_fixes_keep_the_first_and_say_why_the_second_waits() -> None:
    first = finding(ORDER)
    second = finding(edit("a.py", 3, 21, 38, '"Checkout Started"'))

    plan = plan_fixes([first, second], {"a.py": A})

    assert plan.applied == [first]
    assert plan.skipped == [(second, "overlaps another fix; run again")]


def test_unsafe_fixes_need_the_flag() -> None:
    unsafe = finding(ORDER, applicability="unsafe")

    assert plan_fixes([unsafe], {"a.py": A}).new_sources == {}
    assert "a.py" in plan_fixes([unsafe], {"a.py": A}, unsafe=True).new_sources


def test_a_fix_for_a_file_that_was_not_read_is_skipped() -> None:
    plan = plan_fixes([finding(edit("gone.py", 1, 0, 1, "x"))], {"a.py": A})

    assert plan.new_sources == {}
    assert [reason for _, reason in plan.skipped] == ["the file to edit was not read"]


def test_text_the_declared_encoding_cannot_hold_is_refused() -> None:
    source = "# -*- coding: latin-1 -*-\n" + A
    star = Edit("a.py", Span(3, 21, 3, 32), '"Account Created \u2605"')

    plan = plan_fixes([finding(star)], {"a.py": source})

    assert plan.new_sources == {}
    assert [reason for _, reason in plan.skipped] == ["the new text cannot be written in the encoding of `a.py` (iso-8859-1)"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("", "utf-8"),
        ("# -*- coding: latin-1 -*-\n", "iso-8859-1"),
        ("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n", "cp1252"),
        ("# coding: utf-8\n", "utf-8"),
        ("# coding: no-such-codec\n", "utf-8"),
    ],
)
def test_declared_encoding_reads_the_coding_cookie(head: str, expected: str) -> None:
    assert declared_encoding(head + "x = 1\n") == expected


@pytest.mark.parametrize("breaker", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_lines_break_only_where_python_breaks_them(breaker: str) -> None:
    source = f"a = 1  # {breaker} not a new line\nb = 'x'\n"

    assert len(split_lines(source)) == 2
    assert apply_edits(source, [Edit("m.py", Span(2, 4, 2, 7), "'y'")]) == source.replace("'x'", "'y'")


def test_lines_break_at_crlf_cr_and_lf() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]


def test_diff_marks_a_last_line_without_newline() -> None:
    diff = unified_diff("m.py", "a = 1\nb = 'x'", "a = 1\nb = 'y'")

    assert diff.endswith("-b = 'x'\n\\ No newline at end of file\n+b = 'y'\n\\ No newline at end of file\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to apply the patch")
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a = 1\nb = 'x'", "a = 1\nb = 'y'"),
        ("a = 1\r\nb = 'x'\r\n", "a = 1\r\nb = 'y'\r\n"),
        ("a = 1\n\x0cb = 'x'\n", "a = 1\n\x0cb = 'y'\n"),
    ],
    ids=["no-final-newline", "crlf", "form-feed"],
)
def test_the_diff_applies_with_git(tmp_path: Path, before: str, after: str) -> None:
    (tmp_path / "m.py").write_bytes(before.encode())

    done = subprocess.run(
        ["git", "apply", "-"], input=unified_diff("m.py", before, after).encode(), cwd=tmp_path, capture_output=True
    )

    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "m.py").read_bytes() == after.encode()
