"""Shapes found in the recall benchmark's real projects (validation/), each reduced to a few lines.

Every test runs with the pre-filter on and off: a resolution path the pre-filter does not know
would show up as a difference.
"""

from __future__ import annotations

from typing import Mapping

from detect_helpers import dedent_all, detect, project

from productops_lint.config import Config
from productops_lint.project import Project
from productops_lint.registry.model import Plan
from productops_lint.sources import DictProvider


def both(files: Mapping[str, str], sinks: bool = False) -> list[tuple[str, int, str | None, str]]:
    """(path, line, event, role) of each call, asserting the pre-filtered run finds the same."""
    found = [(c.path, c.line, c.event, c.role) for c in detect(files, sinks=True)]
    unfiltered = Project(DictProvider(dedent_all(files)), Config(), Plan()).tracking_calls(None, prefilter=False)
    assert found == [(c.path, c.line, c.event, c.role) for c in unfiltered]
    return found if sinks else [c for c in found if c[3] == "site"]


TELEMETRY = {
    "app/__init__.py": "",
    "app/telemetry.py": """
        from posthog import Posthog

        class Telemetry:
            def __init__(self):
                self.posthog = Posthog("key")

            def capture_event(self, name, props=None):
                self.posthog.capture(distinct_id="u", event=name, properties=props)
    """,
}


def test_a_getter_returning_a_global_set_inside_a_function_is_followed_from_another_module() -> None:
    files = {
        **TELEMETRY,
        "app/get.py": """
            from app.telemetry import Telemetry
            _client = None

            def get_telemetry():
                global _client
                if _client is None:
                    _client = Telemetry()
                return _client
        """,
        "app/use.py": """
            from app import get

            def notice():
                t = get.get_telemetry()
                t.capture_event("notice.shown", {"kind": "banner"})
        """,
    }
    assert both(files) == [("app/use.py", 5, "notice.shown", "site")]


def test_an_lru_cached_constructor_and_a_classmethod_singleton_are_receivers() -> None:
    files = {
        **TELEMETRY,
        "app/get.py": """
            import functools
            from app.telemetry import Telemetry

            @functools.lru_cache
            def client():
                return Telemetry()

            class Holder:
                _instance = None

                @classmethod
                def instance(cls):
                    if cls._instance is None:
                        cls._instance = Telemetry()
                    return cls._instance
        """,
        "app/use.py": """
            from app.get import Holder, client

            client().capture_event("a")
            Holder.instance().capture_event("b")
        """,
    }
    assert both(files) == [("app/use.py", 3, "a", "site"), ("app/use.py", 4, "b", "site")]


def test_a_caller_of_an_annotated_factory_in_another_module_passes_the_pre_filter() -> None:
    files = {
        **TELEMETRY,
        "app/tm.py": "from app.telemetry import Telemetry\n\ndef make() -> Telemetry:\n    return Telemetry()\n",
        "app/use.py": "from app import tm\n\nt = tm.make()\nt.capture_event('x')\n",
    }
    assert both(files) == [("app/use.py", 4, "x", "site")]


def test_self_inside_a_lambda_and_a_nested_function_is_the_instance() -> None:
    files = {
        **TELEMETRY,
        "app/views.py": """
            from app.telemetry import Telemetry

            class View:
                def __init__(self):
                    self.t = Telemetry()

                def save(self, on_commit):
                    on_commit(lambda: self.t.capture_event("saved"))

                    def later():
                        self.t.capture_event("later")
                    return later
        """,
    }
    assert [(line, event) for _, line, event, _ in both(files)] == [(8, "saved"), (11, "later")]


def test_an_annotated_local_takes_its_type_from_the_annotation() -> None:
    files = {
        **TELEMETRY,
        "app/cli.py": """
            from app.telemetry import Telemetry

            def command(ctx):
                tracker: Telemetry = ctx.obj["tracker"]
                tracker.capture_event("cli.run")
        """,
    }
    assert both(files) == [("app/cli.py", 5, "cli.run", "site")]


