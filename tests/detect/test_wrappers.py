"""Wrapper inference and declared wrappers: call sites of the project's own tracking functions."""

from __future__ import annotations

from detect_helpers import detect, on_line, only, project, wrapper

from productops_lint.config import Config

CORE = {
    "shop/__init__.py": "",
    "shop/telemetry/__init__.py": "",
    "shop/telemetry/core.py": """
        from segment import analytics

        def track_event(user_id, event, properties=None):
            analytics.track(user_id, event, properties)
    """,
}


def test_function_wrapper_in_another_module_is_inferred() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event('u', 'Signed Up', {'plan': 'pro'})\n"}
    call = only(files)
    assert (call.path, call.sdk, call.event, call.property_keys) == (
        "shop/views.py", "shop.telemetry.core.track_event", "Signed Up", ["plan"]
    )
    assert call.via == ("shop.telemetry.core.track_event", "segment")


def test_wrapper_arguments_are_read_by_keyword_too() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event(user_id='u', properties={'a': 1}, event='E')\n"}
    call = only(files)
    assert (call.event, call.property_keys) == ("E", ["a"])


def test_wrappers_are_inferred_to_any_depth_with_the_full_chain() -> None:
    files = {
        **CORE,
        "shop/telemetry/level2.py": "from .core import track_event\ndef emit(uid, name, props=None):\n    track_event(uid, name, props)\n",
        "shop/telemetry/level3.py": "from . import level2\ndef record(name, uid='anon'):\n    level2.emit(uid, name)\n",
        "shop/views.py": "from shop.telemetry.level3 import record as rec\nrec('Deep Event')\n",
    }
    call = only(files)
    assert call.event == "Deep Event"
    assert call.via == (
        "shop.telemetry.level3.record",
        "shop.telemetry.level2.emit",
        "shop.telemetry.core.track_event",
        "segment",
    )


