"""Shapes from the recall benchmark: parameters rebound by validators, `Literal`/`Final` names.

Each is reduced from a real project of validation/ (named by shape, not by project). Every test
runs with the pre-filter on and off through ``both``.
"""

from __future__ import annotations

from textwrap import dedent

from detect_helpers import detect
from test_real_code_shapes import both

CLIENT = """
    from posthog import Posthog

    _client = Posthog("key")
"""

VALIDATORS = """
    def str_param(item, name):
        if not isinstance(item, str):
            raise TypeError(name)
        return item

    def lower_param(item, name):
        return item.lower()
"""


def test_a_parameter_rebound_by_a_tuple_returning_validator_stays_the_parameter() -> None:
    """`uid, action = validate(uid, action)` where `validate` returns what an identity function
    in another module gives back for each argument: the method is still a wrapper."""
    files = {
        "tel/__init__.py": "",
        "tel/checks.py": VALIDATORS,
        "tel/telemetry.py": dedent(CLIENT) + dedent("""
            from tel import checks

            def validate_entries(uid, action, when):
                uid = checks.str_param(uid, "uid")
                action = checks.str_param(action, "action")
                return uid, action, str(when)

            class Telemetry:
                def log_api(self, action, metadata=None):
                    uid = "u"
                    (uid, action, when) = validate_entries(uid, action, 3)
                    _client.capture(distinct_id=uid, event=action, properties={})

            def run(t: Telemetry):
                t.log_api("build-started")
                t.log_api(action="build-done")
        """),
    }
    found = both(files)
    assert found == [("tel/telemetry.py", 19, "build-started", "site"), ("tel/telemetry.py", 20, "build-done", "site")]


def test_a_parameter_rebound_by_a_call_that_changes_it_is_not_a_wrapper_parameter() -> None:
    """`action = lower_param(action)` returns something else (`item.lower()`), and
    `action = make(action)` builds a new object: neither is the parameter any more."""
    files = {
        "tel/__init__.py": "",
        "tel/checks.py": VALIDATORS,
        "tel/telemetry.py": dedent(CLIENT) + dedent("""
            from tel import checks

            def make(action):
                return {"name": action}

            def log_lower(action):
                action = checks.lower_param(action, "action")
                _client.capture("u", action)

            def log_made(action):
                action = make(action)
                _client.capture("u", action)

            def run():
                log_lower("x")
                log_made("y")
        """),
    }
    found = both(files, sinks=True)
    assert [(path, line, role) for path, line, _, role in found] == [
        ("tel/telemetry.py", 12, "site"),
        ("tel/telemetry.py", 16, "site"),
    ]
    assert [event for _, _, event, _ in found] == [None, None]


def test_a_rebinding_through_a_self_method_that_returns_its_argument_is_followed() -> None:
    files = {
        "tel/__init__.py": "",
        "tel/telemetry.py": dedent(CLIENT) + dedent("""
            class Telemetry:
                def _checked(self, value):
                    return value

                def send(self, action):
                    action = self._checked(action)
                    _client.capture("u", action)

            def run():
                Telemetry().send("page-viewed")
        """),
    }
    assert both(files) == [("tel/telemetry.py", 14, "page-viewed", "site")]


