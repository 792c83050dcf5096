"""Shapes from the recall benchmark: sends handed to threads, whole payloads, printed objects, schema URIs.

Each is reduced from a real project of validation/ (named in the test's docstring by shape, not by
project). Every test runs with the pre-filter on and off through ``both``.
"""

from __future__ import annotations

from textwrap import dedent

from detect_helpers import detect, wrapper
from test_real_code_shapes import both

from productops_lint.config import Config

HTTP_SENDER = """
    import json
    import threading
    import urllib.request

    URL = "https://app.posthog.com/capture/"

    def _send_event_json(event_json):
        data = json.dumps(event_json).encode()
        urllib.request.urlopen(urllib.request.Request(URL, data=data))
"""


def test_a_payload_handed_to_a_thread_is_followed_from_the_builder_to_the_call_site() -> None:
    """A builder returns a local dict with an `event` key; a sender posts it from a thread."""
    files = {
        "tel/__init__.py": "",
        "tel/telemetry.py": dedent(HTTP_SENDER) + dedent("""
            START = "run_start"

            def create_start_event_json(nodes):
                event = {"api_key": "k", "event": START, "properties": {}}
                event["properties"].update({"nodes": nodes})
                return event

            def send_event_json(event_json):
                th = threading.Thread(target=_send_event_json, args=(event_json,))
                th.start()

            def create_and_send_cli_event(command):
                event = {"api_key": "k", "event": "cli_command", "properties": {}}
                send_event_json(event)
        """),
        "tel/driver.py": """
            from tel import telemetry

            def run():
                payload = telemetry.create_start_event_json(3)
                telemetry.send_event_json(payload)
        """,
    }
    found = both(files)
    assert ("tel/driver.py", 5, "run_start", "site") in found
    assert ("tel/telemetry.py", 24, "cli_command", "site") in found
    assert len(found) == 2


def test_a_key_set_after_the_builder_overrides_the_builders_key() -> None:
    files = {
        "tel/__init__.py": "",
        "tel/telemetry.py": dedent(HTTP_SENDER) + dedent("""
            def create_download_event_json(name):
                return {"event": "download_call", "properties": {"name": name}}

            def send_import(name):
                event_json = create_download_event_json(name)
                event_json["event"] = "import_call"
                _send_event_json(event_json)
        """),
    }
    assert [f[2] for f in both(files)] == ["import_call"]


def test_a_trampoline_running_its_function_on_an_executor_is_followed() -> None:
    """`send(event)` queues `_process(event)` through a helper that runs `fn(*args, **kwargs)`."""
    files = {
        "pkg/__init__.py": "",
        "pkg/telemetry.py": """
            import json
            import urllib.request
            from concurrent.futures import ThreadPoolExecutor
            from typing import cast

            URL = "https://app.posthog.com/capture/"
            _executor = ThreadPoolExecutor(max_workers=1)

            def _prepare(event, *, properties=None, **kwargs):
                if not event:
                    return None
                return cast("Event", {"api_key": "k", "event": event, "properties": properties or {}})

            def _send_event(event_data):
                request = urllib.request.Request(URL, data=json.dumps(event_data).encode())
                urllib.request.urlopen(request, timeout=5).close()

            def _send(event, enabled, *, properties=None, **kwargs):
                event_data = _prepare(event, properties=properties, **kwargs)
                return _send_event(event_data)

            def _process(event, enabled, *, properties=None, **kwargs):
                _send(event, enabled, properties=properties, **kwargs)

            def _run_suppressed(context, fn, *args, **kwargs):
                try:
                    fn(*args, **kwargs)
                except Exception:
                    pass

            def _submit(fn, /, *args, **kwargs):
                _executor.submit(_run_suppressed, None, fn, *args, **kwargs)

            def send(event, enabled=None, *, properties=None, **kwargs):
                if enabled:
                    _submit(_process, event, enabled, properties=properties, **kwargs)
        """,
        "pkg/cli.py": """
            from pkg import telemetry

            def run_dev():
                telemetry.send("run-dev")

            def run_prod():
                telemetry._process("run-prod", True)
        """,
    }
    found = both(files, sinks=True)
    sites = [(f[0], f[1], f[2]) for f in found if f[3] == "site"]
    assert sites == [("pkg/cli.py", 4, "run-dev"), ("pkg/cli.py", 7, "run-prod")]
    # The one SDK-level send (the hand-written POST) is the sink; the plumbing between is not reported.
    assert [(f[0], f[1]) for f in found if f[3] == "sink"] == [("pkg/telemetry.py", 16)]