def test_the_sdk_call_inside_a_called_wrapper_is_a_sink_and_is_not_checked() -> None:
    found = both(TELEMETRY | {"app/use.py": "from app.telemetry import Telemetry\nTelemetry().capture_event('x')\n"}, sinks=True)
    assert found == [("app/telemetry.py", 8, None, "sink"), ("app/use.py", 2, "x", "site")]
    from productops_lint.engine import analyze

    result = analyze(DictProvider(dedent_all(TELEMETRY)), Config(), Plan())
    # Nothing calls the wrapper here: its SDK call is its only sighting, a site, and is checked.
    assert [(c.line, c.role) for c in result.calls] == [(8, "site")]
    assert "PO104" in {d.code for d in result.diagnostics}


def test_a_wrapper_forwarding_to_a_wrapper_is_plumbing_not_a_call() -> None:
    files = {
        **TELEMETRY,
        "app/service.py": """
            from app.telemetry import Telemetry
            t = Telemetry()

            def process(event):
                t.capture_event(event.event_name)
        """,
    }
    assert both(files, sinks=True) == [("app/telemetry.py", 8, None, "sink")]


def test_an_http_post_to_a_vendor_ingestion_endpoint_is_a_tracking_call() -> None:
    files = {
        "kt/__init__.py": "",
        "kt/plugin.py": """
            import json
            import requests

            HEAP = "https://heapanalytics.com/api/track"

            def send_event(event_name, properties=None):
                data = {"app_id": "1", "event": event_name, "properties": properties or {}}
                requests.post(url=HEAP, data=json.dumps(data), timeout=10)

            def upload(report):
                requests.post("https://example.com/upload", json={"event": "not analytics"})

            def hook():
                send_event("CLI command", {"command": "run"})
        """,
    }
    assert both(files, sinks=True) == [("kt/plugin.py", 8, None, "sink"), ("kt/plugin.py", 14, "CLI command", "site")]
    (site,) = [c for c in detect(files) if c.line == 14]
    assert site.property_keys == ["command"]


def test_an_http_body_built_by_a_payload_function_is_read_through_its_returned_dict() -> None:
    files = {
        "ra/__init__.py": "",
        "ra/telemetry.py": """
            import requests

            ENDPOINT = "https://api.segment.io/v1/track"

            def payload(distinct_id, event_name, properties):
                return {"userId": distinct_id, "event": event_name, "properties": properties}

            def _send(distinct_id, event_name, properties):
                body = payload(distinct_id, event_name, properties)
                requests.post(ENDPOINT, json=body)

            def track_training_started():
                _send("u", "Training Started", {"epochs": 3})
        """,
    }
    assert both(files) == [("ra/telemetry.py", 13, "Training Started", "site")]


def test_an_event_class_passing_its_name_to_the_base_constructor_is_resolved_per_call() -> None:
    files = {
        "ev/__init__.py": "",
        "ev/actions.py": "class Action(str):\n    pass\n\nSTARTED = Action('thing.started')\n",
        "ev/base.py": "from dataclasses import dataclass\nfrom ev.actions import Action\n\n@dataclass\nclass Event:\n    action: Action\n",
        "ev/events.py": """
            from ev.base import Event
            from ev.actions import STARTED

            class StartedEvent(Event):
                def __init__(self):
                    super().__init__(action=STARTED)
        """,
        "ev/client.py": "import posthog\n\ndef submit(event):\n    posthog.capture(distinct_id='x', event=str(event.action))\n",
        "ev/use.py": "from ev.client import submit as submit_event\nfrom ev.events import StartedEvent\n\nsubmit_event(event=StartedEvent())\n",
    }
    assert both(files) == [("ev/use.py", 4, "thing.started", "site")]


def test_args_and_kwargs_forwarded_into_a_structured_event_map_to_its_action() -> None:
    files = {
        "dt/__init__.py": "",
        "dt/tracking.py": """
            from snowplow_tracker import StructuredEvent, Tracker

            tracker = Tracker(emitters=[])

            def track(user, *args, **kwargs):
                tracker.track(StructuredEvent(*args, **kwargs))

            def track_invocation_start():
                track(None, category="dbt", action="invocation", label="start")

            def track_load():
                track(None, "dbt", "load_project")
        """,
    }
    assert both(files, sinks=True) == [
        ("dt/tracking.py", 6, None, "sink"),
        ("dt/tracking.py", 9, "invocation", "site"),
        ("dt/tracking.py", 12, "load_project", "site"),
    ]


