"""Per-request tracking: a small service that remembers who the user is."""

from typing import Any

from shop.analytics import track_event


class TrackingService:
    """Bound to one user, so handlers only name the event and its properties."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def track(self, event: str, properties: dict[str, Any] | None = None) -> None:
        track_event(self.user_id, event, properties)
