"""Settings read from the environment once, at import."""

import os

SEGMENT_WRITE_KEY = os.environ.get("SEGMENT_WRITE_KEY", "")
POSTHOG_API_KEY = os.environ.get("POSTHOG_API_KEY", "")
POSTHOG_HOST = os.environ.get("POSTHOG_HOST", "https://eu.i.posthog.com")
MIXPANEL_TOKEN = os.environ.get("MIXPANEL_TOKEN", "")
AMPLITUDE_API_KEY = os.environ.get("AMPLITUDE_API_KEY", "")
CARRIER_API_URL = os.environ.get("CARRIER_API_URL", "https://api.parcels.example.com")
