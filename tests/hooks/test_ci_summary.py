"""The action's job summary: Markdown from a JSON report, including reports that do not exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from productops_lint.ci import main, summary_markdown


def _diagnostic(code: str = "PO101", path: str = "app/a.py", line: int = 3, message: str = "Event `X` is not in the tracking plan", severity: str = "error", note: str | None = None) -> dict[str, object]:
    return {"code": code, "name": "unknown-event", "severity": severity, "path": path, "line": line, "column": 5, "message": message, "note": note}


def test_clean_report_says_so() -> None:
    assert summary_markdown({"diagnostics": []}) == "### productops-lint\n\n:white_check_mark: No findings.\n"


def test_findings_are_counted_by_severity_file_and_check() -> None:
    report = {"diagnostics": [_diagnostic(), _diagnostic(line=9), _diagnostic("PO205", "app/b.py", severity="warning")]}
    text = summary_markdown(report, exit_code=1)
    assert ":x: 2 errors, 1 warning in 2 files." in text
    assert "| `PO101` | unknown-event | 2 |" in text
    assert "| `app/a.py:9:5` | `PO101` | Event `X` is not in the tracking plan |" in text


def test_warnings_alone_do_not_show_a_failure() -> None:
    text = summary_markdown({"diagnostics": [_diagnostic(severity="warning")]}, exit_code=0)
    assert ":warning: 1 warning in 1 file." in text


def test_table_cells_survive_pipes_and_newlines() -> None:
    text = summary_markdown({"diagnostics": [_diagnostic(message="a | b\nc", note="why")]}, exit_code=1)
    assert "| a \\| b<br>c (why) |" in text


def test_long_reports_are_cut_with_a_pointer_to_the_annotations() -> None:
    report = {"diagnostics": [_diagnostic(line=n) for n in range(1, 8)]}
    text = summary_markdown(report, exit_code=1, limit=5)
    assert text.count("| `app/a.py:") == 5
    assert "2 more not shown here" in text


@pytest.mark.parametrize("content", [None, "", "not json", "[]"])
def test_missing_or_broken_report_means_the_run_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None) -> None:
    report = tmp_path / "report.json"
    if content is not None:
        report.write_text(content)
    assert main(["summary", str(report), "--exit-code", "1"]) == 0
    assert "could not run" in capsys.readouterr().out


def test_exit_status_2_is_reported_even_with_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"diagnostics": []}))
    main(["summary", str(report), "--exit-code", "2"])
    assert "could not run (exit status 2)" in capsys.readouterr().out
