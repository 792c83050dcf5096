"""Every built-in preset, through every way a module gets hold of the SDK."""

from __future__ import annotations

import pytest
from detect_helpers import detect, only

from productops_lint.config import Config

# (id, source of app.py, sdk, event, property keys)
CASES = [
    (
        "segment-import-module",
        'import analytics\nanalytics.track("u1", "Signed Up", {"plan": "pro"})\n',
        "segment", "Signed Up", ["plan"],
    ),
    (
        "segment-from-package-as-alias",
        'from segment import analytics as seg\nseg.track("u1", "Signed Up", {"plan": "pro"})\n',
        "segment", "Signed Up", ["plan"],
    ),
    (
        "segment-import-function-as-alias",
        'from segment.analytics import track as t\nt("u1", "Signed Up", properties={"plan": "pro"})\n',
        "segment", "Signed Up", ["plan"],
    ),
    (
        "segment-dotted-import",
        'import segment.analytics\nsegment.analytics.track("u1", event="Signed Up")\n',
        "segment", "Signed Up", [],
    ),
    (
        "segment-client-module-level",
        'from segment.analytics import Client\nclient = Client("key")\nclient.track("u1", "Signed Up", {"plan": "pro"})\n',
        "segment", "Signed Up", ["plan"],
    ),
    (
        "segment-client-local",
        'import analytics\ndef go():\n    c = analytics.Client("key")\n    c.track("u1", "Signed Up")\n',
        "segment", "Signed Up", [],
    ),
    (
        "segment-client-on-self",
        "from segment import analytics\n"
        "class Service:\n"
        "    def __init__(self):\n"
        "        self.client = analytics.Client('key')\n"
        "    def signed_up(self, uid):\n"
        "        self.client.track(uid, 'Signed Up', {'plan': 'pro'})\n",
        "segment", "Signed Up", ["plan"],
    ),
    (
        "rudderstack",
        'import rudderstack.analytics as rudder\nrudder.track("u1", "Signed Up", {"plan": "pro"})\n',
        "rudderstack", "Signed Up", ["plan"],
    ),
    (
        "rudderstack-old-module",
        'import rudder_analytics\nrudder_analytics.track("u1", "Signed Up")\n',
        "rudderstack", "Signed Up", [],
    ),
    (
        "posthog-module-old-signature",
        'import posthog\nposthog.capture("u1", "Signed Up", {"plan": "pro"})\n',
        "posthog", "Signed Up", ["plan"],
    ),
    (
        "posthog-module-current-signature",
        'import posthog\nposthog.capture("Signed Up", distinct_id="u1", properties={"plan": "pro"})\n',
        "posthog", "Signed Up", ["plan"],
    ),
    (
        "posthog-all-keywords",
        'import posthog\nposthog.capture(distinct_id="u1", event="Signed Up", properties={"plan": "pro"})\n',
        "posthog", "Signed Up", ["plan"],
    ),
    (
        "posthog-client-instance",
        'from posthog import Posthog\nph = Posthog("key", host="h")\nph.capture("Signed Up", distinct_id="u1")\n',
        "posthog", "Signed Up", [],
    ),
    (
        "posthog-client-on-self",
        "import posthog\n"
        "class T:\n"
        "    def __init__(self):\n"
        "        self.ph = posthog.Posthog('key')\n"
        "    def go(self):\n"
        "        self.ph.capture('u1', 'Signed Up', {'plan': 'pro'})\n",
        "posthog", "Signed Up", ["plan"],
    ),
    (
        "mixpanel",
        'from mixpanel import Mixpanel\nmp = Mixpanel("token")\nmp.track("u1", "Signed Up", {"plan": "pro"})\n',
        "mixpanel", "Signed Up", ["plan"],
    ),
    (
        "mixpanel-keywords",
        'import mixpanel\nmp = mixpanel.Mixpanel("token")\nmp.track(distinct_id="u1", event_name="Signed Up", properties={"plan": "pro"})\n',
        "mixpanel", "Signed Up", ["plan"],
    ),
    (
        "amplitude-inline-positional",
        'from amplitude import Amplitude, BaseEvent\namp = Amplitude("key")\n'
        'amp.track(BaseEvent("Signed Up", user_id="u1", event_properties={"plan": "pro"}))\n',
        "amplitude", "Signed Up", ["plan"],
    ),
    (
        "amplitude-inline-keyword",
        'import amplitude\namp = amplitude.Amplitude("key")\n'
        'amp.track(amplitude.BaseEvent(event_type="Signed Up", user_id="u1"))\n',
        "amplitude", "Signed Up", [],
    ),
    (
        "amplitude-event-in-local",
        "from amplitude import Amplitude, BaseEvent\n"
        "def go(amp: Amplitude):\n"
        "    event = BaseEvent(event_type='Signed Up', user_id='u1', event_properties={'plan': 'pro'})\n"
        "    amp.track(event)\n",
        "amplitude", "Signed Up", ["plan"],
    ),
    (
        "snowplow-structured",
        "from snowplow_tracker import Tracker, StructuredEvent\n"
        "tracker = Tracker(namespace='ns', emitters=[])\n"
        "tracker.track(StructuredEvent(category='shop', action='Signed Up'))\n",
        "snowplow", "Signed Up", None,
    ),
    (
        "snowplow-structured-positional",
        "from snowplow_tracker import Tracker, StructuredEvent\n"
        "tracker = Tracker('ns', [])\n"
        "tracker.track(StructuredEvent('shop', 'Signed Up'))\n",
        "snowplow", "Signed Up", None,
    ),
    (
        "snowplow-self-describing",
        "from snowplow_tracker import Tracker, SelfDescribing, SelfDescribingJson\n"
        "tracker = Tracker('ns', [])\n"
        "tracker.track(SelfDescribing(SelfDescribingJson('iglu:com.acme/signed_up/jsonschema/1-0-0', {'plan': 'pro'})))\n",
        "snowplow", "signed_up", ["plan"],
    ),
    (
        "snowplow-old-struct-event",
        "from snowplow_tracker import Tracker\ntracker = Tracker('ns', [])\ntracker.track_struct_event('shop', 'Signed Up')\n",
        "snowplow", "Signed Up", None,
    ),
    (
        "snowplow-old-self-describing",
        "from snowplow_tracker import Tracker, SelfDescribingJson\n"
        "tracker = Tracker('ns', [])\n"
        "tracker.track_self_describing_event(SelfDescribingJson('iglu:com.acme/signed_up/jsonschema/1-0-0', {'plan': 'pro'}))\n",
        "snowplow", "signed_up", ["plan"],
    ),
]


