"""The `github` format: workflow commands with the right command, positions and escaping."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from report_helpers import context, diag, sample

from productops_lint.report.github import render
from productops_lint.types import Severity

COMMAND = re.compile(r"^::(\w+) ([^:]*)::(.*)$")


def unescape(value: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: chr(int(m.group(1), 16)), value)


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the runner does: split on `,` and the first `=`."""
    match = COMMAND.match(line)
    assert match, line
    name, props, data = match.groups()
    properties = dict(pair.split("=", 1) for pair in props.split(","))
    return name, {k: unescape(v) for k, v in properties.items()}, unescape(data)


def test_each_finding_is_one_annotation_with_its_severity() -> None:
    lines = render(sample(), context()).splitlines()

    assert lines[0] == (
        "::error file=app/checkout.py,line=5,col=30,endLine=5,endColumn=47,title=PO101"
        "::Event `Chekout Started` is not in the tracking plan"
    )
    assert [parse(line)[0] for line in lines] == ["error", "warning", "notice"]


def test_note_goes_on_an_escaped_second_line() -> None:
    last = render(sample(), context()).splitlines()[-1]

    assert last.endswith("::Event `Sign Up Completed` is deprecated%0Anote: the constant `SIGNUP` is used 2 more times")


def test_special_characters_are_escaped_in_properties_and_message() -> None:
    odd = diag(path="app/a,b:c%.py", message="100% broken\r\nreally")
    (line,) = render([odd], context()).splitlines()

    assert "file=app/a%2Cb%3Ac%25.py," in line
    assert line.endswith("::100%25 broken%0D%0Areally")


def test_multi_line_spans_keep_lines_but_drop_the_end_column() -> None:
    (line,) = render([diag(line=3, end_line=6, end_col=2)], context()).splitlines()

    _, properties, _ = parse(line)
    assert properties == {"file": "app/checkout.py", "line": "3", "col": "30", "endLine": "6", "title": "PO101"}


def test_clean_run_prints_nothing() -> None:
    assert render([], context()) == ""


@given(st.text(), st.text(min_size=1), st.sampled_from(list(Severity)))
def test_any_path_and_message_survive_the_round_trip(path: str, message: str, severity: Severity) -> None:
    (line,) = render([diag(path=path, message=message, severity=severity)], context()).split("\n")[:-1]

    _, properties, data = parse(line)
    assert (properties["file"], data) == (path, message)
