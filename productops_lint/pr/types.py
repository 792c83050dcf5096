"""The PR checks' data: what a front end knows about a pull request, the tickets it names, and each check's result."""

from __future__ import annotations

from dataclasses import dataclass, field

# Check-run names, stable: branch protection rules refer to them.
EPIC_CHECK = "productops/epic-link"
CHECKLIST_CHECK = "productops/launch-checklist"

# Conclusions a check can reach, as GitHub's check runs spell them.
SUCCESS = "success"
FAILURE = "failure"
NEUTRAL = "neutral"
ACTION_REQUIRED = "action_required"


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str


@dataclass(frozen=True)
class EventChange:
    """An event this PR adds or changes: in the plan (from the plan diff) or newly tracked in code."""

    name: str
    # "plan-added", "plan-changed" or "tracked" (a call whose event the base branch did not send).
    kind: str
    epic: str | None = None
    owner: str | None = None
    description: str | None = None
    status: str | None = None
    registered: bool = True


@dataclass(frozen=True)
class Tick:
    """Who ticked (or unticked) a manual checklist item, and when, from a `pull_request.edited` event."""

    item: str
    checked: bool
    by: str
    at: str


@dataclass(frozen=True)
class PullRequestFacts:
    """Everything the PR checks read. Front ends (the App, `pr check` in Actions) fill it; the checks do no I/O."""

    repo: str  # owner/name
    number: int
    title: str
    body: str
    branch: str
    base_branch: str
    author: str
    author_is_bot: bool = False
    labels: tuple[str, ...] = ()
    commits: tuple[Commit, ...] = ()
    changed_paths: tuple[str, ...] = ()
    # Lines added plus lines removed, as GitHub counts them on the PR.
    size: int = 0
    events: tuple[EventChange, ...] = ()
    ticks: tuple[Tick, ...] = ()
    # The PR's unified diff (GitHub's per-file `patch` texts, each after a `+++ b/<path>` line), or None
    # when the front end did not fetch it. Only its added lines are read, by the `feature-flag` item.
    diff_text: str | None = None
    # Changed files GitHub gave no `patch` for (binary, too large, or renamed unchanged): not in diff_text.
    diff_unread: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketRef:
    """A ticket key found in the PR, and every place it was found (`title`, `branch`, `body line 3`, `commit 1a2b3c4`)."""

    key: str  # "SHOP-12", "#5", "owner/repo#5", "ENG-42"
    tracker: str  # "github", "jira" or "linear"
    where: tuple[str, ...] = ()
    closing: bool = False  # named by a closing keyword ("Closes #5")


@dataclass(frozen=True)
class Ticket:
    """A resolved ticket: what the tracker says about it and its parent."""

    key: str
    title: str
    url: str
    state: str
    issue_type: str | None = None
    labels: tuple[str, ...] = ()
    is_epic: bool = False
    parent: "Ticket | None" = None
    # (done, total) sub-issues, when the tracker reports it.
    progress: tuple[int, int] | None = None
    # Keys of this ticket's children, when known (an event's epic may name a child of the PR's epic).
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackerProblem:
    """The tracker could not answer for a key: unreachable, an error status, or no such ticket."""

    key: str
    reason: str
    # True when the tracker was down or refused (the check goes neutral); False for "no such ticket".
    outage: bool = True


@dataclass(frozen=True)
class ItemResult:
    """One line of a check's output: a checklist item or a step of the epic check."""

    id: str
    title: str
    status: str  # "passed", "failed", "pending", "n/a", "optional"
    reason: str = ""
    owner: str | None = None
    automatic: bool = False
    required: bool = True


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, rendered by every front end (check run, sticky comment section, Action log)."""

    name: str
    conclusion: str
    title: str
    summary: str
    text: str = ""
    items: tuple[ItemResult, ...] = ()
    # Identifiers of check-run buttons to offer (`recheck`).
    actions: tuple[str, ...] = field(default=())
