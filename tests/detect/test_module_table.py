"""The project's module table is module_name applied to every file, first file winning."""

from __future__ import annotations

import itertools

import pytest

from productops_lint.detect.modules import module_name, module_table

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
    "lib/tools/run.py",
    "src/__init__.py",
    "srcx/mod.py",
    "tests/test_cart.py",
    "src",
    "a//b.py",
    "shop.py",
]
ROOTS = [(".",), ("src",), ("src", "."), ("./", "src/"), ("src", "src/lib"), ("src/lib/src", "src"), ("lib", "src", ""), ("shop",), ("/src/",)]


@pytest.mark.parametrize("roots", ROOTS, ids=lambda roots: ",".join(roots))
def test_the_table_agrees_with_module_name(roots):
    for order in (PATHS, sorted(PATHS), list(reversed(PATHS))):
        expected: dict[str, str] = {}
        for path in order:
            expected.setdefault(module_name(path, roots), path)
        assert module_table(order, roots) == expected


def test_the_table_keeps_the_first_file_of_a_name():
    assert module_table(["shop.py", "shop/__init__.py"]) == {"shop": "shop.py"}
    assert module_table(["shop/__init__.py", "shop.py"]) == {"shop": "shop/__init__.py"}


def test_every_root_order_gives_the_same_table():
    tables = {tuple(sorted(module_table(PATHS, order).items())) for order in itertools.permutations(("src", "src/lib", "."))}
    assert len(tables) == 1
