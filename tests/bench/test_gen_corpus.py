"""The benchmark's generated corpus is deterministic, has the stated density, and matches the peer rules."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
MODULES = 300
# What a tracking module imports, and nothing else does.
TRACKING_IMPORT = re.compile(
    r"^(from app\.tracking|import segment\.analytics|import rudderstack|from posthog|from mixpanel|"
    r"from amplitude|from snowplow_tracker)",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("bench_gen_corpus", BENCH / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(gen, tmp_path):
    gen.generate(tmp_path / "a", MODULES, 0.02, seed=3)
    gen.generate(tmp_path / "b", MODULES, 0.02, seed=3)
    gen.generate(tmp_path / "c", MODULES, 0.02, seed=4)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


@pytest.mark.parametrize("density", [0.02, 0.1])
def test_density_is_what_was_asked(gen, tmp_path, density):
    manifest = gen.generate(tmp_path, MODULES, density, seed=5)
    assert len(manifest.tracking_files) == round(MODULES * density)
    tracking = {
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.joinpath("app").rglob("*.py")
        if "tracking" not in p.parent.name and TRACKING_IMPORT.search(p.read_text())
    }
    assert tracking == set(manifest.tracking_files)
    assert sum(manifest.calls.values()) >= len(tracking)
    assert manifest.python_files == len(list(tmp_path.rglob("*.py")))


def test_every_file_parses(gen, tmp_path):
    gen.generate(tmp_path, 100, 0.2, seed=6)
    for path in tmp_path.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))


def test_peer_rules_know_the_same_plan(gen):
    fixit_source = (BENCH / "peers/fixit_rule.py").read_text()
    fixit_events = next(
        ast.literal_eval(node.value.args[0])
        for node in ast.walk(ast.parse(fixit_source))
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PLAN_EVENTS"
    )
    semgrep_regex = re.search(r"\(\?:(.*?)\)\$", (BENCH / "peers/semgrep.yml").read_text()).group(1)
    assert set(fixit_events) == set(gen.PLAN_EVENTS)
    assert set(semgrep_regex.split("|")) == set(gen.PLAN_EVENTS)


def test_profile_script_runs_every_phase_on_a_generated_tree(gen, tmp_path, capsys):
    """`bench/profile_summary.py` reads what the generator writes (its manifest, `app/tracking`)."""
    manifest = gen.generate(tmp_path, 100, 0.1, seed=8)
    spec = importlib.util.spec_from_file_location("bench_profile_summary", BENCH / "profile_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    tracking_package = len(list((tmp_path / "app" / "tracking").glob("*.py")))
    assert out.startswith(f"{len(manifest.tracking_files) + tracking_package} modules")
    for phase in ("parse", "expression contexts", "scopes", "tables", "positions", "summarize"):
        assert re.search(rf"^  {phase} +\d+\.\d\d$", out, re.MULTILINE), phase
    assert module.main([str(tmp_path / "missing")]) == 2
