"""Reduced forms of the tracking patterns met in real projects (see docs/validation.md), one test each."""

from __future__ import annotations

from detect_helpers import detect, only, wrapper

from productops_lint.config import Config

# Telemetry decorator: decorated functions return (event, properties); the decorator sends them
# through a client method held in a module-level variable that may be None (telemetry disabled).
DECORATOR_TELEMETRY = {
    "kit/__init__.py": "",
    "kit/telemetry.py": """
        import functools
        import posthog

        class Telemetry:
            def __init__(self):
                self.user_id = "anon"
                self.base = {"os": "linux"}

            def send_event(self, event_name, event_properties=None):
                event_properties = event_properties or {}
                posthog.capture(distinct_id=self.user_id, event=event_name, properties={**self.base, **event_properties})

        def send_telemetry(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                if telemetry:
                    output = func(*args, **kwargs)
                    if output:
                        telemetry.send_event(*output)
            return wrapper

        @send_telemetry
        def pipeline_ran(pipeline):
            if pipeline.recent:
                return None
            return "Pipeline Ran", {"components": len(pipeline.parts)}

        @send_telemetry
        def tutorial_opened(tutorial_id):
            return "Tutorial", {"tutorial.id": tutorial_id}

        telemetry = None
        if True:
            telemetry = Telemetry()
    """,
    "kit/pipeline.py": "from kit.telemetry import pipeline_ran\ndef run(p):\n    pipeline_ran(p)\n",
}


def test_decorator_sending_the_returned_event_reports_each_return() -> None:
    found = detect(DECORATOR_TELEMETRY)
    assert [(c.path, c.line, c.event, c.property_keys, c.partial) for c in found] == [
        ("kit/telemetry.py", 26, "Pipeline Ran", ["os", "components"], False),
        ("kit/telemetry.py", 30, "Tutorial", ["os", "tutorial.id"], False),
    ]
    assert found[0].via == ("kit.telemetry.send_telemetry", "kit.telemetry.Telemetry.send_event", "posthog")


def test_decorated_function_in_another_module_is_reported_there() -> None:
    files = {
        **DECORATOR_TELEMETRY,
        "kit/extra.py": "from kit.telemetry import send_telemetry\n\n@send_telemetry\ndef exported(fmt):\n    return 'Exported', {'format': fmt}\n",
    }
    extra = [c for c in detect(files) if c.path == "kit/extra.py"]
    assert [(c.line, c.event, c.sdk) for c in extra] == [(5, "Exported", "kit.telemetry.send_telemetry")]


def test_call_with_a_splat_has_unknown_properties_not_none() -> None:
    code = "import analytics\ndef go(args):\n    analytics.track(*args)\n"
    call = only(code)
    assert (call.event_kind, call.property_keys) == ("unresolved", None)


# Event objects: the tracked name is a property of the event class (its class name, or a class
# attribute), the client is held as its abstract base type, and the SDK call is in an override.
EVENT_OBJECTS = {
    "db/__init__.py": "",
    "db/telemetry/__init__.py": """
        from abc import abstractmethod

        class TelemetryEvent:
            @property
            def name(self) -> str:
                return self.__class__.__name__

            @property
            def properties(self):
                return self.__dict__

        class TelemetryClient:
            @abstractmethod
            def capture(self, event: TelemetryEvent) -> None:
                pass
    """,
    "db/telemetry/events.py": """
        from db.telemetry import TelemetryEvent

        class ClientStarted(TelemetryEvent):
            pass

        class CollectionAdded(TelemetryEvent):
            def __init__(self, amount):
                self.amount = amount

        class Renamed(TelemetryEvent):
            name = "Collection Renamed"
    """,
    "db/telemetry/posthog.py": """
        import posthog
        from db.telemetry import TelemetryClient, TelemetryEvent

        class Posthog(TelemetryClient):
            def __init__(self):
                self.pending = {}

            def capture(self, event: TelemetryEvent) -> None:
                if event.name not in self.pending:
                    self._direct_capture(event)
                    return
                merged = self.pending[event.name].merge(event)
                self._direct_capture(merged)

            def _direct_capture(self, event: TelemetryEvent) -> None:
                posthog.capture("user", event.name, {**event.properties, "v": 1})
    """,
    "db/api.py": """
        from db.telemetry import TelemetryClient
        from db.telemetry.events import ClientStarted, CollectionAdded, Renamed

        class API:
            _telemetry: TelemetryClient

            def __init__(self, system):
                self._telemetry = system.require(TelemetryClient)

            def start(self):
                self._telemetry.capture(ClientStarted())

            def add(self, n):
                self._telemetry.capture(CollectionAdded(amount=n))

            def rename(self):
                event = Renamed()
                self._telemetry.capture(event)
    """,
}


