"""Feature handlers, one module each; each owns a Router that default_router merges."""

from __future__ import annotations

from ..routing import Router


def default_router() -> Router:
    from . import commands, epic_link, launch_checklist, pull_request

    # Order matters within one delivery: launch_checklist records a `pull_request.edited` tick before
    # epic_link's job for the same delivery publishes the checklist that shows it.
    return Router(pull_request.router, launch_checklist.router, epic_link.router, commands.router)
