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

# One automatic item, on every PR: a line the PR adds (or its description) references a feature flag.
FLAG_RULES: dict[str, str | None] = {
    "rules/launch.yml": (
        "checklists:\n"
        "  - id: rollout\n"
        "    title: Rollout checklist\n"
        "    items:\n"
        "      - id: flag\n"
        "        title: Behind a feature flag\n"
        "        auto: feature-flag\n"
        "        pattern: 'flags\\.enabled\\(\"[a-z-]+\"\\)'\n"
    ),
}
FLAG_LINE = 'if flags.enabled("new-cart"):\n    pass\n'
# NUL bytes make git (and GitHub) call the file binary: it has no patch to search.
BINARY_FILE = "\x00PNG\x00\x01"


def tick(body: str, item: str = MANUAL_ITEM) -> str:
    """``body`` with the item's box ticked, as a person does in GitHub's UI."""
    return re.sub(rf"- \[ \](?=[^\n]*<!-- productops:item {re.escape(item)} -->)", "- [x]", body, count=1)
