"""Router: which handler runs for which webhook event and action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .webhook import Event

if TYPE_CHECKING:
    from .context import Context
    from .store_base import Head

Handler = Callable[["Context", Event], None]
# Runs in the web process before the job is queued: what to record of the event beside the job
# (the store writes it in the same transaction), from the payload alone, never an API call.
Receiver = Callable[[Event], "Head | None"]


@dataclass(frozen=True)
class Route:
    event: str
    actions: frozenset[str] | None
    handler: Handler
    on_receive: Receiver | None = None

    def matches(self, event: Event) -> bool:
        return self.event == event.name and (self.actions is None or event.action in self.actions)


class Router:
    """Routes by event and action; ``Router(a, b)`` merges the routes of feature routers."""

    def __init__(self, *routers: "Router") -> None:
        self.routes: list[Route] = [route for router in routers for route in router.routes]

    def register(
        self,
        event: str,
        action: str | Iterable[str] | None = None,
        *,
        on_receive: Receiver | None = None,
    ) -> Callable[[Handler], Handler]:
        """Decorator: run the handler for ``event`` (and only these actions, when given)."""
        actions = None if action is None else frozenset([action] if isinstance(action, str) else action)

        def decorate(handler: Handler) -> Handler:
            self.routes.append(Route(event, actions, handler, on_receive))
            return handler

        return decorate

    def match(self, event: Event) -> list[Route]:
        return [route for route in self.routes if route.matches(event)]

    def handles(self, event: Event) -> bool:
        return bool(self.match(event))

    def heads(self, event: Event) -> set["Head"]:
        """What the matching routes' receivers record for ``event`` (two routes may name one head)."""
        found = (route.on_receive(event) for route in self.match(event) if route.on_receive is not None)
        return {head for head in found if head is not None}

    def dispatch(self, ctx: "Context", event: Event) -> int:
        """Run every matching handler; return how many ran."""
        routes = self.match(event)
        for route in routes:
            route.handler(ctx, event)
        return len(routes)
