"""Evaluation -> what GitHub shows: check-run output, annotations, suggestions, the sticky comment."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from productops_lint.fix import EditConflict, apply_edits, split_lines

from .analysis import Diagnostic, Severity
from .diffhunks import commentable
from .pipeline import FAILURE, NEUTRAL, SUCCESS, Evaluation

if TYPE_CHECKING:
    from github.PullRequest import ReviewComment as NewReviewComment
from productops_lint.untrusted import code_span, fenced, inline, neutral

# GitHub's limits: check-run summary/text 65535 characters, a comment body 65536, 50 annotations
# per request. We stop listing annotations well before the UI stops being useful.
MAX_OUTPUT_CHARS = 65535
MAX_COMMENT_CHARS = 65536
ANNOTATIONS_PER_REQUEST = 50
MAX_ANNOTATIONS = 1000
MAX_LISTED_FINDINGS = 200

MARKER_PREFIX = "<!-- productops-lint:"
SUMMARY_MARKER = "<!-- productops-lint:summary -->"
_LEVEL = {Severity.ERROR: "failure", Severity.WARNING: "warning", Severity.INFO: "notice"}
_ICON = {SUCCESS: "✅", FAILURE: "❌", NEUTRAL: "⚪"}


def finding_marker(fingerprint: str) -> str:
    return f"{MARKER_PREFIX}finding:{fingerprint} -->"


def resolved_marker(fingerprint: str) -> str:
    return f"{MARKER_PREFIX}resolved:{fingerprint} -->"


def clip(text: str, limit: int, tail: str = "\n\n_…truncated to fit GitHub's size limit._\n") -> str:
    """``text`` cut at a line boundary so that it (with ``tail``) fits in ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(tail)]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + tail


def _where(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.column}"


def _message(d: Diagnostic) -> str:
    parts = [d.message]
    if d.note:
        parts.append(f"({d.note})")
    if d.fix_title:
        parts.append(f"Fix: {d.fix_title}")
    return " ".join(parts)


def _findings_section(title: str, diagnostics: Sequence[Diagnostic]) -> list[str]:
    if not diagnostics:
        return []
    counts = Counter(d.code for d in diagnostics)
    lines = ["", f"### {title}", "", "| Code | Findings |", "| --- | ---: |"]
    lines += [f"| `{code}` | {count} |" for code, count in sorted(counts.items())]
    lines.append("")
    shown = sorted(diagnostics, key=lambda d: (d.path, d.span, d.code))[:MAX_LISTED_FINDINGS]
    # Messages and paths quote the PR's code: made inert (see untrusted.py and SECURITY.md).
    lines += [f"- {code_span(_where(d))} **{d.code}** {inline(_message(d))}" for d in shown]
    if len(diagnostics) > len(shown):
        lines.append(f"- _…and {len(diagnostics) - len(shown)} more (see the check run's annotations)._")
    return lines


def summary_markdown(evaluation: Evaluation) -> str:
    """The body shared by the check-run summary and the sticky comment."""
    lines = [f"{_ICON.get(evaluation.conclusion, '')} **{evaluation.title}** at `{evaluation.head_sha[:7]}`"]
    if evaluation.error:
        lines += ["", fenced(evaluation.error, "text").rstrip("\n")]
    lines += _findings_section("Findings by code", evaluation.diagnostics)
    if evaluation.baselined:
        lines += ["", f"{evaluation.baselined} known {'finding is' if evaluation.baselined == 1 else 'findings are'} "
                  "recorded in the baseline and not shown."]
    if evaluation.plan_diff:
        lines += ["", neutral(evaluation.plan_diff.rstrip("\n"))]
    if evaluation.rules_changed and not evaluation.error:
        if evaluation.pr_plan_diagnostics:
            lines += _findings_section("With this pull request's rules", evaluation.pr_plan_diagnostics)
        else:
            lines += ["", "No findings on the changed files with this pull request's rules either."]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CheckOutput:
    conclusion: str
    title: str
    summary: str
    annotations: list[dict[str, Any]]

    def batches(self) -> list[list[dict[str, Any]]]:
        """Annotations in request-sized batches (at least one batch, maybe empty)."""
        items = self.annotations
        return [items[i : i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(items), ANNOTATIONS_PER_REQUEST)] or [[]]


def annotation(d: Diagnostic) -> dict[str, Any]:
    end_line = max(d.span.end_line, d.span.start_line)
    data: dict[str, Any] = {
        "path": d.path,
        "start_line": d.span.start_line,
        "end_line": end_line,
        "annotation_level": _LEVEL[d.severity],
        "title": d.code,
        "message": clip(_message(d), 60000),
    }
    # GitHub accepts columns only on single-line annotations.
    if end_line == d.span.start_line and d.span.end_col >= d.span.start_col:
        data["start_column"] = d.span.start_col + 1
        data["end_column"] = max(d.span.end_col, d.span.start_col + 1)
    return data


def check_output(evaluation: Evaluation) -> CheckOutput:
    shown = evaluation.diagnostics[:MAX_ANNOTATIONS]
    summary = summary_markdown(evaluation)
    if len(evaluation.diagnostics) > len(shown):
        summary += f"\nOnly the first {len(shown)} findings are annotated.\n"
    return CheckOutput(
        evaluation.conclusion, evaluation.title, clip(summary, MAX_OUTPUT_CHARS), [annotation(d) for d in shown]
    )


@dataclass(frozen=True)
class Suggestion:
    """An inline review comment with a ```suggestion block, keyed by the finding's fingerprint."""

    fingerprint: str
    path: str
    start_line: int
    line: int
    body: str

    def to_api(self) -> NewReviewComment:
        data: NewReviewComment = {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body}
        if self.start_line != self.line:
            data["start_line"], data["start_side"] = self.start_line, "RIGHT"
        return data


