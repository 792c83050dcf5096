"""Tickets for the epic tests on the stand-in GitHub Issues: an epic with a story, a lone issue, an outage."""

from __future__ import annotations

import pytest
from standins.github_api import Fault
from standins.github_fake_repos import GitHubStandIn

REPO = "acme/shop"
_OUTAGE = "tracker_outage"


def epic_with_story(standin: GitHubStandIn) -> None:
    """#1 is an epic (label `epic`) with sub-issues #5 (open) and #6 (closed); #9 stands alone."""
    standin.add_issue(REPO, 1, "Epic one", labels=["epic"])
    standin.add_issue(REPO, 5, "Cart story", parent=1)
    standin.add_issue(REPO, 6, "Done story", parent=1, state="closed")
    standin.add_issue(REPO, 9, "Lone task")


def tracker_down(standin: GitHubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub's issues API answers 503 (more often than PyGithub's retries absorb)."""
    fault = standin.fault("GET", r"/issues/\d+(/parent|/sub_issues)?$", status=503, times=10_000)
    setattr(standin, _OUTAGE, fault)


def tracker_up(standin: GitHubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    fault: Fault | None = getattr(standin, _OUTAGE, None)
    if fault is not None:
        fault.times = 0
