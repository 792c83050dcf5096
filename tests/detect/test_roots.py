"""Import roots inferred from the tree: packages, src layouts, packaging config, monorepos."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from productops_lint.detect.modules import module_name
from productops_lint.detect.roots import infer_roots
from productops_lint.run import lint, open_workspace


def names(paths: list[str], packaging: dict[str, str] | None = None) -> dict[str, str]:
    roots = [r.path for r in infer_roots(paths, packaging or {})]
    return {p: module_name(p, roots) for p in paths}


def test_a_package_is_named_from_the_folder_above_its_topmost_init() -> None:
    assert names(["services/shop/shop/__init__.py", "services/shop/shop/cart.py", "services/shop/manage.py"]) == {
        "services/shop/shop/__init__.py": "shop",
        "services/shop/shop/cart.py": "shop.cart",
        "services/shop/manage.py": "manage",  # the nearest root above it: the package root
    }


def test_a_project_folder_names_its_loose_modules_and_its_src_folder_is_a_root() -> None:
    paths = ["svc/pyproject.toml", "svc/src/shop/__init__.py", "svc/src/shop/cart.py", "svc/manage.py"]
    found = names(paths[1:], {"svc/pyproject.toml": "[project]\nname = 'shop'\n"})
    assert found == {"svc/src/shop/__init__.py": "shop", "svc/src/shop/cart.py": "shop.cart", "svc/manage.py": "manage"}


def test_namespace_packages_under_a_declared_root_keep_their_full_names() -> None:
    text = "[tool.setuptools.packages.find]\nwhere = ['lib']\n"
    found = names(["lib/acme/shop/__init__.py", "lib/acme/shop/cart.py"], {"pyproject.toml": text})
    assert found == {"lib/acme/shop/__init__.py": "acme.shop", "lib/acme/shop/cart.py": "acme.shop.cart"}


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("pyproject.toml", "[tool.setuptools]\npackage-dir = {'' = 'code'}\n"),
        ("pyproject.toml", "[tool.poetry]\npackages = [{include = 'acme', from = 'code'}]\n"),
        ("pyproject.toml", "[tool.hatch.build.targets.wheel]\npackages = ['code/acme']\n"),
        ("pyproject.toml", "[tool.pdm.build]\npackage-dir = 'code'\n"),
        ("pyproject.toml", "[tool.maturin]\npython-source = 'code'\n"),
        ("setup.cfg", "[options]\npackage_dir =\n    =code\n"),
        ("setup.cfg", "[options.packages.find]\nwhere = code\n"),
        ("setup.py", "from setuptools import setup, find_packages\nsetup(packages=find_packages(where='code'))\n"),
        ("setup.py", "from setuptools import setup\nsetup(package_dir={'': 'code'})\n"),
    ],
)
def test_each_packaging_tool_names_the_root(file: str, text: str) -> None:
    paths = ["code/acme/core/__init__.py", "code/acme/core/t.py"]
    assert names(paths, {file: text})["code/acme/core/t.py"] == "acme.core.t"
    (declared,) = [r for r in infer_roots(paths, {file: text}) if r.path == "code"]
    assert file in declared.why


def test_a_setup_py_package_dir_keyed_by_a_non_string_is_skipped_not_a_crash() -> None:
    text = "from setuptools import setup\nsetup(package_dir={1: 'lib/acme', '': 'code'})\n"
    paths = ["code/acme/core/__init__.py", "code/acme/core/t.py"]
    assert names(paths, {"setup.py": text})["code/acme/core/t.py"] == "acme.core.t"


def test_a_setup_py_inside_a_package_is_a_module_not_a_project() -> None:
    paths = ["mem/__init__.py", "mem/memory/__init__.py", "mem/memory/setup.py", "mem/memory/telemetry.py"]
    assert names(paths, {"mem/memory/setup.py": "x = 1\n"})["mem/memory/telemetry.py"] == "mem.memory.telemetry"


def test_a_src_folder_that_is_itself_a_package_is_not_a_src_layout() -> None:
    paths = ["src/__init__.py", "src/app.py"]
    assert names(paths, {"pyproject.toml": "[project]\nname = 'x'\n"})["src/app.py"] == "src.app"


def test_a_broken_packaging_file_names_nothing() -> None:
    assert names(["pkg/__init__.py", "pkg/a.py"], {"pyproject.toml": "[tool.setuptools\n"}) == {
        "pkg/__init__.py": "pkg",
        "pkg/a.py": "pkg.a",
    }


MONOREPO = {
    "services/shop/pyproject.toml": "[project]\nname = 'shop'\n",
    "services/shop/src/shop/__init__.py": "",
    "services/shop/src/shop/events.py": 'ORDER = "Order Completed"\n',
    "services/shop/src/shop/telemetry.py": "import posthog\n\ndef send(name):\n    posthog.capture(name, distinct_id='u')\n",
    "services/shop/src/shop/orders.py": "from shop.events import ORDER\nfrom shop.telemetry import send\n\nsend(ORDER)\n",
    "tools/ops/ops/__init__.py": "",
    "tools/ops/ops/job.py": "from ops.util import NAME\nimport posthog\n\nposthog.capture(NAME, distinct_id='u')\n",
    "tools/ops/ops/util.py": "NAME = 'Job Ran'\n",
}


def _tree(root: Path) -> Path:
    for rel, text in MONOREPO.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _calls(repo: Path, start: Path, *paths: str) -> list[tuple[str, str | None]]:
    """(path from the repository root, event) of each call site, for a run started in ``start``."""
    ws = open_workspace(start=start, require_plan=False)
    result = lint(ws, [str(start / p) for p in paths], use_cache=False)
    return sorted(((ws.root / c.path).relative_to(repo).as_posix(), c.event) for c in result.calls if c.role == "site")


def test_a_monorepo_gives_the_same_findings_from_its_root_from_a_project_and_for_a_named_folder(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    everything = _calls(root, root)
    assert [event for _, event in everything] == ["Order Completed", "Job Ran"]
    shop = [c for c in everything if c[0].startswith("services/shop/")]
    assert _calls(root, root, "services/shop") == shop
    assert _calls(root, root / "services" / "shop") == shop


def test_a_configured_src_wins_and_debug_lists_the_inferred_roots(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    ws = open_workspace(start=root, require_plan=False)
    assert {r.path: r.why for r in ws.config.import_roots}["services/shop/src"] == "src layout of the project in services/shop"
    (root / "pyproject.toml").write_text('[tool.productops]\nsrc = ["."]\nregistry = []\n')
    configured = open_workspace(start=root, require_plan=False)
    assert configured.config.src == (".",) and configured.config.import_roots == ()
    # With the module names of the repository root, `from shop.events import ...` no longer resolves.
    assert [c.event for c in lint(configured, use_cache=False).calls if c.role == "site"] == [None, None]


def test_debug_shows_the_roots_and_why(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from productops_lint.cli import main

    root = _tree(tmp_path / "repo")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        out = CliRunner().invoke(main, ["debug"]).output
    finally:
        os.chdir(cwd)
    assert "import roots (inferred; set `src` to choose them):" in out
    assert "services/shop/src" in out and "src layout of the project in services/shop" in out
    assert "tools/ops" in out and "holds the package `ops`" in out
