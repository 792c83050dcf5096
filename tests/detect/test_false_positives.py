"""Calls that look like tracking but are not: none of these may become a TrackingCall."""

from __future__ import annotations

import pytest
from detect_helpers import detect

TRAPS = {
    "shipping-carrier-track": """
        class Carrier:
            def track(self, number):
                return number

        def ship(carrier: Carrier):
            carrier.track("1Z999")
    """,
    "package-tracker-library": """
        import parcel_tracker

        tracker = parcel_tracker.Tracker()
        tracker.track(package="1Z999")

        def follow(t: parcel_tracker.Tracker, p):
            t.track(p)
    """,
    "screen-capture": """
        import mss

        with mss.mss() as screen:
            screen.capture("Signed Up")

        def grab(camera):
            camera.capture("frame.png")
    """,
    "sentry": """
        import sentry_sdk
        from sentry_sdk import capture_message

        sentry_sdk.capture_exception(ValueError("Signed Up"))
        sentry_sdk.capture_message("Signed Up")
        capture_message("Signed Up", level="info")
    """,
    "metrics": """
        import statsd
        from prometheus_client import Counter

        statsd.StatsClient().gauge("signed_up", 1)
        Counter("signed_up", "help").inc()

        def record(meter, name):
            meter.record(name, 1)
    """,
    "logging": """
        import logging

        logger = logging.getLogger(__name__)
        logger.info("analytics.track('u', 'Signed Up')")
        logging.warning("Signed Up")
    """,
    "text-in-strings-comments-docstrings": '''
        """Call analytics.track("u", "Signed Up") to record a sign-up."""

        # analytics.track("u", "Signed Up")
        HELP = 'posthog.capture("u", "Signed Up")'

        def doc():
            """Example: mp.track("u", "Signed Up")."""
    ''',
    "unimported-name-analytics": """
        def go(analytics):
            analytics.track("u", "Signed Up")
    """,
    "self-method-named-track": """
        class Job:
            def track(self, progress):
                self.progress = progress

            def run(self):
                self.track(50)
                self.capture("snapshot")

            def capture(self, what):
                return what
    """,
}


@pytest.mark.parametrize("code", list(TRAPS.values()), ids=list(TRAPS))
def test_is_not_a_tracking_call(code: str) -> None:
    assert detect(code) == []


def test_project_module_named_analytics_is_not_segment() -> None:
    files = {
        "analytics.py": "def track(number):\n    return number\n",
        "shipping.py": "import analytics\nanalytics.track('1Z999')\n",
    }
    assert detect(files) == []


def test_project_package_named_analytics_is_not_segment() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/analytics/__init__.py": "from .reports import track\n",
        "shop/analytics/reports.py": "def track(metric, value):\n    return value\n",
        "shop/views.py": "from shop import analytics\nanalytics.track('revenue', 3)\n",
    }
    assert detect(files) == []


def test_local_module_named_analytics_that_wraps_segment_is_a_wrapper_not_segment() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/analytics.py": "from segment import analytics as seg\ndef track(name):\n    seg.track('u', name)\n",
        "shop/views.py": "from shop import analytics\nanalytics.track('Signed Up')\n",
    }
    assert [(c.sdk, c.event) for c in detect(files)] == [("shop.analytics.track", "Signed Up")]


def test_shadowed_sdk_name_is_not_the_sdk() -> None:
    code = "import analytics\n\ndef go():\n    analytics = object()\n    analytics.track('u', 'Signed Up')\n"
    assert detect(code) == []