def test_method_wrapper_on_an_instance_and_on_a_module_singleton() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/tracking.py": """
            import posthog

            class Tracker:
                def __init__(self, client: posthog.Posthog):
                    self.client = client

                def track(self, user, name, properties=None):
                    self.client.capture(name, distinct_id=user, properties=properties)

            tracker = Tracker(posthog.Posthog('k'))
        """,
        "shop/views.py": """
            from shop.tracking import Tracker, tracker

            def a(t: Tracker):
                t.track('u', 'From Param')

            def b():
                tracker.track('u', 'From Singleton', {'x': 1})
                Tracker(None).track('u', 'From Inline')
        """,
    }
    found = detect(files)
    assert [(c.event, c.sdk) for c in found] == [
        ("From Param", "shop.tracking.Tracker.track"),
        ("From Singleton", "shop.tracking.Tracker.track"),
        ("From Inline", "shop.tracking.Tracker.track"),
    ]


def test_bound_method_alias_on_self_is_a_wrapper() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/svc.py": """
            import analytics

            class Analytics:
                def event(self, uid, name, props=None):
                    analytics.track(uid, name, props)

            class Service:
                def __init__(self):
                    self.analytics = Analytics()
                    self.event = self.analytics.event

                def signup(self, uid):
                    self.event(uid, 'Signed Up', {'plan': 'pro'})
        """,
    }
    call = only(files)
    assert (call.event, call.property_keys, call.sdk) == ("Signed Up", ["plan"], "shop.svc.Analytics.event")


def test_inherited_wrapper_method_is_found_through_the_subclass() -> None:
    code = """
        import analytics

        class Base:
            def track(self, name):
                analytics.track('u', name)

        class Child(Base):
            def run(self):
                self.track('From Child')
    """
    assert only(code).event == "From Child"


def test_prefix_and_suffix_wrappers_compose() -> None:
    files = {
        **CORE,
        "shop/setup.py": """
            from shop.telemetry.core import track_event

            def setup_event(uid, name):
                track_event(uid, "app-setup-" + name)

            def setup_done(uid, step):
                setup_event(uid, f"{step}-done")
        """,
        "shop/views.py": "from shop.setup import setup_event, setup_done\nsetup_event('u', 'start')\nsetup_done('u', 'billing')\n",
    }
    found = detect(files)
    assert [(c.event, c.affix) for c in found] == [
        ("app-setup-start", ("app-setup-", "")),
        ("app-setup-billing-done", ("app-setup-", "-done")),
    ]


def test_wrapper_adding_keys_reports_them_at_every_call_site() -> None:
    files = {
        **CORE,
        "shop/w.py": """
            from shop.telemetry.core import track_event

            def track_web(uid, name, props):
                track_event(uid, name, {**props, "source": "web"})
        """,
        "shop/views.py": "from shop.w import track_web\ntrack_web('u', 'E', {'plan': 'pro'})\n",
    }
    call = only(files)
    assert call.property_keys == ["source", "plan"]
    assert not call.partial
    source = call.properties[0]  # type: ignore[index]
    assert (source.path, source.value) == ("shop/w.py", "web")


def test_kwargs_forwarded_as_properties() -> None:
    files = {
        **CORE,
        "shop/kw.py": """
            from shop.telemetry.core import track_event

            def track(name, **props):
                track_event("u", name, props)

            def track_checkout(name, **kwargs):
                track(name, area="checkout", **kwargs)
        """,
        "shop/views.py": "from shop.kw import track, track_checkout\ntrack('A', plan='pro', seats=2)\ntrack_checkout('B', total=3)\n",
    }
    found = detect(files)
    assert [(c.event, c.property_keys, c.partial) for c in found] == [
        ("A", ["plan", "seats"], False),
        ("B", ["area", "total"], False),
    ]


def test_kwargs_splat_at_the_call_site_makes_the_keys_partial() -> None:
    files = {
        **CORE,
        "shop/kw.py": "from shop.telemetry.core import track_event\ndef track(name, **props):\n    track_event('u', name, props)\n",
        "shop/views.py": "from shop.kw import track\ndef go(extra):\n    track('A', plan='pro', **extra)\n",
    }
    call = only(files)
    assert (call.property_keys, call.partial) == (["plan"], True)


def test_wrapper_whose_own_call_site_is_hidden_when_it_has_callers() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event('u', 'E')\n"}
    assert [c.path for c in detect(files)] == ["shop/views.py"]


def test_function_forwarding_a_name_but_never_called_keeps_its_own_call() -> None:
    code = "import analytics\ndef checkout(uid, kind):\n    analytics.track(uid, f'Order {kind}')\n"
    call = only(code)
    assert (call.event_kind, call.event_parts, call.sdk) == ("dynamic", ("Order ",), "segment")


def test_wrapper_chains_are_listed() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event('u', 'E')\n"}
    run = project(files)
    run.tracking_calls(None)
    chains = run.wrapper_chains()
    assert chains == {"shop.telemetry.core.track_event": ("shop.telemetry.core.track_event", "segment")}


def test_declared_wrapper_is_used_even_without_an_sdk_call() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/bus.py": "import requests\ndef emit(name, payload=None):\n    requests.post('https://example.invalid', json={'e': name})\n",
        "shop/views.py": "from shop.bus import emit\nemit('Signed Up', {'plan': 'pro'})\nemit(payload={}, name='Other')\n",
    }
    config = Config(wrappers=(wrapper("shop.bus.emit", 0, 1),))
    found = detect(files, config)
    assert [(c.event, c.property_keys, c.sdk, c.via) for c in found] == [
        ("Signed Up", ["plan"], "shop.bus.emit", ("shop.bus.emit",)),
        ("Other", [], "shop.bus.emit", ("shop.bus.emit",)),
    ]
    assert detect(files) == []


def test_declared_wrapper_by_keyword_and_inference_above_it() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/bus.py": "def emit(*, name, props=None):\n    pass\ndef emit_ui(name):\n    emit(name='ui.' + name)\n",
        "shop/views.py": "from shop.bus import emit_ui\nemit_ui('click')\n",
    }
    call = only(files, Config(wrappers=(wrapper("shop.bus.emit", "name", "props"),)))
    assert (call.event, call.via) == ("ui.click", ("shop.bus.emit_ui", "shop.bus.emit"))


def test_inference_can_be_turned_off() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event('u', 'E')\n"}
    found = detect(files, Config(infer_wrappers=False))
    assert [(c.path, c.event_kind, c.sdk) for c in found] == [("shop/telemetry/core.py", "unresolved", "segment")]


def test_inference_off_still_uses_declared_wrappers() -> None:
    files = {**CORE, "shop/views.py": "from shop.telemetry.core import track_event\ntrack_event('u', 'E')\n"}
    config = Config(infer_wrappers=False, wrappers=(wrapper("shop.telemetry.core.track_event", "event", "properties"),))
    assert [(c.path, c.event) for c in detect(files, config)] == [("shop/views.py", "E")]


def test_wrapper_passing_a_whole_amplitude_event_through() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/amp.py": "from amplitude import Amplitude, BaseEvent\nclient = Amplitude('k')\ndef send(event):\n    client.track(event)\n",
        "shop/views.py": "from amplitude import BaseEvent\nfrom shop.amp import send\nsend(BaseEvent('Signed Up', user_id='u', event_properties={'a': 1}))\n",
    }
    call = only(files)
    assert (call.event, call.property_keys, call.via) == ("Signed Up", ["a"], ("shop.amp.send", "amplitude"))


def test_wrapper_building_a_snowplow_structured_event() -> None:
    code = """
        from snowplow_tracker import Tracker, StructuredEvent
        tracker = Tracker('ns', [])
        def track_action(action):
            tracker.track(StructuredEvent('shop', action))
        track_action('Signed Up')
    """
    call = only(code)
    assert (call.event, call.property_keys, call.sdk) == ("Signed Up", None, "app.track_action")


def test_calls_on_lines_of_several_files() -> None:
    files = {**CORE, "shop/a.py": "from shop.telemetry.core import track_event\n\ntrack_event('u', 'A')\n"}
    assert on_line(detect(files), "shop/a.py", 3).event == "A"


def test_posthog_wrapper_reads_its_own_signature_not_posthogs() -> None:
    code = """
        import posthog

        def track(name, props=None):
            posthog.capture("u", name, props)

        track("Signed Up", {"plan": "pro"})
        track("Logged In")
    """
    found = detect(code)
    assert [(c.event, c.property_keys, c.sdk) for c in found] == [("Signed Up", ["plan"], "app.track"), ("Logged In", [], "app.track")]


def test_defaulted_properties_parameter_is_still_forwarded() -> None:
    code = """
        import analytics

        def track(name, props=None):
            props = props or {}
            analytics.track("u", name, props)

        def track2(name, props=None):
            if props is None:
                props = {}
            props["source"] = "api"
            analytics.track("u", name, props)

        track("A", {"plan": "pro"})
        track2("B", {"plan": "pro"})
    """
    assert [(c.event, c.property_keys, c.partial) for c in detect(code)] == [
        ("A", ["plan"], False),
        ("B", ["source", "plan"], False),
    ]


def test_client_attribute_typed_by_optional_annotation() -> None:
    code = """
        from typing import Optional
        from mixpanel import Mixpanel

        class Service:
            mp: Optional[Mixpanel] = None

            def go(self):
                self.mp.track("u", "Signed Up")

        class Other:
            def __init__(self, client: "Mixpanel | None" = None, real: Mixpanel | None = None):
                self.client = real

            def go(self):
                self.client.track("u", "Logged In")
    """
    assert [c.event for c in detect(code)] == ["Signed Up", "Logged In"]


def test_any_callable_can_be_declared_a_method_of_instances_a_factory_result_or_a_file_path() -> None:
    """A class of an SDK no preset knows, a factory the analysis cannot see into, and a script
    in a folder whose name is not an identifier."""
    files = {
        "tools/send-metrics.py": """
            import json, urllib.request

            def track(event, props=None):
                body = json.dumps({"name": event, "props": props}).encode()
                urllib.request.urlopen(urllib.request.Request("https://metrics.internal/", data=body))

            track("Backup Finished", {"size": 3})
        """,
        "app/__init__.py": "",
        "app/clients.py": """
            import vendor_sdk

            def make_client():
                return vendor_sdk.build(settings={})

            def make_known():
                return vendor_sdk.Client("key")
        """,
        "app/jobs.py": """
            from vendor_sdk import Client
            from app.clients import make_client, make_known

            def run():
                Client("k").emit("Job Started", {"id": 1})
                make_known().emit("Job Known")
                make_client().send("Job Done")
                Client("k").close("Not An Event")
        """,
    }
    config = Config(
        wrappers=(
            wrapper("tools/send-metrics.py:track", 0, 1),
            wrapper("vendor_sdk.Client().emit", 0, 1),
            wrapper("app.clients.make_client().send", 0),
        )
    )
    found = [(c.path, c.line, c.event, c.property_keys) for c in detect(files, config)]
    assert found == [
        ("app/jobs.py", 5, "Job Started", ["id"]),
        ("app/jobs.py", 6, "Job Known", []),
        ("app/jobs.py", 7, "Job Done", []),
        ("tools/send-metrics.py", 7, "Backup Finished", ["size"]),
    ]
    unfiltered = project(files, config).tracking_calls(None, prefilter=False)
    assert found == [(c.path, c.line, c.event, c.property_keys) for c in unfiltered if c.role == "site"]
