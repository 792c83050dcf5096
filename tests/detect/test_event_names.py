"""How the event name at a call is resolved: literal, constant, dynamic (with static parts) or unresolved."""

from __future__ import annotations

import pytest
from detect_helpers import detect, only

SEG = "import analytics\n"


def name_of(expr: str, prelude: str = "") -> tuple[str | None, str, tuple[str, ...]]:
    call = only(SEG + prelude + f"def go(uid, kind, obj):\n    analytics.track(uid, {expr})\n")
    return call.event, call.event_kind, call.event_parts


@pytest.mark.parametrize(
    ("expr", "prelude", "expected"),
    [
        ('"Signed Up"', "", ("Signed Up", "literal", ())),
        ("'Signed' ' Up'", "", ("Signed Up", "literal", ())),
        ('"Signed" + " Up"', "", ("Signed Up", "literal", ())),
        ('f"Signed Up"', "", ("Signed Up", "literal", ())),
        ("SIGNED_UP", 'SIGNED_UP = "Signed Up"\n', ("Signed Up", "constant", ())),
        ("SIGNED_UP", 'SIGNED_UP: str = "Signed Up"\n', ("Signed Up", "constant", ())),
        ("PREFIX + 'Up'", 'PREFIX = "Signed "\n', ("Signed Up", "literal", ())),
        ("ALIAS", 'SIGNED_UP = "Signed Up"\nALIAS = SIGNED_UP\n', ("Signed Up", "constant", ())),
        ("Events.SIGNED_UP", 'class Events:\n    SIGNED_UP = "Signed Up"\n', ("Signed Up", "constant", ())),
        (
            "Events.SIGNED_UP",
            'import enum\nclass Events(enum.StrEnum):\n    SIGNED_UP = "Signed Up"\n',
            ("Signed Up", "constant", ()),
        ),
        (
            "Events.SIGNED_UP",
            'from enum import Enum\nclass Events(str, Enum):\n    SIGNED_UP = "Signed Up"\n',
            ("Signed Up", "constant", ()),
        ),
        (
            "Events.SIGNED_UP.value",
            'from enum import Enum\nclass Events(Enum):\n    SIGNED_UP = "Signed Up"\n',
            ("Signed Up", "constant", ()),
        ),
        (
            "Events.SIGNED_UP.value",
            'import enum\nclass Events(enum.StrEnum):\n    SIGNED_UP = "Signed Up"\n',
            ("Signed Up", "constant", ()),
        ),
        # A plain Enum member is not a string: the SDK would send its repr.
        (
            "Events.SIGNED_UP",
            'from enum import Enum\nclass Events(Enum):\n    SIGNED_UP = "Signed Up"\n',
            (None, "unresolved", ()),
        ),
        ('f"Signed {kind}"', "", (None, "dynamic", ("Signed ",))),
        ('f"{kind} Signed Up"', "", (None, "dynamic", (" Signed Up",))),
        ('f"Signed {kind!r}"', "", (None, "dynamic", ("Signed ",))),
        ('"Signed %s" % kind', "", (None, "dynamic", ("Signed ",))),
        ('"Signed %(k)s Up" % {"k": kind}', "", (None, "dynamic", ("Signed ", " Up"))),
        ('"Signed {} Up".format(kind)', "", (None, "dynamic", ("Signed ", " Up"))),
        ('"Signed " + kind', "", (None, "dynamic", ("Signed ",))),
        ("kind", "", (None, "unresolved", ())),
        ("obj.name", "", (None, "unresolved", ())),
        ("make_name()", "def make_name():\n    return 'x'\n", (None, "unresolved", ())),
        ("str(kind)", "", (None, "unresolved", ())),
        ('"-".join(["a", "b"])', "", (None, "unresolved", ())),
        ("UNDEFINED_NAME", "", (None, "unresolved", ())),
        ("Events.MISSING", 'class Events:\n    SIGNED_UP = "Signed Up"\n', (None, "unresolved", ())),
    ],
)
def test_event_name_resolution(expr: str, prelude: str, expected: tuple[str | None, str, tuple[str, ...]]) -> None:
    assert name_of(expr, prelude) == expected


def test_local_variable_with_a_literal_value_resolves() -> None:
    call = only(SEG + "def go(uid):\n    name = 'Signed Up'\n    analytics.track(uid, name)\n")
    assert (call.event, call.event_kind) == ("Signed Up", "literal")
    assert call.origin is not None and call.origin.span.start_line == 3


def test_local_variable_assigned_two_different_values_is_unresolved() -> None:
    code = SEG + "def go(uid, ok):\n    name = 'A'\n    if ok:\n        name = 'B'\n    analytics.track(uid, name)\n"
    assert only(code).event_kind == "unresolved"


def test_loop_variable_is_unresolved() -> None:
    code = SEG + "def go(uid):\n    for name in ('A', 'B'):\n        analytics.track(uid, name)\n"
    assert only(code).event_kind == "unresolved"


