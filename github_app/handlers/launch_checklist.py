"""Launch checklist ticks: who ticked which manual item and when, recorded from `pull_request.edited` events."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from productops_lint.pr.run import ticks_of_edit

from ..routing import Router
from ..webhook import Event

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger(__name__)
router = Router()


@router.register("pull_request", action="edited")
def on_body_edited(ctx: "Context", event: Event) -> None:
    """Runs before the epic_link route of the same delivery (default_router's order), so the check
    that job publishes already shows this tick. Only the store is touched: a retry records it again
    harmlessly, since a tick is kept per item and older news never overwrites newer."""
    previous = ((event.payload.get("changes") or {}).get("body") or {}).get("from")
    pr = event.payload.get("pull_request") or {}
    sender = (event.payload.get("sender") or {}).get("login") or ""
    if previous is None or event.repo is None or not sender or sender == ctx.github.bot_login():
        return  # no body change, or our own insertion of the section
    at = str(pr.get("updated_at") or "")
    ticks = ticks_of_edit(str(previous), str(pr.get("body") or ""), sender, at)
    for tick in ticks:
        ctx.store.record_tick(event.repo, int(pr["number"]), tick.item, tick.checked, tick.by, tick.at)
    if ticks:
        log.info("%s#%s: %d checklist ticks by %s", event.repo, pr.get("number"), len(ticks), sender)
