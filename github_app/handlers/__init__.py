"""Feature handlers, one module each; each owns a Router that default_router merges."""

from __future__ import annotations

from ..routing import Router


def default_router() -> Router:
    from . import pull_request

    return Router(pull_request.router)
