"""The cache's converter: dataclasses to JSON and back by their fields, and anything else refused."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from productops_lint import plain
from productops_lint.detect.summarize import summarize
from productops_lint.detect.values import ModuleSummary
from productops_lint.engine import Result, analyze_source
from productops_lint.registry.model import Plan
from productops_lint.types import UNKNOWN, Span

REPO = Path(__file__).resolve().parents[2]


def _round_trip(kind: type, value: object) -> object:
    return plain.decode(kind, json.loads(json.dumps(plain.encode(kind, value))))


def test_summaries_of_real_modules_come_back_equal():
    for path in sorted((REPO / "productops_lint" / "detect").glob("*.py"))[:12]:
        rel = path.relative_to(REPO).as_posix()
        summary = summarize(rel, rel[:-3].replace("/", "."), path.read_text())
        assert _round_trip(ModuleSummary, summary) == summary, rel


def test_a_result_with_fixes_and_unknown_values_comes_back_equal():
    plan = Plan()
    code = (
        "import analytics\n"
        "analytics.track('u', 'order completed', {'n': 1, 'x': 1.5, 'ok': True, 'none': None, 'who': user})\n"
    )
    result = analyze_source(code, plan)
    assert result.calls and result.calls[0].properties is not None
    assert any(p.value is UNKNOWN for p in result.calls[0].properties)
    assert _round_trip(Result, result) == result


class Colour(enum.Enum):
    RED = "red"


@dataclass(frozen=True)
class Leaf:
    name: str
    at: Span | None = None


@dataclass(frozen=True)
class Tree:
    """Stands for a summary that gained fields: the converter reads them from the class."""

    kids: tuple["Tree | Leaf", ...]
    by_pair: dict[tuple[str, int], Leaf] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    meta: Mapping[str, Any] = field(default_factory=dict)
    colour: Colour = Colour.RED
    role: Literal["site", "sink"] = "site"
    either: int | str | None = None
    ratio: float = 0.0


def test_new_fields_of_any_declared_shape_are_kept_without_edits():
    tree = Tree(
        kids=(Leaf("a", Span(1, 0, 1, 3)), Tree(kids=(Leaf("b"),), either="x")),
        by_pair={("k", 1): Leaf("c")},
        tags=frozenset({"x", "y"}),
        meta={"raw": b"\x00", "c": 1j, "t": (1, [2, {3: "4"}]), "s": {5}, "u": UNKNOWN, "e": ...},
        either=3,
        ratio=2,
    )
    assert _round_trip(Tree, tree) == tree


def test_the_fingerprint_follows_the_fields():
    @dataclass(frozen=True)
    class Before:
        a: int

    @dataclass(frozen=True)
    class After:
        a: int
        b: str = ""

    assert plain.fingerprint(Before) != plain.fingerprint(After)
    assert plain.fingerprint(ModuleSummary) == plain.fingerprint(ModuleSummary)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        [[], {}, "seven", "", [], [], "", None, None, 0.0],  # wrong types in the right number of fields
        [[[9, ["a"]]], {}, [], "red", "site", None, 0.0, 0.0],  # a union index out of range
        [[], {}, [], {}, "blue", "site", None, 0.0],  # not a member of the enum
        [[], {}, [], {}, "red", "other", None, 0.0],  # not one of the literals
        [[], {}, [], {}, "red", "site", [0, True], 0.0],  # a bool where an int is declared
        [[], {}, [], {"m": {"q": []}}, "red", "site", None, 0.0],  # an unknown tag in an `Any` field
    ],
)
def test_a_value_of_another_shape_is_refused(data: object):
    with pytest.raises(plain.Invalid):
        plain.decode(Tree, data)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_any_json_either_decodes_or_is_refused(data: object):
    for kind in (ModuleSummary, Result, Plan, Tree):
        try:
            plain.decode(kind, data)
        except plain.Invalid:
            pass


def test_a_value_without_a_plain_form_is_refused_when_written():
    with pytest.raises(plain.Unencodable):
        plain.encode(Tree, Tree(kids=(), meta={"f": object()}))
