"""A launch checklist in the base branch's rule files, and how a person ticks its manual item in the PR body."""

from __future__ import annotations

import re

# A manual item (ticked by a person) and an automatic one (docs or changelog changed), on every PR.
CHECKLIST_RULES: dict[str, str | None] = {
    "rules/launch.yml": (
        "checklists:\n"
        "  - id: launch\n"
        "    title: Launch checklist\n"
        "    items:\n"
        "      - id: qa\n"
        "        title: QA signed off\n"
        "        owner: qa-team\n"
        "      - id: docs\n"
        "        title: Docs or changelog updated\n"
        "        auto: docs-changed\n"
    ),
}
MANUAL_ITEM = "qa"


def tick(body: str, item: str = MANUAL_ITEM) -> str:
    """``body`` with the item's box ticked, as a person does in GitHub's UI."""
    return re.sub(rf"- \[ \](?=[^\n]*<!-- productops:item {re.escape(item)} -->)", "- [x]", body, count=1)