def test_executor_submit_and_partial_hand_over_their_arguments() -> None:
    files = {
        "app.py": """
            import asyncio
            import functools
            from concurrent.futures import ThreadPoolExecutor
            import posthog

            def capture(name, props=None):
                posthog.capture(name, distinct_id="u", properties=props)

            pool = ThreadPoolExecutor()

            async def main(loop):
                pool.submit(capture, "Job Queued", {"id": 1})
                pool.submit(functools.partial(capture, "Job Bound"))
                await asyncio.to_thread(capture, "Job Threaded")
                await loop.run_in_executor(None, capture, "Job Run")
        """,
    }
    assert [f[2] for f in both(files)] == ["Job Queued", "Job Bound", "Job Threaded", "Job Run"]


def test_a_thread_of_an_unrelated_function_is_not_a_send() -> None:
    files = {
        "app.py": """
            import threading

            def work(name):
                print(name)

            threading.Thread(target=work, args=("Job Done",)).start()
        """,
    }
    assert both(files, sinks=True) == []


def test_str_of_an_object_whose_repr_returns_a_field_is_that_field() -> None:
    """`str(event.action)` where `Action` is a dataclass whose `__repr__` returns `self.name`."""
    files = {
        "ana/__init__.py": "",
        "ana/base.py": """
            from dataclasses import dataclass

            @dataclass(frozen=True)
            class Action:
                name: str

                def __repr__(self):
                    return self.name

            @dataclass
            class Event:
                action: Action
        """,
        "ana/actions.py": """
            from ana.base import Action
            CHECKPOINT_RAN: Action = Action("checkpoint.ran")
        """,
        "ana/events.py": """
            from ana.actions import CHECKPOINT_RAN
            from ana.base import Event

            class CheckpointRanEvent(Event):
                def __init__(self, checkpoint_id):
                    self.checkpoint_id = checkpoint_id
                    super().__init__(action=CHECKPOINT_RAN)
        """,
        "ana/client.py": """
            import posthog

            def submit(event):
                posthog.capture(distinct_id="u", event=str(event.action), properties={})
        """,
        "ana/run.py": """
            from ana.client import submit
            from ana.events import CheckpointRanEvent

            def run():
                submit(event=CheckpointRanEvent("c-1"))
        """,
    }
    assert [(f[0], f[2]) for f in both(files)] == [("ana/run.py", "checkpoint.ran")]


SNOWPLOW_TRACKER = """
    from dataclasses import dataclass
    from snowplow_tracker import SelfDescribing, SelfDescribingJson, Tracker as SnowplowTracker

    DEFAULT_VENDOR = "com.acme"

    @dataclass
    class IgluSchema:
        name: str
        version: str
        vendor: str = DEFAULT_VENDOR

        @property
        def url(self) -> str:
            return f"iglu:{self.vendor}/{self.name}/jsonschema/{self.version}"

    CliEventSchema = IgluSchema("cli_event", "1-0-1")
    ExitEventSchema = IgluSchema("exit_event", "2-0-0", vendor="com.other")

    class Tracker:
        def __init__(self):
            self.snowplow_tracker = SnowplowTracker("ns", [])

        def track_unstruct_event(self, event_json):
            self.snowplow_tracker.track(SelfDescribing(event_json=event_json))

        def track_command_event(self, event):
            self.track_unstruct_event(SelfDescribingJson(CliEventSchema.url, {"event": event.name}))

        def track_exit_event(self, code):
            self.track_unstruct_event(SelfDescribingJson(ExitEventSchema.url, {"exit_code": code}))
"""


def test_a_fixed_schema_wrapper_is_a_site_named_by_the_schema_uri_from_a_dataclass_property() -> None:
    found = both({"track.py": SNOWPLOW_TRACKER}, sinks=True)
    assert [(f[2], f[3]) for f in found] == [
        (None, "sink"),
        ("iglu:com.acme/cli_event/jsonschema/1-0-1", "site"),
        ("iglu:com.other/exit_event/jsonschema/2-0-0", "site"),
    ]