def _fixed_lines(d: Diagnostic, source: str) -> tuple[int, int, str] | None:
    """(first, last, new text) when the fix edits only one line range of the diagnostic's file."""
    if d.fix is None or not d.fix.edits or any(e.path != d.path for e in d.fix.edits):
        return None
    lines = split_lines(source)  # as the parser counts lines, which is how spans count them
    first = min(e.span.start_line for e in d.fix.edits)
    last = max(e.span.end_line for e in d.fix.edits)
    if first < 1 or last > len(lines):
        return None
    try:
        fixed = apply_edits(source, d.fix.edits)
    except EditConflict:
        return None  # overlapping edits cannot be shown as one suggestion
    # The edits lie within lines first..last, so the text before and after those lines is unchanged.
    before, after = sum(len(line) for line in lines[: first - 1]), sum(len(line) for line in lines[last:])
    new = fixed[before : len(fixed) - after]
    return first, last, new if new.endswith("\n") else new + "\n"


def suggestions(evaluation: Evaluation, limit: int) -> list[Suggestion]:
    """Suggestions for fixable findings whose lines lie inside the diff (checked against the
    file's hunks, as GitHub rejects the whole review otherwise); at most ``limit``."""
    patches = evaluation.patches
    out: list[Suggestion] = []
    for d, fp in zip(evaluation.diagnostics, evaluation.fingerprints):
        if len(out) >= limit:
            break
        fixed = _fixed_lines(d, evaluation.sources.get(d.path, ""))
        if fixed is None or not commentable(patches.get(d.path), fixed[0], fixed[1]):
            continue
        first, last, text = fixed
        title = d.fix_title or (d.fix.title if d.fix else "Apply the fix")
        body = (
            f"**{d.code}** {inline(d.message)}\n\n{inline(title)}:\n\n{fenced(text, 'suggestion')}{finding_marker(fp)}"
        )
        out.append(Suggestion(fp, d.path, first, last, body))
    return out


def resolved_body(body: str, fingerprint: str, head_sha: str) -> str:
    """Our comment, edited when its finding is gone (GitHub keeps the thread and any replies)."""
    original = body.replace(finding_marker(fingerprint), "").strip()
    return (
        f"✅ Resolved in `{head_sha[:7]}`: this finding is gone.\n\n"
        f"<details><summary>Original comment</summary>\n\n{original}\n\n</details>\n{resolved_marker(fingerprint)}"
    )


def sticky_comment(evaluation: Evaluation, check_urls: Mapping[str, str]) -> str:
    """The one summary comment per pull request, edited in place on every run."""
    links = " · ".join(f"[{name}]({url})" for name, url in check_urls.items())
    head = [SUMMARY_MARKER, "## productops-lint: tracking plan", ""]
    foot = ["", links] if links else []
    body = summary_markdown(evaluation)
    room = MAX_COMMENT_CHARS - len("\n".join(head + foot)) - 2
    return "\n".join(head + [clip(body, room).rstrip("\n")] + foot) + "\n"


# The PR checks (epic link, launch checklist) own delimited sections of the sticky comment; the
# tracking-plan run rebuilds its part and keeps theirs (see publish.sync_sticky).
SECTION_TITLES = {"epic": "Epic", "checklist": "Launch checklist"}
_SECTION = re.compile(
    re.escape(MARKER_PREFIX) + r"section:(?P<name>[\w-]+) -->\n(?P<body>.*?)\n" + re.escape(MARKER_PREFIX) + r"/section:(?P=name) -->",
    re.DOTALL,
)
RECHECK_ACTION = {"label": "Re-check", "description": "Run this check again", "identifier": "recheck"}


def sections_of(body: str) -> dict[str, str]:
    """The PR checks' sections of a sticky comment: name -> the section's whole delimited text."""
    return {m.group("name"): m.group(0) for m in _SECTION.finditer(body)}


def section_block(name: str, markdown: str) -> str:
    title = SECTION_TITLES.get(name, name)
    return f"{MARKER_PREFIX}section:{name} -->\n### {title}\n\n{markdown.strip()}\n{MARKER_PREFIX}/section:{name} -->"


def with_sections(body: str, sections: Mapping[str, str]) -> str:
    """``body`` with each named section replaced in place, or added at the end, in SECTION_TITLES order."""
    present = sections_of(body)
    for name in sorted(sections, key=lambda n: list(SECTION_TITLES).index(n) if n in SECTION_TITLES else 99):
        block = sections[name]
        if name in present:
            body = body.replace(present[name], block)
        else:
            body = body.rstrip("\n") + "\n\n" + block + "\n"
    return clip(body, MAX_COMMENT_CHARS)


def sections_comment(sections: Mapping[str, str]) -> str:
    """A sticky comment holding only the PR checks' sections (the tracking-plan run adds its part later)."""
    return with_sections(f"{SUMMARY_MARKER}\n## productops-lint\n", sections)


def check_result_output(title: str, summary: str, text: str) -> dict[str, str]:
    """A check run's output within GitHub's size limits."""
    output = {"title": clip(title, 255, "…"), "summary": clip(summary or title, MAX_OUTPUT_CHARS)}
    if text:
        output["text"] = clip(text, MAX_OUTPUT_CHARS)
    return output


def without_sections(body: str) -> str:
    """``body`` without the PR checks' sections (what the tracking-plan run alone would post)."""
    for block in sections_of(body).values():
        body = body.replace("\n\n" + block, "").replace(block, "")
    return body
