"""The epic-link decision: from the refs a PR names and what the tracker said about them, one CheckResult."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from ..registry.model import Plan, TicketRules
from ..registry.pr_rules import EpicRules
from ..untrusted import code_span, inline
from ..untrusted import link as markdown_link
from .config import canonical_key, epic_rules, has_label, matcher, path_matches, ticket_rules
from .types import (
    EPIC_CHECK,
    FAILURE,
    NEUTRAL,
    SUCCESS,
    CheckResult,
    ItemResult,
    PullRequestFacts,
    Ticket,
    TicketRef,
    TrackerProblem,
)

# Parents are followed this far up (story -> epic is 1, sub-task -> story -> epic is 2); the
# limit also ends a cycle that a misconfigured tracker could report.
MAX_DEPTH = 4
RECHECK = "recheck"


@dataclass(frozen=True)
class Link:
    """One ref as resolved: the ticket (or the problem), and the epic it is or belongs to."""

    ref: TicketRef
    ticket: Ticket | None
    problem: TrackerProblem | None
    epic: Ticket | None = None
    # The tickets from the ref up to and including the epic.
    chain: tuple[Ticket, ...] = ()


def is_epic(ticket: Ticket, rules: EpicRules) -> bool:
    """The tracker's own verdict, a configured label, or a configured issue type."""
    if ticket.is_epic or has_label(ticket.labels, rules.epic_labels):
        return True
    return ticket.issue_type is not None and has_label([ticket.issue_type], rules.epic_issue_types) is not None


def _chain(ticket: Ticket, rules: EpicRules) -> tuple[Ticket | None, tuple[Ticket, ...]]:
    chain: list[Ticket] = []
    current: Ticket | None = ticket
    while current is not None and len(chain) <= MAX_DEPTH:
        chain.append(current)
        if is_epic(current, rules):
            return current, tuple(chain)
        current = current.parent
    return None, tuple(chain)


def link(ref: TicketRef, found: Ticket | TrackerProblem | None, rules: EpicRules) -> Link:
    if found is None:
        return Link(ref, None, TrackerProblem(ref.key, "it was not looked up in the tracker"))
    if isinstance(found, TrackerProblem):
        return Link(ref, None, found)
    epic, chain = _chain(found, rules)
    return Link(ref, found, None, epic, chain)


def exemption(facts: PullRequestFacts, rules: EpicRules) -> str | None:
    """Why the PR needs no epic, or None."""
    exempt = rules.exempt
    label = has_label(facts.labels, exempt.labels)
    if label is not None:
        return f"label {code_span(label)}"
    if exempt.bots and facts.author_is_bot:
        return f"opened by the bot {code_span(facts.author)}"
    if facts.author and has_label([facts.author], exempt.authors):
        return f"opened by {code_span(facts.author)}"
    if exempt.paths and facts.changed_paths and all(path_matches(p, exempt.paths) for p in facts.changed_paths):
        return "every changed path matches " + ", ".join(code_span(g) for g in exempt.paths)
    if exempt.max_changed_lines is not None and facts.size <= exempt.max_changed_lines:
        return f"{facts.size} changed lines, at most {exempt.max_changed_lines}"
    return None


def _progress(ticket: Ticket, tracker: str) -> str:
    if ticket.progress is None:
        return ""
    done, total = ticket.progress
    return f"{done}/{total} sub-issues closed" if tracker == "github" else f"{done}/{total} child issues done"


def describe_epic(epic: Ticket, tracker: str) -> str:
    """`[#1 Launch the cart](url) · open · 3/7 sub-issues closed`."""
    # The key, title, state and address come from the tracker (anyone who can file a ticket):
    # they are shown, never interpreted (untrusted.py).
    name = markdown_link(f"{epic.key} {epic.title}", epic.url)
    return " · ".join(part for part in (name, inline(epic.state or ""), _progress(epic, tracker)) if part)


def _where(ref: TicketRef) -> str:
    return "found in " + ", ".join(ref.where) if ref.where else "found"


def _link_item(item: Link) -> ItemResult:
    title = f"{code_span(item.ref.key)} ({_where(item.ref)}{', closing' if item.ref.closing else ''})"
    ident = f"ticket:{item.ref.key}"
    if item.problem is not None:
        status = "pending" if item.problem.outage else "failed"
        return ItemResult(ident, title, status, inline(item.problem.reason))
    assert item.ticket is not None
    if item.epic is None:
        above = item.chain[1:]
        reason = f"{code_span(item.ticket.key)} {inline(item.ticket.title)} is not an epic and has no parent"
        if above:
            reason = (f"{code_span(item.ticket.key)} {inline(item.ticket.title)} is not an epic, nor is any ticket above it "
                      f"({', '.join(code_span(t.key) for t in above)})")
        return ItemResult(ident, title, "failed", reason)
    if item.epic is item.ticket:
        return ItemResult(ident, title, "passed", f"{code_span(item.ticket.key)} is the epic")
    via = "".join(f" via {code_span(t.key)}" for t in item.chain[1:-1])
    return ItemResult(ident, title, "passed",
                      f"{code_span(item.ticket.key)} {inline(item.ticket.title)} belongs to epic {code_span(item.epic.key)}{via}")


