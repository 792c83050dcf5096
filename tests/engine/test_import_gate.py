"""Stage 2 of the pre-filter (ImportGate): which import lines admit a file, and its word index agreeing with `\\b` search."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from productops_lint.prefilter import (
    _STATEMENT,
    INGESTION_HOSTS,
    ImportGate,
    _statements,
    imported_names,
    names_of,
    spells_host,
)

GATE = ImportGate({"analytics"}, {"pkg.mod.emit", "app.track"})


def admits(text: str, module: str = "other.place", is_package: bool = False) -> bool:
    return GATE.admits(text, module, is_package)


def test_a_name_that_is_a_prefix_of_another_is_not_the_other() -> None:
    assert admits("import app\napp.track('x')\n")
    assert not admits("import app\napp.tracker('x')\n")
    assert not admits("import app.tracker\napp.tracker.go()\n")
    assert not admits("import analytics_utils\nanalytics_utils.track('x')\n")
    assert admits("import analytics.client\n")


def test_dotted_names_need_the_rest_of_the_path_spelled_out() -> None:
    assert admits("import pkg.mod\npkg.mod.emit('x')\n")
    assert admits("import pkg\npkg.mod.emit('x')\n")
    assert not admits("import pkg\npkg.other.emit('x')\n")
    # `emitter` is not the word `emit`.
    assert not admits("import pkg\npkg.mod.emitter('x')\n")


def test_aliases_bind_the_dotted_name_before_as() -> None:
    assert admits("import pkg.mod as m\nm.emit('x')\n")
    assert admits("import os, pkg.mod   as\tm\n\nm.emit('x')\n")
    assert admits("from pkg.mod import emit as e\ne('x')\n")
    assert imported_names("import a.b as c, d\n", "m", False) == {"a.b", "d"}


def test_multi_line_parenthesized_imports_with_comments() -> None:
    text = "from pkg.mod import (\n    other,  # see f(x), emit\n    emit,\n)\n"
    assert imported_names(text, "m", False) == {"pkg.mod", "pkg.mod.other", "pkg.mod.emit"}
    assert admits(text)
    assert admits("from pkg.mod import (other,\n                     emit)\n")
    assert admits("from pkg.mod import other, \\\n    emit\n")


def test_relative_imports_resolve_against_the_module() -> None:
    assert admits("from ..mod import emit\n", module="pkg.sub.here")
    assert admits("from . import emit\n", module="pkg.mod", is_package=True)
    assert not admits("from . import emit\n", module="pkg.other")


def test_the_module_that_defines_an_export_and_a_spelled_host_pass() -> None:
    assert admits("def emit(): ...\n", module="pkg.mod")
    assert admits("URL = 'https://api.segment.io/v1/track'\n")
    assert not admits("import os\nimport json\n")


# --- against the rule written the plain way: every import, every export, `\b` searches ---------
def reference(gate: ImportGate, text: str, module: str, is_package: bool) -> bool:
    if any(e.startswith(module + ".") for e in gate.exports) or any(h in text for h in INGESTION_HOSTS):
        return True
    if any(re.search(rf"\.\s*{re.escape(e[2:])}\b", text) for e in gate.exports if e.startswith("?.")):
        return True
    for name in imported_names(text, module, is_package):
        parts = name.split(".")
        if parts[0] in gate.sdk_roots or any(".".join(parts[:i]) in gate.exports for i in range(1, len(parts) + 1)):
            return True
        for export in gate.exports:
            if export.startswith(name + ".") and all(
                re.search(rf"\b{re.escape(seg)}\b", text) for seg in export[len(name) + 1 :].split(".")
            ):
                return True
    return False


SEGMENTS = st.sampled_from(["app", "pkg", "mod", "emit", "track", "tracker", "emitter", "sub", "é"])
DOTTED = st.lists(SEGMENTS, min_size=1, max_size=4).map(".".join)
LINE = st.one_of(
    DOTTED.map(lambda n: f"import {n}"),
    st.tuples(DOTTED, DOTTED).map(lambda t: f"import {t[0]} as x, {t[1]}"),
    st.tuples(st.sampled_from(["", ".", ".."]), DOTTED, SEGMENTS).map(lambda t: f"from {t[0]}{t[1]} import {t[2]}"),
    st.tuples(DOTTED, SEGMENTS, SEGMENTS).map(lambda t: f"from {t[0]} import (\n    {t[1]},  # {t[2]}\n    {t[2]},\n)"),
    st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda s: ".".join(s) + "()"),
)


@settings(max_examples=300, deadline=None)
@given(
    roots=st.sets(SEGMENTS, max_size=2),
    exports=st.sets(st.one_of(DOTTED, SEGMENTS.map(lambda s: "?." + s)), max_size=4),
    lines=st.lists(st.one_of(LINE, st.sampled_from(["x = 'https://api.segment.io'", "u = 'posthog.co'", "c.  track(1)"])),
                   max_size=6),
    module=DOTTED,
    is_package=st.booleans(),
)
def test_the_gate_answers_as_the_plain_rule(
    roots: set[str], exports: set[str], lines: list[str], module: str, is_package: bool
) -> None:
    gate = ImportGate(roots, exports)
    text = "\n".join(lines) + "\n"
    assert gate.admits(text, module, is_package) == reference(gate, text, module, is_package)


# The statement scan tries only the places before each `import`; the plain scan tries every line
# start and every `;`. Both must find the same statements, strings and comments included.
FULL_SCAN = re.compile(r"(?:^|;)" + _STATEMENT.pattern, re.M)
PIECE = st.one_of(
    LINE,
    st.sampled_from([
        "x = 1; import pkg.mod", "import os; from app import track", "# import analytics", "s = 'import app'",
        "importlib.import_module('pkg')", "from pkg import (a,  # import x; y)\n    b)", "if x: import app",
        "    from . import (emit as e,\n        other)", "y = 2;import analytics as a", "imports = 3", "from x import",
        "from pkg import (a,\nimport app\n", "def f(): pass",
    ]),
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECE, max_size=8), joiner=st.sampled_from(["\n", "; ", "\n\n    "]))
def test_the_statement_scan_finds_what_a_scan_of_every_line_start_finds(pieces: list[str], joiner: str) -> None:
    text = joiner.join(pieces) + "\n"
    assert names_of(_statements(text), "pkg.sub", False) == names_of(FULL_SCAN.finditer(text), "pkg.sub", False)


@given(st.lists(st.sampled_from(["posthog", ".com", ".co", "segment", ".io", "x", "mixpanel.", "heapanalytics"]), max_size=8))
def test_the_host_search_answers_as_one_search_per_host(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert spells_host(text) == any(host in text for host in INGESTION_HOSTS)