def test_keywords_spread_from_a_visible_dict_are_the_calls_keywords() -> None:
    """`self.log_api(**error)` with `error = dict(action=..., metadata=...)` in the same function."""
    files = {
        "app.py": """
            import posthog

            class Telemetry:
                def log_api(self, action, metadata=None):
                    posthog.capture(action, distinct_id="u", properties=metadata)

                def fail(self):
                    error = dict(action="job-error", metadata={"kind": "x"})
                    self.log_api(**error)

            def notify(t: Telemetry):
                t.log_api(**{"action": "notified"})
        """,
    }
    assert [(f[1], f[2]) for f in both(files)] == [(9, "job-error"), (12, "notified")]


def test_a_wrappers_call_on_a_value_it_derived_from_its_parameter_is_plumbing() -> None:
    """A batching client passes on an event it merged from its parameter: its callers are the sites."""
    files = {
        "app.py": """
            import posthog

            class Client:
                def __init__(self):
                    self.pending = {}

                def _direct(self, event):
                    posthog.capture(event.name, distinct_id="u")

                def capture(self, event):
                    if event.key not in self.pending:
                        self._direct(event)
                        return
                    merged = self.pending[event.key].merge(event)
                    self._direct(merged)

            class Started:
                name = "Client Started"

            def start(client: Client):
                client.capture(Started())
        """,
    }
    assert [(f[1], f[2], f[3]) for f in both(files, sinks=True)] == [(8, None, "sink"), (21, "Client Started", "site")]


def test_a_name_bound_by_with_as_holds_what_enter_returns() -> None:
    files = {
        "app.py": """
            import posthog

            class AnalyticsContext:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    return False

                def track(self, event, properties=None):
                    posthog.capture(event, distinct_id="u", properties=properties)

            def enrich():
                with AnalyticsContext() as context:
                    context.track(event="User Enriched")
        """,
    }
    assert [(f[1], f[2]) for f in both(files)] == [(15, "User Enriched")]


def test_a_declared_context_manager_class_reads_keywords_of_its_init_and_its_methods_are_plumbing() -> None:
    files = {
        "app.py": """
            import posthog

            class track_handler:
                def __init__(self, event, metadata=None):
                    self.event = event
                    self.metadata = metadata or {}

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    posthog.capture(self.event, distinct_id="u", properties=self.metadata)

            def track_decorator(event):
                def inner_decorator(func):
                    def inner_func(*args, **kwargs):
                        with track_handler(event=event):
                            return func(*args, **kwargs)
                    return inner_func
                return inner_decorator

            def generate():
                with track_handler(event="Template Generated", metadata={"t": 1}):
                    pass

            @track_decorator("Stack Deployed")
            def deploy():
                pass
        """,
    }
    config = Config(wrappers=(wrapper("app.track_handler", 0, 1), wrapper("app.track_decorator", 0)))
    found = [(c.line, c.event, c.role) for c in detect(files, config, sinks=True)]
    assert found == [(12, None, "sink"), (23, "Template Generated", "site"), (26, "Stack Deployed", "site")]


DI_FILES = {
    "db/__init__.py": "",
    "db/config.py": """
        from typing import Dict, Type, TypeVar
        T = TypeVar("T")

        class System:
            def __init__(self):
                self._instances: Dict[type, object] = {}

            def instance(self, type: Type[T]) -> T:
                if type not in self._instances:
                    self._instances[type] = type(self)
                return self._instances[type]

            def settings(self, key):
                return key
    """,
    "db/telemetry.py": """
        import posthog

        class TelemetryClient:
            def capture(self, event: str) -> None:
                raise NotImplementedError

        class Posthog(TelemetryClient):
            def capture(self, event: str) -> None:
                posthog.capture(event, distinct_id="u")
    """,
    "db/api.py": """
        from db.config import System
        from db.telemetry import TelemetryClient

        class Client:
            _systems: dict = {}

            def __init__(self, system: System):
                self.system = system

            @property
            def _system(self) -> System:
                return Client._systems["default"]

            def start(self):
                self.system.instance(TelemetryClient).capture("Client Started")
                telemetry = self._system.instance(TelemetryClient)
                telemetry.capture("Client Ready")
                self.system.settings(TelemetryClient).capture("Not An Event")
    """,
}


def test_a_container_returning_an_instance_of_the_class_it_is_given_types_the_receiver() -> None:
    """`system.instance(TelemetryClient)` with `def instance(self, type: Type[T]) -> T`, also through a property."""
    assert [(f[0], f[1], f[2]) for f in both(DI_FILES)] == [("db/api.py", 15, "Client Started"), ("db/api.py", 17, "Client Ready")]


