"""Positions gives every node exactly the range libcst's PositionProvider gives it."""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from productops_lint.detect.positions import Positions

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "crlf": "import a\r\n\r\ndef f(x):\r\n    return a.track(x, 'E')\r\n",
    "cr": "import a\rx = a.b(1,\r      2)\r",
    "no-final-newline": "x = f(1)",
    "empty": "",
    "comments-only": "# one\n# two\n",
    "tabs-and-continuation": "if x:\n\ty = 1 + \\\n\t\t2\n",
    "unicode": "s = '😀 é'; t = g('ü', k='€')\n",
    "fstrings": "x = f'{a!r:>{w}} {f\"{b}\"}'\n",
    "decorators": "@d(1)\n@e . f\nclass C(B, metaclass=M):\n    @property\n    def p(self): return 1\n",
    "semicolons-and-walrus": "a = 1; b = (c := 2); del a\n",
    "form-feed": "x = 1\n\x0c\ny = 2\n",
    "nested-brackets": "call(\n    [1,\n     {2: (3,\n          4)}],  # comment\n)\n",
    "match": "match p:\n    case [1, *rest] | {'k': _}:\n        pass\n",
}


def _own_sources() -> dict[str, str]:
    files = sorted((ROOT / "productops_lint").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in files}


def _assert_same(source: str) -> int:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = Positions(module, source)
    # Line starts as libcst numbers lines (str.splitlines also splits on form feeds).
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
    for node, rng in expected.items():
        assert ours[node] == rng, (type(node).__name__, rng, ours[node])
        begin = starts[rng.start.line - 1] + rng.start.column
        end = starts[rng.end.line - 1] + rng.end.column if rng.end.line <= len(starts) else len(source)
        assert ours.text_of(node) == source[begin:end]
    return len(expected)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_sources(name):
    _assert_same(TRICKY[name])


def test_every_node_of_this_project_and_its_example():
    sources = _own_sources()
    assert len(sources) > 80
    assert sum(_assert_same(text) for text in sources.values()) > 100_000
