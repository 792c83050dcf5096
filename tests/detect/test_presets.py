"""Every built-in preset, through every way a module gets hold of the SDK."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from detect_helpers import detect, only

from productops_lint.config import Config
from productops_lint.detect.presets import PRESETS
from productops_lint.engine import analyze
from productops_lint.registry.model import Plan
from productops_lint.sources import DictProvider

DETECTION_DOC = Path(__file__).resolve().parents[2] / "docs" / "detection.md"

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
        "snowplow", "iglu:com.acme/signed_up/jsonschema/1-0-0", ["plan"],
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
        "snowplow", "iglu:com.acme/signed_up/jsonschema/1-0-0", ["plan"],
    ),
    # customerio 3.2.0: CustomerIO(site_id, api_key).track(customer_id, name, data=None, id=None, timestamp=None)
    (
        "customerio-import-alias",
        'from customerio import CustomerIO as CIO\ncio = CIO("site", "key")\ncio.track("5", "Order Placed", {"price": 23})\n',
        "customerio", "Order Placed", ["price"],
    ),
    (
        "customerio-keywords",
        'import customerio\ncio = customerio.CustomerIO("site", "key")\n'
        'cio.track(customer_id="5", name="Order Placed", data={"price": 23}, timestamp=1700000000)\n',
        "customerio", "Order Placed", ["price"],
    ),
    (
        "customerio-client-on-self",
        "from customerio import CustomerIO\n"
        "class Messaging:\n"
        "    def __init__(self):\n"
        "        self.cio = CustomerIO('site', 'key')\n"
        "    def ordered(self, uid):\n"
        "        self.cio.track(uid, 'Order Placed', data={'price': 23})\n",
        "customerio", "Order Placed", ["price"],
    ),
    (
        # customerio 2.x: track(customer_id, name, **data)
        "customerio-2x-data-as-keywords",
        'from customerio import CustomerIO\ncio = CustomerIO("site", "key")\ncio.track("5", "Order Placed", price=23, product="widget")\n',
        "customerio", "Order Placed", ["price", "product"],
    ),
    (
        "customerio-track-anonymous",
        'from customerio.track import CustomerIO\ncio = CustomerIO("site", "key")\ncio.track_anonymous("anon-1", "Order Placed", {"price": 23})\n',
        "customerio", "Order Placed", ["price"],
    ),
    (
        "customerio-backfill",
        'from customerio import CustomerIO\ncio = CustomerIO("site", "key")\ncio.backfill("5", "Order Placed", 1700000000, price=23)\n',
        "customerio", "Order Placed", ["price"],
    ),
    (
        # customerio-cdp-analytics 1.1.0: Segment's client as customerio.analytics
        "customerio-data-pipelines",
        'from customerio import analytics as cio\ncio.track("u1", "Order Placed", properties={"price": 23})\n',
        "customerio", "Order Placed", ["price"],
    ),
    # june-analytics-python 2.3.0: june.analytics.track(user_id=None, event=None, properties=None, ...)
    (
        "june-import-alias-keywords",
        'from june import analytics as june\njune.track(user_id="u1", event="Signed Up", properties={"plan": "pro"})\n',
        "june", "Signed Up", ["plan"],
    ),
    (
        "june-client-on-self",
        "import june.analytics\n"
        "class Telemetry:\n"
        "    def __init__(self):\n"
        "        self.client = june.analytics.Client('key')\n"
        "    def signed_up(self, uid):\n"
        "        self.client.track(uid, 'Signed Up', {'plan': 'pro'})\n",
        "june", "Signed Up", ["plan"],
    ),
    # heapapi 0.0.3: HeapAPIClient(app_id).track(identity, event, properties=None)
    (
        "heap-import-alias",
        'from heapapi import HeapAPIClient as Heap\nheap = Heap("app")\nheap.track("u1", "Signed Up", {"plan": "pro"})\n',
        "heap", "Signed Up", ["plan"],
    ),
    (
        "heap-keywords-on-self",
        "import heapapi\n"
        "class Telemetry:\n"
        "    def __init__(self):\n"
        "        self.heap = heapapi.HeapAPIClient('app')\n"
        "    def signed_up(self, uid):\n"
        "        self.heap.track(identity=uid, event='Signed Up', properties={'plan': 'pro'})\n",
        "heap", "Signed Up", ["plan"],
    ),
    # python-intercom 5.0.1 (and 4.0.0): Intercom(token=...).events.create(*, request=CreateDataEventRequestWith...)
    (
        "intercom-import-alias",
        "from intercom import Intercom as IC, CreateDataEventRequestWithUserId as Ev\n"
        "client = IC(token='t')\n"
        "client.events.create(request=Ev(user_id='u1', event_name='invited-friend', created_at=1, metadata={'code': 'A'}))\n",
        "intercom", "invited-friend", ["code"],
    ),
    (
        "intercom-client-on-self-request-in-local",
        "import intercom\n"
        "from intercom.types import CreateDataEventRequestWithEmail\n"
        "class Support:\n"
        "    def __init__(self):\n"
        "        self.intercom = intercom.Intercom(token='t')\n"
        "    def invited(self, email):\n"
        "        event = CreateDataEventRequestWithEmail(email=email, event_name='invited-friend', created_at=1)\n"
        "        self.intercom.events.create(request=event)\n",
        "intercom", "invited-friend", [],
    ),
    (
        "intercom-async-client",
        "from intercom import AsyncIntercom, CreateDataEventRequestWithId\n"
        "client = AsyncIntercom(token='t')\n"
        "async def invited():\n"
        "    await client.events.create(request=CreateDataEventRequestWithId(id='c1', event_name='invited-friend', created_at=1))\n",
        "intercom", "invited-friend", [],
    ),
    (
        # python-intercom 3.1.0: Client(personal_access_token=...).events.create(**params)
        "intercom-3x-client-keywords",
        "from intercom.client import Client\n"
        "intercom = Client(personal_access_token='t')\n"
        "intercom.events.create(event_name='invited-friend', email='a@b.c', metadata={'code': 'A'})\n",
        "intercom", "invited-friend", ["code"],
    ),
    (
        # python-intercom 2.1.1: the class method Event.create(**params)
        "intercom-2x-class-method",
        "from intercom import Event\nEvent.create(event_name='invited-friend', email='a@b.c', metadata={'code': 'A'})\n",
        "intercom", "invited-friend", ["code"],
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


# The same method name on an object that is not the SDK's client is not a tracking call.
NEAR_MISSES = [
    (
        "customerio-track-on-own-class",
        "class Messaging:\n    def track(self, uid, name, data=None): ...\n"
        "Messaging().track('5', 'Order Placed', {'price': 23})\n",
    ),
    (
        "customerio-pageview-is-not-an-event",
        "from customerio import CustomerIO\ncio = CustomerIO('site', 'key')\ncio.pageview('5', 'https://shop/cart')\n",
    ),
    ("june-module-track-outside-analytics", "import june\njune.track('u1', 'Signed Up')\n"),
    (
        "heap-track-on-own-class-of-the-same-name",
        "class HeapAPIClient:\n    def track(self, identity, event, properties=None): ...\n"
        "HeapAPIClient().track('u1', 'Signed Up')\n",
    ),
    (
        "intercom-events-create-on-an-orm-relation",
        "def invited(account):\n    account.events.create(event_name='invited-friend', metadata={})\n",
    ),
    ("intercom-other-service-create", "from intercom.client import Client\nClient().notes.create(body='hi', email='a@b.c')\n"),
    ("braze-user-track-is-not-read", "from braze.client import BrazeClient\nBrazeClient('k').user_track(events=[{'name': 'Signed Up'}])\n"),
]


@pytest.mark.parametrize("code", [c[1] for c in NEAR_MISSES], ids=[c[0] for c in NEAR_MISSES])
def test_same_method_on_something_else_is_not_a_tracking_call(code: str) -> None:
    assert detect(code) == []


def test_intercom_request_object_passed_to_a_wrapper_names_the_event_at_the_call_site() -> None:
    code = (
        "from intercom import Intercom, CreateDataEventRequestWithUserId\n"
        "client = Intercom(token='t')\n"
        "def send(request):\n"
        "    client.events.create(request=request)\n"
        "send(CreateDataEventRequestWithUserId(user_id='u1', event_name='invited-friend', created_at=1, metadata={'code': 'A'}))\n"
    )
    call = only(code)
    assert (call.sdk, call.event, call.property_keys, call.line) == ("app.send", "invited-friend", ["code"], 5)


def test_intercom_request_that_is_not_a_request_object_is_reported_unresolved() -> None:
    call = only("from intercom import Intercom\nclient = Intercom(token='t')\nclient.events.create(request={'event_name': 'x'})\n")
    assert (call.sdk, call.event, call.event_kind) == ("intercom", None, "unresolved")


def test_customerio_wrapper_forwarding_keywords_reports_them_as_properties() -> None:
    code = (
        "from customerio import CustomerIO\n"
        "cio = CustomerIO('site', 'key')\n"
        "def track(uid, name, **data):\n"
        "    cio.track(uid, name, **data)\n"
        "track('5', 'Order Placed', price=23)\n"
    )
    call = only(code)
    assert (call.sdk, call.event, call.property_keys) == ("app.track", "Order Placed", ["price"])


def test_customerio_id_and_timestamp_keywords_are_not_properties() -> None:
    call = only("from customerio import CustomerIO\nCustomerIO('s', 'k').track('5', 'Order Placed', id='e1', timestamp=1)\n")
    assert call.property_keys == []


def test_every_preset_has_a_row_in_the_detection_docs() -> None:
    table = DETECTION_DOC.read_text(encoding="utf-8").split("\n## Presets\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)`", table, re.M))
    assert documented == set(PRESETS)


def test_new_sdk_clients_made_in_another_module_pass_the_prefilter() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/clients.py": (
            "from customerio import CustomerIO\nfrom heapapi import HeapAPIClient\nimport intercom\n"
            "cio = CustomerIO('s', 'k')\nheap = HeapAPIClient('app')\nic = intercom.Intercom(token='t')\n"
        ),
        "shop/views.py": (
            "from intercom import CreateDataEventRequestWithUserId\n"
            "from shop.clients import cio, heap, ic\n"
            "def order(uid):\n"
            "    cio.track(uid, 'Order Placed', {'price': 1})\n"
            "    heap.track(uid, 'Order Placed')\n"
            "    ic.events.create(request=CreateDataEventRequestWithUserId(user_id=uid, event_name='Order Placed', created_at=1))\n"
        ),
        "shop/june_calls.py": "from june import analytics\ndef order(uid):\n    analytics.track(uid, 'Order Placed')\n",
        "shop/noise.py": "# cio.track(uid, 'Order Placed') with customerio, heapapi, intercom and june\n",
    }

    def run(prefilter: bool) -> list[tuple[str, int, str, str | None]]:
        result = analyze(DictProvider(files), Config(), Plan(), prefilter=prefilter)
        return [(c.path, c.line, c.sdk, c.event) for c in result.calls]

    filtered = run(True)
    assert filtered == run(False)
    assert sorted((path, sdk) for path, _, sdk, _ in filtered) == [
        ("shop/june_calls.py", "june"), ("shop/views.py", "customerio"), ("shop/views.py", "heap"), ("shop/views.py", "intercom"),
    ]
