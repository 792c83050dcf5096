"""`productops-app preview BASE..HEAD`: what the App would post, from a local git repository."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .localgit import LocalRepo
from .pipeline import Evaluation, evaluate
from .render import CheckOutput, Suggestion, check_output, sticky_comment, suggestions
from .settings import CHECK_NAME
from .sources import BlobCache


@dataclass(frozen=True)
class Preview:
    evaluation: Evaluation
    output: CheckOutput
    suggestions: list[Suggestion]
    sticky: str


def split_range(spec: str) -> tuple[str, str]:
    """``BASE..HEAD`` (or ``BASE...HEAD``; both compare from the merge base, as a PR does)."""
    base, sep, head = spec.partition("...") if "..." in spec else spec.partition("..")
    if not sep or not base or not head:
        raise ValueError(f"`{spec}` is not a range like main..HEAD")
    return base, head


def build_preview(repo_path: str | Path, spec: str, limit: int = 20) -> Preview:
    repo = LocalRepo(repo_path)
    base_rev, head_rev = split_range(spec)
    base, head = repo.rev_parse(base_rev), repo.rev_parse(head_rev)
    blobs = BlobCache(repo.blob)
    evaluation = evaluate(head, repo.changed_files(base, head), repo.tree(base), repo.tree(head), blobs)
    return Preview(
        evaluation,
        check_output(evaluation),
        suggestions(evaluation, limit),
        sticky_comment(evaluation, {CHECK_NAME: "(link to the check run)"}),
    )


def preview_data(preview: Preview) -> dict[str, Any]:
    return {
        "check_run": {
            "name": CHECK_NAME,
            "conclusion": preview.output.conclusion,
            "title": preview.output.title,
            "summary": preview.output.summary,
            "annotations": preview.output.annotations,
        },
        "review_comments": [s.to_api() for s in preview.suggestions],
        "sticky_comment": preview.sticky,
    }


def preview_text(preview: Preview) -> str:
    out = preview.output
    rule = "─" * 72
    lines = [rule, f"Check run {CHECK_NAME}: {out.conclusion} — {out.title}", rule, out.summary.rstrip()]
    lines += ["", rule, f"Annotations ({len(out.annotations)})", rule]
    lines += [
        f"{a['path']}:{a['start_line']} [{a['annotation_level']}] {a['title']}: {a['message']}"
        for a in out.annotations
    ] or ["(none)"]
    lines += ["", rule, f"Review suggestions ({len(preview.suggestions)})", rule]
    for s in preview.suggestions:
        where = f"{s.path}:{s.start_line}-{s.line}" if s.start_line != s.line else f"{s.path}:{s.line}"
        lines += [f"{where}", s.body, ""]
    if not preview.suggestions:
        lines.append("(none)")
    lines += ["", rule, "Sticky comment", rule, preview.sticky.rstrip()]
    return "\n".join(lines) + "\n"


def preview_json(preview: Preview) -> str:
    return json.dumps(preview_data(preview), indent=2) + "\n"
