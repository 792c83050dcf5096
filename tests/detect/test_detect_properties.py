"""Which property keys (and static values) a tracking call sends, and when the key set is partial or unknown."""

from __future__ import annotations

import pytest
from detect_helpers import only

from productops_lint.types import UNKNOWN

SEG = "import analytics\n"


def props_of(body: str, prelude: str = "") -> tuple[list[str] | None, bool]:
    call = only(SEG + prelude + "def go(uid, extra, n):\n" + body)
    return call.property_keys, call.partial


@pytest.mark.parametrize(
    ("body", "prelude", "expected"),
    [
        ("    analytics.track(uid, 'E', {'a': 1, 'b': n})\n", "", (["a", "b"], False)),
        ("    analytics.track(uid, 'E', properties={'a': 1})\n", "", (["a"], False)),
        ("    analytics.track(uid, 'E', dict(a=1, b=n))\n", "", (["a", "b"], False)),
        ("    analytics.track(uid, 'E')\n", "", ([], False)),
        ("    analytics.track(uid, 'E', None)\n", "", ([], False)),
        ("    analytics.track(uid, 'E', {})\n", "", ([], False)),
        ("    analytics.track(uid, 'E', {KEY: 1})\n", "KEY = 'a'\n", (["a"], False)),
        ("    analytics.track(uid, 'E', PROPS)\n", "PROPS = {'a': 1}\n", (["a"], False)),
        ("    p = {'a': 1}\n    analytics.track(uid, 'E', p)\n", "", (["a"], False)),
        ("    p = {'a': 1}\n    p['b'] = 2\n    analytics.track(uid, 'E', p)\n", "", (["a", "b"], False)),
        ("    p = dict(a=1)\n    p.update(b=2)\n    analytics.track(uid, 'E', p)\n", "", (["a", "b"], False)),
        ("    p = {}\n    p.update({'a': 1, 'b': 2})\n    analytics.track(uid, 'E', p)\n", "", (["a", "b"], False)),
        ("    analytics.track(uid, 'E', {'a': 1, **extra})\n", "", (["a"], True)),
        ("    analytics.track(uid, 'E', dict(extra, a=1))\n", "", (["a"], True)),
        ("    analytics.track(uid, 'E', {n: 1, 'a': 2})\n", "", (["a"], True)),
        ("    analytics.track(uid, 'E', extra)\n", "", (None, False)),
        ("    analytics.track(uid, 'E', make())\n", "def make():\n    return {}\n", (None, False)),
        ("    p = build(n)\n    analytics.track(uid, 'E', p)\n", "", (None, False)),
    ],
)
def test_property_keys(body: str, prelude: str, expected: tuple[list[str] | None, bool]) -> None:
    assert props_of(body, prelude) == expected


def test_keys_added_in_another_function_are_not_seen() -> None:
    code = SEG + "p = {'a': 1}\ndef add():\n    q = {}\n    q['b'] = 2\nanalytics.track('u', 'E', p)\n"
    assert only(code).property_keys == ["a"]


def test_static_values_are_known_and_dynamic_values_are_unknown() -> None:
    call = only(SEG + "def go(uid, n):\n    analytics.track(uid, 'E', {'plan': 'pro', 'seats': 3, 'ok': True, 'n': n, 'tags': ['a']})\n")
    assert call.properties is not None
    assert {p.key: p.value for p in call.properties} == {"plan": "pro", "seats": 3, "ok": True, "n": UNKNOWN, "tags": ["a"]}


def test_value_of_a_constant_is_known() -> None:
    call = only(SEG + "PLAN = 'pro'\nanalytics.track('u', 'E', {'plan': PLAN})\n")
    assert call.properties is not None and call.properties[0].value == "pro"


def test_key_span_points_at_the_key_as_written() -> None:
    call = only(SEG + "analytics.track('u', 'E', {'plan': 1})\n")
    assert call.properties is not None
    prop = call.properties[0]
    assert (prop.key_source, prop.key_span.start_line, prop.key_span.start_col) == ("'plan'", 2, 27)
    assert prop.path == "app.py"


def test_dict_keyword_key_span_points_at_the_keyword() -> None:
    call = only(SEG + "analytics.track('u', 'E', dict(plan=1))\n")
    assert call.properties is not None and call.properties[0].key_source == "plan"


def test_posthog_current_signature_reads_properties_keyword() -> None:
    call = only("import posthog\nposthog.capture('E', distinct_id='u', properties={'a': 1})\n")
    assert call.property_keys == ["a"]


def test_amplitude_event_properties_are_read_from_the_event_object() -> None:
    code = "from amplitude import Amplitude, BaseEvent\namp = Amplitude('k')\namp.track(BaseEvent('E', user_id='u', event_properties={'a': 1}))\n"
    assert only(code).property_keys == ["a"]
