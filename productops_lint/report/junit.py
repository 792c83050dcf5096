"""The `junit` format: JUnit XML, one test suite per file and one failing test case per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from typing import Sequence

from ..types import Diagnostic
from . import TOOL_NAME, ReportContext
from ._common import Position, message_with_note, ordered, plural

# Characters XML 1.0 cannot carry even escaped; ElementTree would write them and produce a file
# no parser accepts. Messages quote source code, so they can contain them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot represent spelled as ``\\xNN`` / ``\\uNNNN``."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _testcase(suite: ET.Element, d: Diagnostic) -> None:
    position = Position.of(d.span)
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": xml_safe(f"{d.code} at line {position.line}, column {position.column}"),
            "classname": xml_safe(d.path),
            "file": xml_safe(d.path),
            "line": str(position.line),
        },
    )
    failure = ET.SubElement(
        case,
        "failure",
        {"message": xml_safe(d.message), "type": xml_safe(f"{d.code} ({d.severity.value})")},
    )
    failure.text = xml_safe(
        f"{d.path}:{position.line}:{position.column}: {d.code} {message_with_note(d)}"
    )


def render(diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    items = ordered(diagnostics)
    root = ET.Element(
        "testsuites", {"name": TOOL_NAME, "tests": str(max(len(items), 1)), "failures": str(len(items))}
    )
    for path, group in groupby(items, key=lambda d: d.path):
        findings = list(group)
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": xml_safe(path), "tests": str(len(findings)), "failures": str(len(findings)), "errors": "0"},
        )
        for d in findings:
            _testcase(suite, d)
    if not items:
        # CI dashboards show an empty report as "no tests"; one passing case says the check ran.
        suite = ET.SubElement(
            root, "testsuite", {"name": TOOL_NAME, "tests": "1", "failures": "0", "errors": "0"}
        )
        checked = f" ({plural(ctx.files_checked, 'file')} checked)" if ctx.files_checked else ""
        ET.SubElement(suite, "testcase", {"name": f"All checks passed{checked}", "classname": TOOL_NAME})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
