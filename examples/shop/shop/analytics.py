"""The shop's Segment wrapper: every server-side event goes through `track_event`."""

from typing import Any

import segment.analytics as analytics

from shop import settings

analytics.write_key = settings.SEGMENT_WRITE_KEY


def track_event(user_id: str, event: str, properties: dict[str, Any] | None = None) -> None:
    """Send one event to Segment; `properties` must follow the tracking plan."""
    analytics.track(user_id, event, properties or {})


def identify(user_id: str, traits: dict[str, Any]) -> None:
    analytics.identify(user_id, traits)