def test_literal_and_final_constants_and_a_single_literal_parameter_resolve_to_their_string() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/events.py": """
            from typing import Final, Literal

            import typing_extensions as te

            ORDER: Literal["Order Completed"] = ...
            REFUND: Final = "Refund Issued"
            SHIPPED: Final[str] = "Order Shipped"
            RETURNED: te.Final[te.Literal["Order Returned"]] = ...
            MANY: Literal["a", "b"] = "a"

            class Names:
                VIEWED: Literal["Page Viewed"]
        """,
        "shop/app.py": """
            from typing import Literal

            import analytics

            from shop.events import MANY, ORDER, REFUND, RETURNED, SHIPPED, Names

            def send(uid, event: Literal["Cart Viewed"], props=None):
                analytics.track(uid, event, props)

            def run():
                analytics.track("u", ORDER)
                analytics.track("u", REFUND)
                analytics.track("u", SHIPPED)
                analytics.track("u", RETURNED)
                analytics.track("u", Names.VIEWED)
                analytics.track("u", MANY)
                local: Literal["Order Placed"] = pick()
                analytics.track("u", local)
        """,
    }
    assert [(line, event) for _, line, event, _ in both(files)] == [
        (8, "Cart Viewed"),
        (11, "Order Completed"),
        (12, "Refund Issued"),
        (13, "Order Shipped"),
        (14, "Order Returned"),
        (15, "Page Viewed"),
        (16, "a"),
        (18, "Order Placed"),
    ]


TRACKER_CLASS = """
    from posthog import Posthog

    class Telemetry:
        def __init__(self):
            self._posthog_client = Posthog("key")

        def log_api(self, action, metadata=None):
            self._posthog_client.capture(distinct_id="u", event=action, properties=metadata)
"""


def test_a_method_only_one_tracker_class_defines_types_an_untyped_receiver() -> None:
    """`telemetry.log_api(...)` on an untyped parameter, in a module that imports nothing of the
    tracker: `log_api` is defined by `Telemetry` alone, so the call is a site, and `via` says why."""
    files = {
        "pkg/__init__.py": "",
        "pkg/telemetry.py": TRACKER_CLASS,
        "pkg/warnings.py": """
            from warnings import warn

            def deprecation_warning(telemetry, message):
                warn(message)
                telemetry.log_api(action="deprecation-warning-shown", metadata={"message": message})
        """,
    }
    assert both(files) == [("pkg/warnings.py", 5, "deprecation-warning-shown", "site")]
    call = next(c for c in detect(files) if c.path == "pkg/warnings.py")
    assert call.via == ("unique attribute name `log_api`", "pkg.telemetry.Telemetry.log_api", "posthog")


def test_an_attribute_only_one_class_holds_a_client_in_types_an_orm_chain() -> None:
    """`order.user.analytics.track(...)`: `analytics` is set, in the whole tree, only by `User`,
    where it is a Segment client; a wrapper built on such a call is followed too."""
    files = {
        "shop/__init__.py": "",
        "shop/models.py": """
            from analytics import Client

            class User:
                def __init__(self):
                    self.analytics = Client("key")
        """,
        "shop/views.py": """
            def checkout(order):
                order.user.analytics.track(order.user.id, "Order Completed", {})

            def send(order, name):
                order.user.analytics.track(order.user.id, name)

            def refund(order):
                send(order, "Order Refunded")
        """,
    }
    assert both(files) == [("shop/views.py", 2, "Order Completed", "site"), ("shop/views.py", 8, "Order Refunded", "site")]
    refund = next(c for c in detect(files) if c.line == 8)
    assert refund.via == ("shop.views.send", "unique attribute name `analytics`", "segment")


def test_an_attribute_name_two_classes_define_is_ambiguous_and_not_resolved() -> None:
    """A second class defining `log_api` (or `analytics`) makes the name ambiguous: nothing is
    resolved by it, with the pre-filter on or off."""
    files = {
        "pkg/__init__.py": "",
        "pkg/telemetry.py": TRACKER_CLASS,
        "pkg/other.py": """
            class Logger:
                def log_api(self, action, metadata=None):
                    print(action)
        """,
        "pkg/models.py": """
            from analytics import Client

            class User:
                def __init__(self):
                    self.analytics = Client("key")

            class Report:
                analytics = None
        """,
        "pkg/warnings.py": """
            def deprecation_warning(telemetry, message):
                telemetry.log_api(action="deprecation-warning-shown")

            def checkout(order):
                order.user.analytics.track("u", "Order Completed", {})
        """,
    }
    assert both(files, sinks=True) == [("pkg/telemetry.py", 8, None, "site")]
