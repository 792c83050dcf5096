"""A one-file run loads libcst's parser, never ``libcst.matchers``: that module builds a class per
node type when imported, which costs more than summarizing a file (``detect/shapes.py`` holds the
predicates that stand in for it; bench/README.md has the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, sys
from productops_lint import cli
try:
    cli.main(["calls", "app.py"], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps({"parsed": "libcst" in sys.modules, "matchers": "libcst.matchers" in sys.modules}), file=sys.stderr)
"""

# Every shape a summary reads with a stand-in predicate: `str(self.x)` in `__str__`, a `Type[T]`
# factory, a `!=` guard, so the test fails when one of them goes back to a matcher.
_SOURCE = '''
from typing import Type, TypeVar

import analytics

T = TypeVar("T")


class Event:
    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return str(self.name)


def build(kind: Type[T]) -> T:
    return kind()


def send(user_id: str, event: Event) -> None:
    if event.name != "Order Completed":
        return
    analytics.track(user_id, event.name, {})
'''


def test_a_one_file_run_never_imports_libcst_matchers(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(_SOURCE)
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert loaded == {"parsed": True, "matchers": False}, done.stderr
