"""Clients of the analytics tools that the product and growth teams use besides Segment."""

from amplitude import Amplitude
from mixpanel import Mixpanel
from posthog import Posthog

from shop import settings

posthog_client = Posthog(settings.POSTHOG_API_KEY, host=settings.POSTHOG_HOST)
mixpanel_client = Mixpanel(settings.MIXPANEL_TOKEN)
amplitude_client = Amplitude(settings.AMPLITUDE_API_KEY)
