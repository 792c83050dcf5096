"""The FORMATS table: every format is listed, renders the shared samples, and loads only when looked up."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import context, sample

import productops_lint.checks
from productops_lint.report import FORMATS, render

REPO = Path(__file__).resolve().parents[2]


def test_every_documented_format_is_listed() -> None:
    assert list(FORMATS) == ["text", "json", "sarif", "github", "junit", "gitlab"]


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_renders_findings_and_a_clean_run(name: str) -> None:
    assert "PO101" in render(name, sample(), context())
    assert isinstance(render(name, [], context()), str)


@pytest.mark.parametrize("name", list(FORMATS))
def test_renderers_use_the_check_catalogue_when_none_is_given(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from report_helpers import CHECKS

    calls: list[int] = []

    def fake_all_checks() -> dict[str, type]:
        calls.append(1)
        return CHECKS

    monkeypatch.setattr(productops_lint.checks, "all_checks", fake_all_checks)
    out = FORMATS[name](sample(), context(checks=None))

    assert "PO101" in out
    # Only formats that show rule metadata need the catalogue.
    assert bool(calls) == (name in ("json", "sarif"))


def test_looking_up_text_does_not_import_the_other_formats() -> None:
    code = (
        "import sys\n"
        "from productops_lint.report import FORMATS, ReportContext\n"
        "FORMATS['text']([], ReportContext(tool_version='0'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('productops_lint.report.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == "['productops_lint.report._common', 'productops_lint.report.text']"


def test_unknown_format_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        FORMATS["xml"]


def test_output_formats_doc_lists_exactly_the_formats() -> None:
    doc = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    first_table = doc.split("\n\n| Format", 1)[1].split("\n\n", 1)[0]
    table = re.findall(r"^\| `(\w+)`", first_table, re.M)
    sections = [line[len("## `") : -1] for line in doc.splitlines() if line.startswith("## `")]

    assert table == list(FORMATS)
    assert sections == list(FORMATS)


def test_text_example_in_the_doc_is_real_output() -> None:
    doc = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    example = doc.split("## `text`\n\n```\n", 1)[1].split("```", 1)[0]

    assert example == FORMATS["text"](sample(), context())