def _how_to_link(rules: EpicRules, tickets: TicketRules) -> str:
    if rules.tracker == "github":
        where = ("write `Closes #123` (or `owner/repo#123`) in the description, or start the branch name "
                 "with the issue number (`123-short-title`)")
        epic = "an epic (label " + ", ".join(f"`{x}`" for x in rules.epic_labels) + " or issue type " + \
            ", ".join(f"`{x}`" for x in rules.epic_issue_types) + ") or a sub-issue of one"
    else:
        key = matcher(tickets).description
        where = f"name {key} in the title, the branch name or the description"
        epic = "an epic or belong to one (its parent, or its parent's parent)"
    text = f"To link this pull request, {where}. The ticket must be {epic}."
    if rules.exempt.labels:
        text += " A pull request that needs no epic can carry the label " + " or ".join(f"`{x}`" for x in rules.exempt.labels) + "."
    return text


def _event_items(facts: PullRequestFacts, rules: EpicRules, links: Sequence[Link]) -> list[ItemResult]:
    if not rules.events.match:
        return []
    allowed: dict[str, str] = {}  # canonical key -> epic key it counts for
    for item in links:
        if item.epic is None:
            continue
        for key in (item.epic.key, *item.epic.children, *(t.key for t in item.chain)):
            allowed.setdefault(canonical_key(key, facts.repo), item.epic.key)
    out = []
    for event in facts.events:
        ident, title = f"event:{event.name}", f"Event {code_span(event.name)}"
        if not event.epic:
            if rules.events.without_epic == "ignore":
                continue
            why = "has no `epic` in the plan" if event.registered else "is not in the plan, so it names no epic"
            out.append(ItemResult(ident, title, "failed", why, required=rules.events.without_epic == "fail"))
        elif canonical_key(event.epic, facts.repo) in allowed:
            epic = allowed[canonical_key(event.epic, facts.repo)]
            out.append(ItemResult(ident, title, "passed", f"epic {code_span(event.epic)} is this PR's epic {code_span(epic)} or one of its children"))
        else:
            names = ", ".join(code_span(e) for e in dict.fromkeys(allowed.values()))
            out.append(ItemResult(ident, title, "failed", f"its epic is {code_span(event.epic)}, not this PR's epic {names} nor one of its children"))
    return out


def _ordered(refs: Sequence[TicketRef]) -> list[TicketRef]:
    # A closing keyword says which ticket the PR does; it decides when several name different epics.
    return [r for r in refs if r.closing] + [r for r in refs if not r.closing]


def decide_epic(
    facts: PullRequestFacts,
    rules: EpicRules | Plan | None,
    refs: Sequence[TicketRef],
    resolved: Mapping[str, Ticket | TrackerProblem],
    tickets: TicketRules | None = None,
) -> CheckResult:
    """The `productops/epic-link` result. ``resolved`` maps each ref's key to what its tracker answered."""
    epics, tickets = epic_rules(rules), ticket_rules(rules, tickets)
    if not epics.enabled:
        where = f" ({epics.location})" if epics.location else ""
        return CheckResult(EPIC_CHECK, NEUTRAL, "The epic check is off", f"`epics.enabled` is false in the rule files{where}.")
    reason = exemption(facts, epics)
    if reason is not None:
        return CheckResult(EPIC_CHECK, SUCCESS, f"No epic needed: {reason}", f"This pull request needs no epic: {reason}.",
                           items=(ItemResult("exempt", "Exempt", "passed", reason),))
    if not refs:
        return CheckResult(EPIC_CHECK, epics.when_missing, "No ticket linked",
                           "This pull request names no ticket in its title, branch, description or commits.",
                           _how_to_link(epics, tickets), items=(ItemResult("ticket", "Ticket", "failed", "no ticket found"),))
    links = [link(ref, resolved.get(ref.key), epics) for ref in _ordered(refs)]
    items = [_link_item(item) for item in links]
    linked = [item for item in links if item.epic is not None]
    if not linked:
        if any(item.problem is not None and item.problem.outage for item in links):
            down = next(item.problem for item in links if item.problem is not None and item.problem.outage)
            assert down is not None
            return CheckResult(
                EPIC_CHECK, NEUTRAL, "Tracker unavailable; the epic link was not checked",
                f"{code_span(down.key)} could not be looked up: {inline(down.reason)}. This does not fail the pull request; "
                "press **Re-check** (or comment `/productops recheck`) once the tracker answers.",
                items=tuple(items), actions=(RECHECK,),
            )
        return CheckResult(EPIC_CHECK, epics.when_unlinked, "No epic: the linked tickets belong to none",
                           "\n".join(f"- {i.title}: {i.reason}" for i in items), _how_to_link(epics, tickets), items=tuple(items))
    primary = linked[0]
    assert primary.epic is not None
    summary = [describe_epic(primary.epic, primary.ref.tracker), "", f"- {items[links.index(primary)].title}: {items[links.index(primary)].reason}"]
    others = list(dict.fromkeys(item.epic.key for item in linked if item.epic is not None and item.epic.key != primary.epic.key))
    if others:
        decided = "it uses a closing keyword" if primary.ref.closing else "it comes first"
        summary += ["", f"This pull request also names epic {', '.join(code_span(k) for k in others)}; "
                    f"{code_span(primary.ref.key)} decides because {decided}. Events may belong to any of them."]
    events = _event_items(facts, epics, links)
    items += events
    wrong = [e for e in events if e.status == "failed" and e.required]
    if wrong:
        summary += ["", "Events that do not belong to this epic:", *(f"- {e.title}: {e.reason}" for e in wrong)]
    title = inline(f"Epic {primary.epic.key}: {primary.epic.title}")
    if wrong:
        return CheckResult(EPIC_CHECK, FAILURE, f"{title}; {len(wrong)} event(s) belong to another epic", "\n".join(summary), items=tuple(items))
    return CheckResult(EPIC_CHECK, SUCCESS, title, "\n".join(summary), items=tuple(items))