def test_event_object_names_resolve_through_a_base_class_client() -> None:
    found = [c for c in detect(EVENT_OBJECTS) if c.path == "db/api.py"]
    assert [(c.line, c.event) for c in found] == [(11, "ClientStarted"), (14, "CollectionAdded"), (18, "Collection Renamed")]
    assert found[0].via == (
        "db.telemetry.posthog.Posthog.capture",
        "db.telemetry.posthog.Posthog._direct_capture",
        "posthog",
    )
    assert all(c.partial for c in found)


def test_resending_an_event_object_the_wrapper_merged_is_its_plumbing() -> None:
    # The merged event carries the name its callers gave, and they are reported; only the SDK call
    # inside `_direct_capture` is listed, as the sink.
    inside = [c for c in detect(EVENT_OBJECTS, sinks=True) if c.path == "db/telemetry/posthog.py"]
    assert [(c.line, c.role, c.sdk) for c in inside] == [(16, "sink", "posthog")]


def test_client_returned_by_an_annotated_factory_is_followed() -> None:
    code = """
        from posthog import Posthog

        def make_client() -> Posthog:
            return Posthog("key")

        def go():
            make_client().capture("Signed Up", distinct_id="u")
            client = make_client()
            client.capture("Logged In", distinct_id="u")
    """
    assert [c.event for c in detect(code)] == ["Signed Up", "Logged In"]


# Segment over plain HTTP: no SDK call at all, so the sending function must be declared; the
# module's `_track(EVENT_CONSTANT, {...})` helper is then inferred above it.
HTTP_SEGMENT = {
    "bot/__init__.py": "",
    "bot/telemetry.py": """
        import requests

        TRAINING_STARTED = "Training Started"
        TELEMETRY_DISABLED = "Telemetry Disabled"

        def _send_event(distinct_id, event_name, properties, context):
            payload = {"userId": distinct_id, "event": event_name, "properties": properties}
            requests.post("https://api.segment.invalid/v1/track", json=payload)

        def _track(event_name, properties=None, context=None):
            if not properties:
                properties = {}
            properties["metrics_id"] = "id"
            _send_event("id", event_name, properties, context or {})

        def track_training(kind):
            _track(TRAINING_STARTED, {"type": kind, "language": "en"})

        def track_disabled():
            _track(TELEMETRY_DISABLED)
    """,
}


def test_declared_http_sender_makes_its_helper_a_wrapper() -> None:
    config = Config(wrappers=(wrapper("bot.telemetry._send_event", 1, 2),))
    found = detect(HTTP_SEGMENT, config)
    assert [(c.line, c.event, c.event_kind, c.property_keys) for c in found] == [
        (17, "Training Started", "constant", ["metrics_id", "type", "language"]),
        (20, "Telemetry Disabled", "constant", ["metrics_id"]),
    ]
    assert found[0].via == ("bot.telemetry._track", "bot.telemetry._send_event")


def test_http_sender_without_declaration_is_not_detected() -> None:
    assert detect(HTTP_SEGMENT) == []


def test_declared_http_sender_is_followed_when_every_module_is_read() -> None:
    from detect_helpers import project

    config = Config(wrappers=(wrapper("bot.telemetry._send_event", 1, 2),))
    found = project(HTTP_SEGMENT, config).tracking_calls(None, prefilter=False)
    assert [(c.line, c.event) for c in found] == [(17, "Training Started"), (20, "Telemetry Disabled")]
