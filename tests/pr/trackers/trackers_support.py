"""What the tracker tests share besides fixtures: the App id and a stand-in for the `epics` rules."""

from __future__ import annotations

from dataclasses import dataclass

APP_ID = 5151


@dataclass
class Rules:
    """The attributes of the `epics` rules the trackers read (the real EpicRules has more)."""

    tracker: str = "github"
    epic_labels: tuple[str, ...] = ("epic",)
    epic_issue_types: tuple[str, ...] = ("Epic",)
