"""Plain facts, tickets and plans for the PR-check library tests."""

from __future__ import annotations

from dataclasses import replace
from textwrap import dedent
from typing import Any

from productops_lint.pr.types import PullRequestFacts, Ticket
from productops_lint.registry.loader import load_plan
from productops_lint.registry.model import Plan

REPO = "acme/shop"


def facts(**changes: Any) -> PullRequestFacts:
    base = PullRequestFacts(repo=REPO, number=7, title="Tweak the cart", body="", branch="tweak-cart",
                            base_branch="main", author="ana", size=120, changed_paths=("shop/cart.py",))
    return replace(base, **changes)


def plan(text: str, path: str = "rules/launch.yaml") -> Plan:
    return load_plan([(path, dedent(text))])


EPIC = Ticket("#1", "Epic one", "https://github.com/acme/shop/issues/1", "open", labels=("Epic",),
              progress=(1, 3), children=("#5", "#6"))
STORY = Ticket("#5", "Cart story", "https://github.com/acme/shop/issues/5", "open", parent=EPIC)
SUBTASK = Ticket("#8", "Cart sub-task", "https://github.com/acme/shop/issues/8", "open", parent=STORY)
ORPHAN = Ticket("#9", "Lonely bug", "https://github.com/acme/shop/issues/9", "open", labels=("bug",))
