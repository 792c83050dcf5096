"""Rendering: GitHub's size limits, annotation batches, suggestions only inside the diff."""

from __future__ import annotations

from github_app.analysis import Diagnostic, finding_fingerprints
from github_app.github import ChangedFile
from github_app.pipeline import FAILURE, Evaluation
from github_app.render import (
    ANNOTATIONS_PER_REQUEST,
    MAX_COMMENT_CHARS,
    MAX_OUTPUT_CHARS,
    SUMMARY_MARKER,
    check_output,
    finding_marker,
    sticky_comment,
    suggestions,
)
from productops_lint.types import Edit, Fix, Span

SOURCE = "".join(f'track("Evnt {i}")\n' for i in range(1, 301))
# Lines 10..20 changed; GitHub's patch shows them with three lines of context (7..23).
PATCH = "@@ -7,14 +7,17 @@ def f():\n" + "".join(f"+line {i}\n" for i in range(7, 24))


def finding(line: int, fixed: bool = True, message: str = "Event `Evnt` is not in the tracking plan") -> Diagnostic:
    start, end = 7, 11  # `Evnt` in `track("Evnt N")`
    fix = Fix("Rename to `Event`", "safe", (Edit("app.py", Span(line, start, line, end), "Event"),)) if fixed else None
    return Diagnostic("PO101", "app.py", Span(line, start, line, end), f"{message} {line}",
                      fix_title=fix.title if fix else None, fix=fix)


def evaluation(diagnostics: list[Diagnostic]) -> Evaluation:
    sources = {"app.py": SOURCE}
    return Evaluation("c0ffee" * 6 + "abcd", FAILURE, f"{len(diagnostics)} errors",
                      [ChangedFile("app.py", "modified", PATCH)], diagnostics,
                      finding_fingerprints(diagnostics, sources), sources)


def test_suggestions_only_on_lines_inside_the_patch_hunks() -> None:
    ev = evaluation([finding(5), finding(7), finding(15), finding(23), finding(24), finding(16, fixed=False)])
    made = suggestions(ev, limit=20)
    assert [s.line for s in made] == [7, 15, 23]
    body = made[1].body
    assert '```suggestion\ntrack("Event 15")\n```' in body
    assert finding_marker(ev.fingerprints[2]) in body
    assert made[1].to_api() == {"path": "app.py", "line": 15, "side": "RIGHT", "body": body}


def test_suggestions_are_capped() -> None:
    ev = evaluation([finding(line) for line in range(7, 24)])
    assert len(suggestions(ev, limit=5)) == 5


def test_multi_line_fix_becomes_a_multi_line_suggestion() -> None:
    fix = Fix("Join", "safe", (Edit("app.py", Span(10, 0, 11, 17), 'track("Joined")'),))
    d = Diagnostic("PO101", "app.py", Span(10, 0, 10, 5), "m", fix_title="Join", fix=fix)
    made = suggestions(evaluation([d]), limit=5)
    assert made[0].to_api()["start_line"] == 10 and made[0].line == 11
    assert '```suggestion\ntrack("Joined")\n```' in made[0].body


def test_suggestion_counts_lines_as_the_parser_does_past_a_line_separator_in_a_string() -> None:
    # str.splitlines would end a line at the U+2028 inside the literal; the span's line 2 is `track`.
    source = 'x = "a\u2028b"\ntrack("Evnt")\n'
    fix = Fix("Rename to `Event`", "safe", (Edit("app.py", Span(2, 7, 2, 11), "Event"),))
    d = Diagnostic("PO101", "app.py", Span(2, 7, 2, 11), "m", fix_title=fix.title, fix=fix)
    sources = {"app.py": source}
    ev = Evaluation("c0ffee" * 6 + "abcd", FAILURE, "1 error", [ChangedFile("app.py", "modified", "@@ -1,2 +1,2 @@\n+x\n+y\n")],
                    [d], finding_fingerprints([d], sources), sources)
    (made,) = suggestions(ev, limit=5)
    assert made.line == 2 and '```suggestion\ntrack("Event")\n```' in made.body


def test_overlapping_edits_get_no_suggestion() -> None:
    edits = (Edit("app.py", Span(10, 0, 10, 9), "a"), Edit("app.py", Span(10, 5, 10, 12), "b"))
    d = Diagnostic("PO101", "app.py", Span(10, 0, 10, 5), "m", fix_title="x", fix=Fix("x", "safe", edits))
    assert suggestions(evaluation([d]), limit=5) == []


def test_fix_that_edits_another_file_gets_no_suggestion() -> None:
    fix = Fix("Rename the constant", "unsafe", (Edit("events.py", Span(1, 0, 1, 3), "X"),))
    d = Diagnostic("PO101", "app.py", Span(10, 0, 10, 5), "m", fix_title=fix.title, fix=fix)
    assert suggestions(evaluation([d]), limit=5) == []


def test_annotations_go_out_fifty_per_request() -> None:
    out = check_output(evaluation([finding(line, fixed=False) for line in range(1, 121)]))
    assert [len(b) for b in out.batches()] == [ANNOTATIONS_PER_REQUEST, ANNOTATIONS_PER_REQUEST, 20]
    first = out.annotations[0]
    assert first == {"path": "app.py", "start_line": 1, "end_line": 1, "annotation_level": "failure",
                     "title": "PO101", "message": "Event `Evnt` is not in the tracking plan 1",
                     "start_column": 8, "end_column": 11}


def test_summary_and_sticky_comment_stay_within_githubs_limits() -> None:
    huge = "x" * 3000
    ev = evaluation([finding(line, fixed=False, message=huge) for line in range(1, 301)])
    summary = check_output(ev).summary
    assert len(summary) <= MAX_OUTPUT_CHARS
    sticky = sticky_comment(ev, {"productops/tracking-plan": "https://github.example/run/1"})
    assert len(sticky) <= MAX_COMMENT_CHARS
    assert sticky.startswith(SUMMARY_MARKER)
    assert sticky.rstrip().endswith("(https://github.example/run/1)"), "the link survives truncation"
    assert "truncated" in sticky