@pytest.mark.parametrize(("code", "sdk", "event", "keys"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_preset_call_is_found_with_its_event_and_properties(code: str, sdk: str, event: str, keys: list[str] | None) -> None:
    call = only(code)
    assert (call.sdk, call.event, call.property_keys) == (sdk, event, keys)
    assert call.event_kind == "literal"
    assert call.via == ()


def test_client_made_in_another_module_is_followed() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/clients.py": "import posthog\nph = posthog.Posthog('key')\n",
        "shop/views.py": "from shop.clients import ph\ndef signup():\n    ph.capture('Signed Up', distinct_id='u1')\n",
    }
    call = only(files)
    assert (call.path, call.sdk, call.event) == ("shop/views.py", "posthog", "Signed Up")


def test_client_module_imported_relatively_is_followed() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/clients.py": "from mixpanel import Mixpanel\nmp = Mixpanel('t')\n",
        "shop/views.py": "from . import clients\ndef signup():\n    clients.mp.track('u1', 'Signed Up')\n",
    }
    assert only(files).event == "Signed Up"


def test_posthog_old_signature_without_properties_has_empty_key_set() -> None:
    call = only('import posthog\nposthog.capture("u1", "Signed Up")\n')
    assert call.event == "Signed Up" and call.property_keys == []


def test_posthog_event_span_points_at_the_name_in_either_signature() -> None:
    old = only('import posthog\nposthog.capture("u1", "Signed Up")\n')
    new = only('import posthog\nposthog.capture("Signed Up", distinct_id="u1")\n')
    assert old.event_expr == new.event_expr == '"Signed Up"'
    assert old.event_span is not None and old.event_span.start_col == 22
    assert new.event_span is not None and new.event_span.start_col == 16


def test_presets_option_limits_detection_to_the_named_sdks() -> None:
    code = 'import analytics, posthog\nanalytics.track("u1", "A")\nposthog.capture("u1", "B")\n'
    found = detect(code, Config(presets=("posthog",)))
    assert [(c.sdk, c.event) for c in found] == [("posthog", "B")]


def test_amplitude_track_of_something_else_is_reported_unresolved() -> None:
    call = only("from amplitude import Amplitude\namp = Amplitude('k')\ndef go(e):\n    amp.track(e)\n")
    assert call.event is None and call.event_kind == "unresolved"


def test_client_made_in_a_conditional_expression_is_followed() -> None:
    code = "import os, posthog\nph = posthog.Posthog(os.environ['K']) if 'K' in os.environ else None\nph.capture('Signed Up', distinct_id='u')\n"
    assert only(code).event == "Signed Up"