def test_module_constant_reassigned_to_a_different_value_is_unresolved() -> None:
    code = SEG + "NAME = 'A'\nNAME = 'B'\nanalytics.track('u', NAME)\n"
    assert only(code).event_kind == "unresolved"


def test_constant_from_another_module_records_where_it_is_spelled() -> None:
    files = {
        "shop/__init__.py": "",
        "shop/events.py": 'SIGNED_UP = "Signed Up"\n',
        "shop/views.py": SEG + "from shop.events import SIGNED_UP\nanalytics.track('u', SIGNED_UP)\n",
    }
    call = only(files)
    assert (call.event, call.event_kind) == ("Signed Up", "constant")
    assert call.origin is not None
    assert (call.origin.path, call.origin.constant, call.origin.source) == (
        "shop/events.py",
        "shop.events.SIGNED_UP",
        '"Signed Up"',
    )


@pytest.mark.parametrize(
    ("importer", "expr"),
    [
        ("from .events import SIGNED_UP", "SIGNED_UP"),
        ("from . import events", "events.SIGNED_UP"),
        ("from .. import shared_events as ev", "ev.SIGNED_UP"),
        ("from ..shared_events import SIGNED_UP as S", "S"),
        ("import shop.events", "shop.events.SIGNED_UP"),
        ("import shop.events as m", "m.SIGNED_UP"),
        ("from shop import events", "events.SIGNED_UP"),
        ("from shop.events import Events", "Events.SIGNED_UP"),
        ("from shop.events import Events", "Events.SIGNED_UP.value"),
        ("from shop.reexport import SIGNED_UP", "SIGNED_UP"),
    ],
)
def test_constant_imported_from_another_module_resolves(importer: str, expr: str) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/events.py": 'import enum\nSIGNED_UP = "Signed Up"\nclass Events(enum.StrEnum):\n    SIGNED_UP = "Signed Up"\n',
        "shop/shared_events.py": 'SIGNED_UP = "Signed Up"\n',
        "shop/reexport.py": "from .events import SIGNED_UP\n",
        "shop/web/__init__.py": "",
        "shop/web/events.py": 'SIGNED_UP = "Signed Up"\n',
        "shop/web/views.py": f"{SEG}{importer}\ndef go(uid):\n    analytics.track(uid, {expr})\n",
    }
    call = [c for c in detect(files) if c.path == "shop/web/views.py"]
    assert [(c.event, c.event_kind) for c in call] == [("Signed Up", "constant")]


def test_constant_outside_the_tree_is_unresolved() -> None:
    code = SEG + "from some_lib.events import SIGNED_UP\nanalytics.track('u', SIGNED_UP)\n"
    assert only(code).event_kind == "unresolved"


def test_other_uses_of_a_shared_constant_are_counted() -> None:
    files = {
        "events.py": 'SIGNED_UP = "Signed Up"\n',
        "a.py": SEG + "from events import SIGNED_UP\nanalytics.track('u', SIGNED_UP)\n",
        "b.py": "from events import SIGNED_UP\nprint(SIGNED_UP)\nLABEL = SIGNED_UP\n",
    }
    call = only(files)
    assert call.origin is not None and call.origin.other_uses == 2


def test_constant_used_only_as_event_names_has_no_other_uses() -> None:
    files = {
        "events.py": 'SIGNED_UP = "Signed Up"\n',
        "a.py": SEG + "from events import SIGNED_UP\nanalytics.track('u', SIGNED_UP)\nanalytics.track('v', SIGNED_UP)\n",
    }
    assert [c.origin.other_uses for c in detect(files) if c.origin] == [0, 0]


def test_literal_origin_points_at_the_string_at_the_call() -> None:
    call = only(SEG + "analytics.track('u', 'Signed Up')\n")
    assert call.origin is not None and call.origin.constant is None
    assert call.origin.span == call.event_span


def test_reads_of_a_constant_through_its_module_count_as_other_uses() -> None:
    files = {
        "app/__init__.py": "",
        "app/events.py": 'SHARED = "Checkout Started"\n',
        "app/flow.py": SEG + "from app import events\ndef go(uid):\n    analytics.track(uid, events.SHARED)\n    print(events.SHARED)\n",
        "app/other.py": "import app.events as ev\nLABEL = ev.SHARED\n",
    }
    call = only(files)
    assert call.origin is not None and call.origin.other_uses == 2


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ('steps["event"]', "a value read from a container"),
        ("make_name()", "the result of calling `app.make_name`"),
        ('"A" if flag else "B"', "a conditional expression"),
        ("os.environ", "`os.environ` is outside the scanned tree"),
    ],
)
def test_an_unresolved_name_says_why(expr: str, reason: str) -> None:
    code = f"""
        import os
        import analytics

        def make_name():
            return os.environ["EVENT"]

        def send(steps, flag):
            analytics.track("u", {expr})
    """
    call = only({"app.py": code})
    assert (call.event_kind, call.unresolved_reason) == ("unresolved", reason)
