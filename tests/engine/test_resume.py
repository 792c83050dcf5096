"""A run that resumes from the last run's state reports exactly what a fresh run reports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import productops_lint.detect.edits as edits_module
import productops_lint.project as project_module
from productops_lint.config import Config
from productops_lint.engine import DictProvider, analyze
from productops_lint.registry.loader import load_plan
from productops_lint.resume import ProjectState
from productops_lint.run import lint, open_workspace

from test_prefilter_soundness import ADVERSARIAL, PLAN

# Extra modules: a wrapper whose prefix comes from a constant in a module the pre-filter does not
# select (read on demand), so the wrappers inferred depend on a file no tracking call is in.
EXTRA = {
    "app/consts.py": "PREFIX = 'Order '\n",
    "app/prefixed.py": (
        "from app.tracking.client import track_event\n"
        "from app.consts import PREFIX\n\n"
        "def send(u, name):\n"
        "    track_event(u, PREFIX + name)\n\n"
        "def use(u):\n"
        "    send(u, 'Completed')\n"
    ),
}

# Each step edits the tree; after each, a resumed run must equal a fresh one.
EDITS: list[tuple[str, dict[str, str | bytes | None]]] = [
    ("a comment in a file that tracks nothing", {"noise/one.py": "# analytics.track(user, 'X')\nsegment = 'y'\n"}),
    ("an event name in a tracking file", {"app/a.py": "import app.tracking\n\ndef f(u):\n    app.tracking.client.track_event(u, 'Cart Viewed')\n"}),
    ("a constant read on demand", {"app/events.py": "ORDER = 'Order Completed'\nTYPO = 'Cart Viewed'\n"}),
    ("the prefix an inferred wrapper adds", {"app/consts.py": "PREFIX = 'Cart '\n"}),
    ("a new wrapper in a file that tracked nothing", {
        "noise/three.py": "from segment import analytics\n\ndef track(u, x):\n    analytics.track(u, x)\n",
        "noise/four.py": "from noise.three import track\n\ntrack('u', 'Order Complete')\n",
    }),
    ("a broken file that imports the new wrapper", {"noise/four.py": "from noise.three import track\n\ntrack('u', 'Order Complete'\n"}),
    # The broken file is now selected by nothing: a resumed run must not report it from memory.
    ("the new wrapper stops tracking", {"noise/three.py": "def track(u, x):\n    return x\n"}),
    ("a wrapper that stops tracking", {"app/tracking/client.py": ADVERSARIAL["app/tracking/client.py"].replace("    analytics.track(user, event, properties)\n", "    return None\n")}),
    ("a file that no longer parses", {"app/e.py": "from app.clients import mp\n\ndef k(u:\n"}),
    ("a file removed", {"noise/two.py": None}),
    ("the wrapper restored", {"app/tracking/client.py": ADVERSARIAL["app/tracking/client.py"]}),
    ("a file that cannot be decoded", {"noise/one.py": b"import analytics\nx = '\xff'\n"}),
]


def _answer(result) -> tuple[list, list]:
    return (
        [(d.path, d.span, d.code, d.message, d.fix) for d in result.diagnostics],
        [(c.path, c.span, c.sdk, c.event, c.via, c.origin) for c in result.calls],
    )


class _Memory(dict):
    """A summary cache in memory, so a test can tell parsing from reuse."""

    def put(self, key: str, value: object) -> None:
        self[key] = value


def _analyze(files: dict, targets=None, state: ProjectState | None = None, kept: list | None = None, cache=None):
    plan = load_plan([("plan.yaml", PLAN)])
    keep = kept.append if kept is not None else None
    return analyze(DictProvider(files), Config(), plan, targets, state=state, keep_state=keep, cache=cache)


@pytest.mark.parametrize("targets", ["all", "edited"])
def test_every_resumed_run_equals_a_fresh_run(targets):
    files: dict[str, str | bytes] = {**ADVERSARIAL, **EXTRA}
    kept: list[ProjectState] = []
    memory = _Memory()  # a state refers to summaries in the summary cache
    _analyze(files, kept=kept, cache=memory)
    state = kept[-1]
    seen_prefixes = set()
    for label, edit in EDITS:
        for path, text in edit.items():
            if text is None:
                files.pop(path)
            else:
                files[path] = text
        wanted = None if targets == "all" else sorted(p for p in edit if p in files)
        fresh = _answer(_analyze(files, wanted))
        kept.clear()
        resumed = _answer(_analyze(files, wanted, state=state, kept=kept, cache=memory))
        assert resumed == fresh, label
        new = kept[-1]
        if new.replaces(state):  # as `run.lint` does: an unchanged fixpoint is not rewritten
            state = new
        seen_prefixes.update(c[3] for c in _answer(_analyze(files))[1] if c[0] == "app/prefixed.py")
    # Guard against a vacuous pass: the edits did change what is found.
    assert {"Order Completed", "Cart Completed"} <= seen_prefixes


def _count_inference(monkeypatch) -> list[int]:
    calls = [0]
    real = project_module.infer_wrappers

    def counting(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(project_module, "infer_wrappers", counting)
    return calls


def test_an_edit_to_a_file_that_tracks_nothing_reuses_the_fixpoint(monkeypatch):
    files, memory = {**ADVERSARIAL, **EXTRA}, _Memory()
    kept: list[ProjectState] = []
    before = _answer(_analyze(files, kept=kept, cache=memory))
    files["noise/one.py"] = "# nothing to see\n"
    inferred = _count_inference(monkeypatch)
    result = _analyze(files, state=kept[-1], cache=memory)
    assert inferred == [0] and result.files_parsed == 0
    assert _answer(result) == before


def test_an_edit_to_a_tracking_file_parses_only_that_file(monkeypatch):
    files, memory = {**ADVERSARIAL, **EXTRA}, _Memory()
    kept: list[ProjectState] = []
    _analyze(files, kept=kept, cache=memory)
    files["app/a.py"] = files["app/a.py"].replace("Cart Viewd", "Cart Viewed")
    inferred = _count_inference(monkeypatch)
    result = _analyze(files, ["app/a.py"], state=kept[-1], cache=memory)
    # The edit cannot move the fixpoint, so it is kept without inference (see test_standing_fixpoint).
    assert result.files_parsed == 1 and inferred == [0]
    assert _answer(result) == _answer(_analyze(files, ["app/a.py"]))


def test_a_state_from_other_files_is_not_used():
    kept: list[ProjectState] = []
    memory = _Memory()
    _analyze({**ADVERSARIAL}, kept=kept, cache=memory)
    files = {**ADVERSARIAL, "app/new.py": "from app import track_event\n\ntrack_event('u', 'Order Complete')\n"}
    assert kept[-1].changed({p: "x" for p in files}) is None
    assert _answer(_analyze(files, state=kept[-1], cache=memory)) == _answer(_analyze(files))


def test_a_state_whose_summaries_left_the_cache_is_not_used():
    files, memory = {**ADVERSARIAL, **EXTRA}, _Memory()
    kept: list[ProjectState] = []
    _analyze(files, kept=kept, cache=memory)
    files["app/a.py"] = files["app/a.py"].replace("Cart Viewd", "Order Complete")
    memory.clear()
    assert _answer(_analyze(files, state=kept[-1], cache=memory)) == _answer(_analyze(files))


def test_a_run_on_a_file_that_tracks_nothing_reads_no_summary(monkeypatch):
    files, memory = {**ADVERSARIAL, **EXTRA}, _Memory()
    kept: list[ProjectState] = []
    _analyze(files, kept=kept, cache=memory)
    files["noise/one.py"] = "x = 2\n"
    reads: list[str] = []
    monkeypatch.setattr(memory, "get", lambda key: reads.append(key) or dict.get(memory, key), raising=False)
    result = _analyze(files, ["noise/one.py"], state=kept[-1], cache=memory)
    assert reads == [] and result.calls == [] and result.diagnostics == []


# -- through the CLI's run, with the cache on disk ------------------------------------------------

def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for path, text in {**ADVERSARIAL, **EXTRA}.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode())
    (root / "rules").mkdir()
    (root / "rules" / "plan.yaml").write_text(PLAN)
    (root / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\nrespect-gitignore = false\n')
    return root


def test_a_one_file_run_after_a_full_run_equals_a_run_without_cache(tmp_path):
    root = _project(tmp_path)
    ws = open_workspace(start=root)
    lint(ws, jobs=1)
    for path, text in (("app/c.py", "from app import track_event\n\ndef h(u):\n    track_event(u, 'Order Complete')\n"),
                       ("noise/one.py", "x = 1\n")):
        (root / path).write_text(text)
        # The manifest trusts a file's stat only when it is older than the moment it was recorded.
        cached = lint(open_workspace(start=root), [str(root / path)], jobs=1)
        fresh = lint(open_workspace(start=root), [str(root / path)], jobs=1, use_cache=False)
        assert _answer(cached) == _answer(fresh)
    assert any(d.path == "app/c.py" and d.code == "PO101" for d in lint(ws, jobs=1).diagnostics)


def test_a_one_file_run_on_a_file_that_tracks_nothing_does_not_import_libcst(tmp_path):
    root = _project(tmp_path)
    lint(open_workspace(start=root), jobs=1)
    (root / "noise" / "one.py").write_text("# edited\n")
    script = textwrap.dedent(
        f"""
        import sys
        from productops_lint.run import lint, open_workspace
        result = lint(open_workspace(start=__import__("pathlib").Path({str(root)!r})), [{str(root / "noise" / "one.py")!r}], jobs=1)
        print(result.files_parsed, "libcst" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


# -- random edits on a generated application ------------------------------------------------------

def _generated(tmp_path: Path) -> tuple[dict[str, bytes], str]:
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("gen_corpus_resume", root / "bench" / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_corpus_resume"] = module
    spec.loader.exec_module(module)
    out = tmp_path / "tree"
    module.main([str(out), "--files", "80", "--density", "0.3", "--seed", "5"])
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.py")}
    return files, (out / "rules" / "plan.yaml").read_text()


def _random_edit(rng, files: dict[str, bytes]) -> dict[str, bytes | None]:
    """One edit of the kinds commits make, chosen at random; returns the changed files."""
    import re

    paths = sorted(p for p in files if p.startswith("app/") and not p.endswith("__init__.py"))
    tracking = [p for p in paths if b"track" in files[p] or b"capture" in files[p]]
    path = rng.choice(paths)
    kind = rng.randrange(10)
    text = files[path]
    if kind == 8 and tracking:  # lines moved: every call below shifts
        path = rng.choice(tracking)
        return {path: b"# moved\n\n" + files[path]}
    if kind == 9 and tracking:  # a property added to a call
        path = rng.choice(tracking)
        return {path: files[path].replace(b"properties={", b'properties={"coupon": "x", ', 1)}
    if kind == 0:  # a comment
        return {path: text + b"# edited\n"}
    if kind == 1 and tracking:  # an event name changes, in or off the plan
        path = rng.choice(tracking)
        name = rng.choice([b"Order Completed", b"Order Complet", b"Cart Viewed", b"Brand New Thing"])
        return {path: re.sub(rb'"[A-Z][a-z]+ [A-Z][a-z]+"', b'"' + name + b'"', files[path], count=1)}
    if kind == 2:  # a file starts tracking through the wrapper
        return {path: b"from app.tracking.client import track_event\n" + text
                + b"\n\ndef newly(u):\n    track_event(u, 'Order Complet')\n"}
    if kind == 3 and tracking:  # a file stops tracking
        path = rng.choice(tracking)
        return {path: files[path].replace(b"track_event(", b"print(").replace(b".track(", b".tell(")}
    if kind == 4:  # the wrapper stops forwarding the event, or starts again
        client = files["app/tracking/client.py"]
        if b"analytics.track(" in client:
            return {"app/tracking/client.py": client.replace(b"analytics.track(", b"print(")}
        return {"app/tracking/client.py": client.replace(b"print(", b"analytics.track(")}
    if kind == 5:  # a constant changes
        events = files["app/tracking/events.py"]
        return {"app/tracking/events.py": events.replace(b'"Order Completed"', b'"Order Complete"', 1)
                if b'"Order Completed"' in events else events.replace(b'"Order Complete"', b'"Order Completed"', 1)}
    if kind == 6:  # a syntax error
        return {path: text + b"\ndef broken(:\n"}
    # a new module, or one removed
    if rng.random() < 0.5 and len(paths) > 10:
        return {path: None}
    return {f"app/new_{rng.randrange(10**6)}.py": b"from app.tracking.client import track_event\n\ntrack_event('u', 'Cart Viewed')\n"}


def test_random_edits_on_a_generated_app_resume_to_the_fresh_answer(tmp_path, monkeypatch):
    import random

    rng = random.Random(20261122)
    decisions: list[bool] = []
    real = edits_module.keeps_fixpoint
    monkeypatch.setattr(edits_module, "keeps_fixpoint", lambda *a: decisions.append(real(*a)) or decisions[-1])
    files, plan_text = _generated(tmp_path)
    plan = load_plan([("plan.yaml", plan_text)])
    memory = _Memory()  # summaries are keyed by content, so fresh and resumed runs may share them
    kept: list[ProjectState] = []
    analyze(DictProvider(files), Config(), plan, cache=memory, keep_state=kept.append)
    state = kept[-1]
    resumed_runs = 0
    for step in range(40):
        edit = _random_edit(rng, files)
        for path, text in edit.items():
            if text is None:
                files.pop(path)
            else:
                files[path] = text
        wanted = None if step % 2 else sorted(p for p in edit if p in files) or None
        fresh = analyze(DictProvider(files), Config(), plan, wanted, cache=memory)
        kept.clear()
        resumed = analyze(DictProvider(files), Config(), plan, wanted, cache=memory, state=state, keep_state=kept.append)
        assert _answer(resumed) == _answer(fresh), (step, sorted(edit))
        resumed_runs += state.changed({p: DictProvider(files).digest(p) for p in files}) is not None
        if kept and kept[-1].replaces(state):
            state = kept[-1]
    assert resumed_runs >= 15  # most steps really resumed (files added or removed start afresh)
    assert True in decisions and False in decisions  # some edits kept the fixpoint, some could not