def test_a_decorator_sending_the_decorated_functions_name_reports_each_decorated_function() -> None:
    files = {
        "pl/__init__.py": "",
        "pl/tracking.py": """
            from functools import wraps
            from mixpanel import Mixpanel

            class Track:
                def track_decorator(function):
                    @wraps(function)
                    def wrapper(*args, **kwargs):
                        try:
                            return function(*args, **kwargs)
                        finally:
                            Mixpanel("key").track("email", function.__name__, {"ok": True})
                    return wrapper
        """,
        "pl/jobs.py": """
            from pl.tracking import Track

            class Jobs:
                @staticmethod
                @Track.track_decorator
                def submit_job(self, spec):
                    pass
        """,
    }
    assert both(files, sinks=True) == [("pl/jobs.py", 5, "submit_job", "site"), ("pl/tracking.py", 11, None, "sink")]


def test_a_declared_wrapper_in_the_projects_package_does_not_admit_every_importer() -> None:
    from detect_helpers import wrapper

    files = {
        "shop/__init__.py": "",
        "shop/telemetry.py": "import requests\n\ndef send(name, props):\n    requests.post('https://t.example.com', json={})\n",
        "shop/orders.py": "from shop.telemetry import send\n\nsend('Order Completed', {})\n",
        **{f"shop/other{i}.py": "from shop import orders\nx = 1\n" for i in range(5)},
    }
    p = project(files, Config(wrappers=(wrapper("shop.telemetry.send", 0, 1),)))
    calls = p.tracking_calls(None)
    assert [(c.path, c.event) for c in calls] == [("shop/orders.py", "Order Completed")]
    assert not any(path.startswith("shop/other") for path in p._summaries)


def test_urlopen_of_a_request_to_an_ingestion_endpoint_is_a_tracking_call() -> None:
    files = {
        "hm/__init__.py": "",
        "hm/telemetry.py": """
            import json
            import urllib.request

            HOST = "https://us.i.posthog.com"
            URL = HOST + "/capture/"

            def send(event_name):
                body = {"api_key": "k", "event": event_name, "properties": {}}
                req = urllib.request.Request(URL, data=json.dumps(body).encode("utf-8"))
                urllib.request.urlopen(req, timeout=5)

            def download(url):
                urllib.request.urlopen(urllib.request.Request(url))

            send("cli_command")
        """,
    }
    assert both(files, sinks=True) == [("hm/telemetry.py", 10, None, "sink"), ("hm/telemetry.py", 15, "cli_command", "site")]


def test_an_ingestion_host_from_another_module_keeps_the_sender_in_the_pre_filter() -> None:
    files = {
        "hm/__init__.py": "",
        "hm/config.py": 'HOST = "https://us.i.posthog.com"\n',
        "hm/send.py": """
            import requests
            from hm.config import HOST

            def send(name):
                requests.post(HOST + "/capture/", json={"event": name, "properties": {}})

            send("started")
        """,
        "hm/other.py": "import requests\n\nrequests.post('https://example.com/x', json={'event': 'no'})\n",
    }
    assert both(files) == [("hm/send.py", 7, "started", "site")]
    p = project(files)
    p.tracking_calls(None)
    assert "hm/other.py" not in p._summaries  # imports requests, names no ingestion host


def test_strenum_auto_members_and_member_names_resolve() -> None:
    files = {
        "app/__init__.py": "",
        "app/events.py": """
            import enum

            class Event(enum.StrEnum):
                SIGNED_UP = enum.auto()

            class Step(enum.Enum):
                FIRST = enum.auto()
        """,
        "app/use.py": """
            import posthog
            from app.events import Event, Step

            posthog.capture(Event.SIGNED_UP, distinct_id="u")
            posthog.capture(Event.SIGNED_UP.name, distinct_id="u")
            posthog.capture(Step.FIRST.value, distinct_id="u")
        """,
    }
    assert [(line, event) for _, line, event, _ in both(files)] == [(4, "signed_up"), (5, "SIGNED_UP"), (6, None)]
