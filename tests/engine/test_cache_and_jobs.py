"""The result cache and parallel parsing: same answers, correct invalidation, safe sharing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from productops_lint.run import lint, open_workspace

PLAN = """
events:
  - name: Order Completed
    description: An order was paid.
  - name: Cart Viewed
    description: The cart page was shown.
"""


def _project(tmp_path: Path, modules: int = 24) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\n')
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "plan.yaml").write_text(PLAN)
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "events.py").write_text("ORDER = 'Order Completed'\n")
    (pkg / "tracking.py").write_text(
        "from segment import analytics\n\ndef track_event(user, name, props=None):\n"
        "    analytics.track(user, name, props)\n"
    )
    for i in range(modules):
        (pkg / f"view_{i}.py").write_text(
            "from app.tracking import track_event\nfrom app.events import ORDER\n\n"
            f"def view_{i}(user):\n    track_event(user, ORDER)\n    track_event(user, 'Cart Viewd{i % 3}')\n"
        )
    return tmp_path


def _findings(root: Path, **kwargs) -> list[tuple]:
    ws = open_workspace(start=root)
    result = lint(ws, **kwargs)
    return [(d.path, d.span, d.code, d.message) for d in result.diagnostics]


def test_results_are_the_same_whatever_the_job_count(tmp_path):
    root = _project(tmp_path)
    one = _findings(root, jobs=1, use_cache=False)
    two = _findings(root, jobs=2, use_cache=False)
    assert one == two
    assert len(one) == 24  # one unknown event per view


def test_a_warm_run_equals_a_cold_run_and_analyzes_nothing(tmp_path, monkeypatch):
    import productops_lint.run as run

    root = _project(tmp_path)
    cold = _findings(root)

    def must_not_run(*args, **kwargs):
        raise AssertionError("a run with nothing changed re-analyzed the project")

    monkeypatch.setattr(run, "analyze", must_not_run)
    warm = lint(open_workspace(start=root))
    assert [(d.path, d.span, d.code, d.message) for d in warm.diagnostics] == cold
    assert (root / ".productops_cache" / ".gitignore").exists()
    # A touched file with the same content keeps the cached answer; a changed one does not.
    view = root / "app" / "view_0.py"
    os.utime(view, ns=(view.stat().st_atime_ns, view.stat().st_mtime_ns + 5_000_000_000))
    assert len(lint(open_workspace(start=root)).diagnostics) == len(cold)
    view.write_text(view.read_text() + "# edited\n")
    with pytest.raises(AssertionError, match="re-analyzed"):
        lint(open_workspace(start=root))


def test_changing_an_imported_constant_changes_the_findings_of_files_that_did_not_change(tmp_path):
    root = _project(tmp_path, modules=3)
    assert not any("Order Complete`" in f[3] for f in _findings(root))
    (root / "app" / "events.py").write_text("ORDER = 'Order Complete'\n")
    after = _findings(root)
    assert sum("`Order Complete`" in f[3] for f in after) == 3


def test_changing_a_wrapper_changes_the_findings_of_its_callers(tmp_path):
    root = _project(tmp_path, modules=2)
    (root / "app" / "tracking.py").write_text(
        "from segment import analytics\n\ndef track_event(user, name, props=None):\n"
        "    analytics.track(user, 'web ' + name, props)\n"
    )
    after = _findings(root)
    assert any("`web Order Completed`" in f[3] for f in after)


def test_changing_the_plan_changes_the_findings(tmp_path):
    root = _project(tmp_path, modules=2)
    before = _findings(root)
    (root / "rules" / "plan.yaml").write_text(PLAN + "  - name: Cart Viewd0\n    description: x\n")
    assert len(_findings(root)) == len(before) - 1


def test_corrupt_cache_entries_are_recomputed(tmp_path):
    root = _project(tmp_path, modules=4)
    expected = _findings(root)
    for entry in (root / ".productops_cache").rglob("*"):
        if entry.is_file() and entry.name != ".gitignore":
            entry.write_bytes(b"\x80not JSON")
    assert _findings(root) == expected


def test_two_runs_sharing_one_cache_at_once_agree(tmp_path):
    root = _project(tmp_path, modules=40)
    script = "from productops_lint.cli import main; main()"
    cmd = [sys.executable, "-c", script, "check", "--format", "json", "--jobs", "1"]
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(3)]
    outputs = [r.communicate(timeout=300) for r in runs]
    assert all(r.returncode == 1 for r in runs), [o[1] for o in outputs]
    assert len({o[0] for o in outputs}) == 1
    third = subprocess.run(cmd, cwd=root, capture_output=True, env=env, timeout=300)
    assert third.stdout == outputs[0][0]


def test_a_first_run_parses_before_it_has_read_every_file_and_stores_its_answer(tmp_path, monkeypatch):
    """Without a stat manifest, the run is keyed at the end: parsing does not wait for every file's digest."""
    import productops_lint.files.manifest as store
    import productops_lint.parallel as parallel
    import productops_lint.run as run

    root = _project(tmp_path, modules=30)
    events: list[str] = []
    hash_file, summarize = store._Manifest._hash, parallel.Parser.summarize

    def hashing(self, full, key, stamp):
        events.append("hash")
        return hash_file(self, full, key, stamp)

    def pulling(self, items, progress=None):
        def recorded():
            for item in items:
                events.append("parse")
                yield item

        return summarize(self, recorded(), progress)

    monkeypatch.setattr(store._Manifest, "_hash", hashing)
    monkeypatch.setattr(parallel.Parser, "summarize", pulling)
    cold = _findings(root, jobs=1)
    assert events.count("hash") == 33  # each file read once (30 views, events, tracking, __init__)
    assert events.index("parse") < len(events) - 1 - events[::-1].index("hash")

    # The answer was stored under the key a later run computes up front.
    def must_not_run(*args, **kwargs):
        raise AssertionError("re-analyzed")

    monkeypatch.setattr(run, "analyze", must_not_run)
    assert _findings(root) == cold


def test_a_first_run_with_an_unreadable_file_stores_no_answer(tmp_path, monkeypatch):
    import productops_lint.files.discovery as discovery
    import productops_lint.files.manifest as manifest
    import productops_lint.files.store as store

    root = _project(tmp_path, modules=3)
    real_read = store.read_regular
    broken = str(root / "app" / "view_1.py")

    def flaky_read(path):
        if str(path) == broken:
            raise PermissionError(13, "Permission denied", broken)
        return real_read(path)

    for module in (discovery, manifest):
        monkeypatch.setattr(module, "read_regular", flaky_read, raising=False)
    lint(open_workspace(start=root))
    cache = root / ".productops_cache"
    assert not [p for p in cache.rglob("run-*")] and not [p for p in cache.rglob("state-*")]
    monkeypatch.undo()
    # Nothing of the first run stands in for the second: it sees the file again.
    assert _findings(root) == _findings(root, use_cache=False)
    assert sum(f[0] == "app/view_1.py" for f in _findings(root)) == 1
