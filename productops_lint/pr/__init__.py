"""The PR checks (`productops/epic-link`, `productops/launch-checklist`) as pure logic that every front end calls."""

# Two phases keep the library free of I/O: a front end calls ``find_refs``, resolves each ref with
# its tracker, then ``decide_epic``; it edits the body with ``merge_body`` and calls ``evaluate``.

from __future__ import annotations

from .body import diff_ticks, merge_body, merge_checklists, parse_items, render_section
from .checklist import evaluate
from .config import applicable_checklists
from .epic import decide_epic, is_epic
from .keys import find_refs
from .render import check_text, items_table, section
from .types import (
    ACTION_REQUIRED,
    CHECKLIST_CHECK,
    EPIC_CHECK,
    FAILURE,
    NEUTRAL,
    SUCCESS,
    CheckResult,
    Commit,
    EventChange,
    ItemResult,
    PullRequestFacts,
    Tick,
    Ticket,
    TicketRef,
    TrackerProblem,
)

__all__ = [
    "ACTION_REQUIRED", "CHECKLIST_CHECK", "EPIC_CHECK", "FAILURE", "NEUTRAL", "SUCCESS",
    "CheckResult", "Commit", "EventChange", "ItemResult", "PullRequestFacts", "Tick", "Ticket", "TicketRef",
    "TrackerProblem", "applicable_checklists", "check_text", "decide_epic", "diff_ticks", "evaluate", "find_refs",
    "is_epic", "items_table", "merge_body", "merge_checklists", "parse_items", "render_section", "section",
]
