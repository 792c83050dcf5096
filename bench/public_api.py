"""What libcst's public APIs would cost the summary pass, against the three places `detect/` reads its internals.

Usage: ``.venv/bin/python bench/public_api.py [FILE_OR_FOLDER ...]`` (default: the sources of the
installed ``github``, ``rich`` and ``werkzeug`` packages, real code none of us wrote). Each row is
the best of 3 passes over every file, parsed once beforehand; the ratio is to parsing them.

- positions: ``detect/positions.py`` (offsets from libcst's ``CodegenState``) against
  ``PositionProvider`` and ``ByteSpanPositionProvider`` through ``MetadataWrapper``;
- scopes: ``detect/scopes.py`` (libcst's own scope and expression-context visitors, walked
  read-only) against ``ScopeProvider`` through ``MetadataWrapper``;
- walks: an empty visitor walked by ``detect/walk.py`` against ``Module.visit``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import libcst as cst  # noqa: E402
from libcst.metadata import (  # noqa: E402
    ByteSpanPositionProvider,
    MetadataWrapper,
    PositionProvider,
    ScopeProvider,
)

from productops_lint.detect.positions import Positions  # noqa: E402
from productops_lint.detect.scopes import scopes  # noqa: E402
from productops_lint.detect.walk import ReadOnlyTraversal  # noqa: E402


def _sources(args: Sequence[str]) -> list[Path]:
    roots = [Path(a) for a in args]
    if not roots:
        for package in ("github", "rich", "werkzeug"):
            spec = importlib.util.find_spec(package)
            if spec is not None and spec.origin:
                roots.append(Path(spec.origin).parent)
    return sorted(p for r in roots for p in ([r] if r.is_file() else r.rglob("*.py")))


def best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


class _Empty(cst.CSTVisitor):
    pass


class _EmptyReadOnly(ReadOnlyTraversal, cst.CSTVisitor):
    pass


def main(argv: Sequence[str]) -> int:
    paths = _sources(argv)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    modules = [cst.parse_module(t) for t in texts]

    def wrapped(provider: type) -> Callable[[], object]:
        return lambda: [MetadataWrapper(m, unsafe_skip_copy=True).resolve(provider) for m in modules]

    rows = {
        "parse (libcst.parse_module)": lambda: [cst.parse_module(t) for t in texts],
        "positions: detect/positions.py": lambda: [Positions(m, t) for m, t in zip(modules, texts)],
        "positions: PositionProvider": wrapped(PositionProvider),
        "positions: ByteSpanPositionProvider": wrapped(ByteSpanPositionProvider),
        "scopes: detect/scopes.py": lambda: [scopes(m) for m in modules],
        "scopes: ScopeProvider": wrapped(ScopeProvider),
        "empty walk: detect/walk.py": lambda: [m.visit(_EmptyReadOnly()) for m in modules],
        "empty walk: Module.visit": lambda: [m.visit(_Empty()) for m in modules],
    }
    print(f"{len(paths)} files, {sum(map(len, texts)):,} characters; libcst {importlib.metadata.version('libcst')}")
    print("| step | seconds | × parse |")
    print("| --- | ---: | ---: |")
    parse = None
    for name, action in rows.items():
        seconds = best_of(3, action)
        parse = parse or seconds
        print(f"| {name} | {seconds:.2f} | {seconds / parse:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
