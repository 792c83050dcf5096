"""The project's module index answers as module_name applied to every file would, the first file in path order winning."""

from __future__ import annotations

import pytest

from productops_lint.detect.modules import ModuleIndex, module_name

PATHS = [
    "app.py",
    "__init__.py",
    "shop/__init__.py",
    "shop/cart.py",
    "shop/events/__init__.py",
    "shop/events/names.py",
    "src/shop/cart.py",
    "src/shop/__init__.py",
    "src/lib/src/inner.py",
    "src/lib/x.py",
    "lib/tools/run.py",
    "src/__init__.py",
    "srcx/mod.py",
    "tests/test_cart.py",
    "src",
    "a/b.py",
    "a.b.py",
    "my.pkg/x.py",
    "my/pkg/x.py",
    "pkg/__init__/__init__.py",
    "pkg/__init__/mod.py",
    "shop.py",
]
ROOTS = [(".",), ("src",), ("src", "."), ("./", "src/"), ("src", "src/lib"), ("src/lib/src", "src"), ("lib", "src", ""), ("shop",), ("/src/",), ("app.py",)]
ABSENT = ["nothing", "shop.missing", "lib.x", "src.shop.nope", "a.b.c", "pkg.__init__.nope", "x.y"]


def _reference(paths: list[str], roots: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in sorted(paths):
        table.setdefault(module_name(path, roots), path)
    return table


@pytest.mark.parametrize("roots", ROOTS, ids=lambda roots: ",".join(roots))
def test_the_index_agrees_with_module_name(roots):
    expected = _reference(PATHS, roots)
    for order in (PATHS, sorted(PATHS), list(reversed(PATHS))):
        index = ModuleIndex(order, roots)
        assert {name: index.get(name) for name in expected} == expected
        for name in ABSENT:
            if name not in expected:
                assert index.get(name) is None and name not in index


def test_plain_paths_and_odd_ones_alike():
    plain = ["app/a.py", "app/__init__.py", "lib/b.py"]
    for paths in (plain, [*plain, "app/c.d.py"], [*plain, "app/README"]):
        assert {name: ModuleIndex(paths).get(name) for name in _reference(paths, (".",))} == _reference(paths, (".",))


def test_the_first_file_in_path_order_wins():
    assert ModuleIndex(["shop.py", "shop/__init__.py"]).get("shop") == "shop.py"
    assert ModuleIndex(["shop/__init__.py", "shop.py"]).get("shop") == "shop.py"
    assert ModuleIndex(["a/b.py", "a.b.py"]).get("a.b") == "a.b.py"  # "a.b.py" sorts first


def test_a_nested_root_claims_its_files():
    index = ModuleIndex(["src/lib/x.py", "src/y.py"], ("src", "src/lib"))
    assert index.get("x") == "src/lib/x.py" and index.get("lib.x") is None and "y" in index
