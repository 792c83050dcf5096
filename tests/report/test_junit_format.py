"""The `junit` format: parseable XML, a suite per file, a failing case per finding, a pass when clean."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from report_helpers import context, diag, sample

from productops_lint.report.junit import render, xml_safe


def parsed(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_one_suite_per_file_and_one_failing_case_per_finding() -> None:
    root = parsed(render(sample(), context()))

    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "3", "3")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("app/checkout.py", "2", "2"),
        ("app/events.py", "1", "1"),
    ]
    case = suites[0].find("testcase")
    assert case is not None
    assert (case.get("name"), case.get("classname"), case.get("line")) == (
        "PO101 at line 5, column 30",
        "app/checkout.py",
        "5",
    )
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "Event `Chekout Started` is not in the tracking plan"
    assert failure.get("type") == "PO101 (error)"
    assert failure.text == "app/checkout.py:5:30: PO101 Event `Chekout Started` is not in the tracking plan"


def test_clean_run_has_one_passing_case() -> None:
    root = parsed(render([], context()))

    (suite,) = root.findall("testsuite")
    (case,) = suite.findall("testcase")
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    assert case.get("name") == "All checks passed (7 files checked)"
    assert list(case) == []


def test_markup_and_quotes_in_messages_are_escaped() -> None:
    message = 'Event `<b>&"x"` is not in the tracking plan'
    root = parsed(render([diag(message=message, path="a&b.py")], context()))

    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == message
    assert root.find("testsuite").get("name") == "a&b.py"  # type: ignore[union-attr]


def test_characters_xml_cannot_hold_are_spelled_out() -> None:
    root = parsed(render([diag(message="Event `a\x1bb\x00` is odd")], context()))

    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "Event `a\\x1bb\\x00` is odd"


@given(st.text(), st.text())
def test_any_text_gives_parseable_xml_keeping_every_representable_character(message: str, path: str) -> None:
    root = parsed(render([diag(message=message, path=path)], context()))

    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == xml_safe(message)


def test_xml_safe_leaves_representable_text_alone() -> None:
    text = "tab\tnew\nline é 😀 \ufffd"
    assert xml_safe(text) == text