def test_a_guard_that_returns_unless_a_name_equals_a_string_pins_the_name_below_it() -> None:
    files = {
        "app.py": """
            import posthog

            def on_event(msg, user):
                if msg.info.name != "BehaviorChange" or user is None:
                    return
                posthog.capture(msg.info.name, distinct_id=user)

            def before_the_guard(msg):
                posthog.capture(msg.kind, distinct_id="u")
                if msg.kind != "Other":
                    return

            def a_guard_that_does_not_return(msg):
                if msg.kind != "Third":
                    print("odd")
                posthog.capture(msg.kind, distinct_id="u")
        """,
    }
    assert [(f[1], f[2]) for f in both(files)] == [(6, "BehaviorChange"), (9, None), (16, None)]


def test_a_string_annotation_of_a_class_imported_under_type_checking_types_the_receiver() -> None:
    files = {
        "app.py": """
            from typing import TYPE_CHECKING, Optional
            if TYPE_CHECKING:
                from posthog import Posthog
                import posthog as ph

            class Telemetry:
                def __init__(self, client: "Posthog | None" = None, other: "Optional[ph.Posthog]" = None):
                    self.client = client
                    self.other = other

                def send(self):
                    if self.client:
                        self.client.capture("Typed Late", distinct_id="u")
                    self.other.capture("Typed Through A Module", distinct_id="u")
        """,
    }
    assert [(f[1], f[2]) for f in both(files)] == [(13, "Typed Late"), (14, "Typed Through A Module")]


def test_a_loop_variable_is_an_element_of_a_literal_or_of_an_annotated_sequence() -> None:
    files = {
        "app.py": """
            from typing import Sequence
            import posthog

            def fan_out(clients: Sequence[posthog.Posthog], names: list[str]):
                for client in clients:
                    client.capture("Fanned Out", distinct_id="u")
                for n in names:
                    n.capture("Not A Client")
                for c in (posthog.Posthog("a"), posthog.Posthog("b")):
                    c.capture("Looped", distinct_id="u")
        """,
    }
    assert [(f[1], f[2]) for f in both(files)] == [(6, "Fanned Out"), (10, "Looped")]


def test_an_object_handed_to_a_constructor_types_the_attribute_it_is_stored_in() -> None:
    """`Worker(analytics=client)` storing `self.analytics = analytics`, unannotated, then used
    directly, through a bound-method alias, and one object further (`self.worker.analytics`)."""
    files = {
        "app/__init__.py": "",
        "app/worker.py": """
            class Worker:
                def __init__(self, analytics, name="w"):
                    self.analytics = analytics
                    self.event = self.analytics.capture

                def run(self):
                    self.analytics.capture("Worker Ran", distinct_id="u")
                    self.event("Worker Aliased", distinct_id="u")

                def set_other(self, other):
                    self.other = other

                def use_other(self):
                    self.other.capture("Not Followed", distinct_id="u")
        """,
        "app/pool.py": """
            class Pool:
                def __init__(self, worker):
                    self.worker = worker

                def go(self):
                    self.worker.analytics.capture("Pool Went", distinct_id="u")
        """,
        "app/main.py": """
            import posthog
            from app.worker import Worker
            from app.pool import Pool

            def main():
                client = posthog.Posthog("k")
                w = Worker(analytics=client)
                w.set_other(client)
                Pool(w).go()
        """,
    }
    assert [(f[0], f[1], f[2]) for f in both(files)] == [
        ("app/pool.py", 6, "Pool Went"),
        ("app/worker.py", 7, "Worker Ran"),
        ("app/worker.py", 8, "Worker Aliased"),
    ]


def test_timers_and_processes_hand_over_their_function_by_keyword_or_position() -> None:
    files = {
        "app.py": """
            import multiprocessing
            import threading
            import posthog

            def capture(name):
                posthog.capture(name, distinct_id="u")

            threading.Timer(5, capture, args=("Timer Fired",)).start()
            threading.Timer(5, function=capture, kwargs={"name": "Timer Keyword"}).start()
            multiprocessing.Process(target=capture, args=("Process Ran",)).start()
            threading.Thread(None, capture, args=("Thread Positional",)).start()
        """,
    }
    assert [f[2] for f in both(files)] == ["Timer Fired", "Timer Keyword", "Process Ran", "Thread Positional"]
