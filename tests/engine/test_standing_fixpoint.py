"""An edit to a selected file that cannot move the fixpoint keeps it, and still gives the fresh answer."""

from __future__ import annotations

from typing import Callable

import pytest

import productops_lint.detect.edits as edits_module
from productops_lint.resume import ProjectState

from test_prefilter_soundness import ADVERSARIAL
from test_resume import EXTRA, _analyze, _answer, _count_inference, _Memory

MORE = {
    # A wrapper nothing calls (its own SDK call is reported), imported by a file that tracks directly.
    "app/lonely.py": "from app import track_event\n\ndef lonely(u, name):\n    track_event(u, name)\n",
    "app/g.py": (
        "from app.lonely import lonely\n"
        "from app import track_event\n\n"
        "def q(u):\n"
        "    track_event(u, 'Order Completed', {'total': 1})\n"
        "    r(u, 'Order Completed')\n\n"
        "def r(u, kind):\n"
        "    track_event(u, 'Cart Viewed', {})\n"
    ),
    # A wrapper whose suffix is a constant of a selected file that calls it.
    "app/suffixed.py": "from app import track_event\nfrom app.h import SUFFIX\n\ndef later(u, name):\n    track_event(u, name + SUFFIX)\n",
    "app/h.py": "from app.suffixed import later\n\nSUFFIX = ' Completed'\n\ndef go(u):\n    later(u, 'Order', {'total': 1})\n",
}


def _edit(old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return apply


# (what changes, the file, how, whether the fixpoint may be kept)
EDITS: list[tuple[str, str, Callable[[str], str], bool]] = [
    ("an event name", "app/a.py", _edit("Cart Viewd", "Cart Viewed"), True),
    ("lines inserted above every call", "app/a.py", lambda t: "# moved\n\n\n" + t, True),
    ("a property added", "app/c.py", _edit("{'total': 1}", "{'total': 1, 'coupon': 'x'}"), True),
    ("a second call in the same function", "app/c.py", lambda t: t + "    track_event(u, 'Order Completed', {})\n", True),
    ("a call through a re-export", "app/tracking/b.py", _edit("'Cart Viewd'", "'Cart Viewed'"), True),
    ("a call through a subclass", "app/d.py", _edit("'Order Completed'", "'Cart Viewed'"), True),
    ("a call on a shared client", "app/e.py", _edit("'order completed'", "'Order Completed'"), True),
    ("the prefix inside a wrapper", "app/prefixed.py", _edit("PREFIX + name", "'Cart ' + name"), False),
    ("a new function that forwards its parameter", "app/a.py", lambda t: t + "\ndef fwd(u, n):\n    app.tracking.client.track_event(u, n)\n\nfwd('u', 'Signed Up')\n", False),
    ("a new module constant", "app/a.py", lambda t: t + "\nNAME = 'Cart Viewed'\n", False),
    ("a new import", "app/c.py", lambda t: "from app.events import ORDER\n" + t, False),
    ("a first call to a wrapper nothing called", "app/g.py", lambda t: t + "    lonely(u, 'Cart Viewed')\n", False),
    ("a wrapper that stops forwarding", "app/prefixed.py", _edit("PREFIX + name", "'Fixed'"), False),
    ("a parameter starts to name the event", "app/g.py", _edit("(u, 'Cart Viewed', {})", "(u, kind, {})"), False),
    ("a constant a wrapper elsewhere reads", "app/h.py", _edit("' Completed'", "' Done'"), False),
    ("a file that no longer parses", "app/a.py", lambda t: t + "def (:\n", False),
]


@pytest.mark.parametrize("targets", ["edited", "all"])
@pytest.mark.parametrize(("label", "path", "change", "kept"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_keeps_the_fixpoint_only_when_it_cannot_move_it(monkeypatch, targets, label, path, change, kept):
    files, memory = {**ADVERSARIAL, **EXTRA, **MORE}, _Memory()
    states: list[ProjectState] = []
    _analyze(files, kept=states, cache=memory)
    files[path] = change(files[path])
    wanted = [path] if targets == "edited" else None
    fresh = _answer(_analyze(files, wanted))
    inferred = _count_inference(monkeypatch)
    states_after: list[ProjectState] = []
    resumed = _analyze(files, wanted, state=states[-1], kept=states_after, cache=memory)
    assert _answer(resumed) == fresh, label
    assert (inferred == [0]) == kept, label
    # The next run, from the state this one left, sees the edited file as it is now.
    files[path] = files[path] + "\n# and again\n"
    again = _analyze(files, wanted, state=states_after[-1], cache=memory)
    assert _answer(again) == _answer(_analyze(files, wanted)), label


def test_the_wrapper_edits_do_change_the_answer():
    # Guard against a vacuous pass: the edits that must not keep the fixpoint change findings.
    files = {**ADVERSARIAL, **EXTRA, **MORE}
    before = _answer(_analyze(files))
    for label, path, change, kept in EDITS:
        if not kept and label != "a new module constant":
            assert _answer(_analyze({**files, path: change(files[path])})) != before, label


def test_a_kept_fixpoint_reads_only_the_summaries_the_target_needs(monkeypatch):
    files, memory = {**ADVERSARIAL, **EXTRA, **MORE}, _Memory()
    states: list[ProjectState] = []
    _analyze(files, kept=states, cache=memory)
    files["app/e.py"] = files["app/e.py"].replace("'order completed'", "'Order Completed'")
    reads: list[str] = []
    monkeypatch.setattr(memory, "get", lambda key: reads.append(key) or dict.get(memory, key), raising=False)
    kept: list[bool] = []
    real = edits_module.keeps_fixpoint
    monkeypatch.setattr(edits_module, "keeps_fixpoint", lambda *a: kept.append(real(*a)) or kept[-1])
    result = _analyze(files, ["app/e.py"], state=states[-1], cache=memory)
    assert kept == [True]
    assert [c.event for c in result.calls] == ["Order Completed"]
    # The old and new summary of app/e.py, and the module its client comes from; not the whole selection.
    assert 2 <= len(reads) < len(states[-1].matched)


@pytest.mark.parametrize("path", ["app/prefixed.py", "app/a.py"])
def test_a_summary_gone_from_the_cache_midway_gives_the_fresh_answer(path):
    files, memory = {**ADVERSARIAL, **EXTRA, **MORE}, _Memory()
    states: list[ProjectState] = []
    _analyze(files, kept=states, cache=memory)
    state = states[-1]
    files[path] = files[path].replace("PREFIX + name", "'Fixed'").replace("Cart Viewd", "Cart Viewed")
    for wanted in ([path], [path, "app/d.py"], None):
        # The edited file's summary is found, then another selected file's is not.
        memory.pop(state.matched["app/d.py"], None)
        assert _answer(_analyze(files, wanted, state=state, cache=memory)) == _answer(_analyze(files, wanted)), wanted


def test_a_resume_that_fails_after_loading_summaries_starts_from_a_new_project(monkeypatch):
    import productops_lint.project as project_module

    files, memory = {**ADVERSARIAL, **EXTRA, **MORE}, _Memory()
    states: list[ProjectState] = []
    _analyze(files, kept=states, cache=memory)
    files["app/prefixed.py"] = files["app/prefixed.py"].replace("PREFIX + name", "'Fixed'")
    memory.pop(states[-1].matched["app/d.py"])
    made: list[object] = []
    real_init = project_module.Project.__init__
    monkeypatch.setattr(project_module.Project, "__init__", lambda self, *a, **k: made.append(self) or real_init(self, *a, **k))
    result = _analyze(files, ["app/prefixed.py"], state=states[-1], cache=memory)
    # The edit moves the fixpoint, so every selected summary is needed, and one is gone.
    assert len(made) == 2 and made[0].spoiled and not made[1].spoiled
    assert _answer(result) == _answer(_analyze(files, ["app/prefixed.py"]))


@pytest.mark.parametrize(("path", "change"), [("app/a.py", _edit("Cart Viewd", "Cart Viewed")), ("app/prefixed.py", _edit("PREFIX + name", "'Fixed'"))])
def test_summaries_are_restored_while_the_edited_file_parses(monkeypatch, path, change):
    from productops_lint.parallel import Parser

    files, memory = {**ADVERSARIAL, **EXTRA, **MORE}, _Memory()
    states: list[ProjectState] = []
    _analyze(files, kept=states, cache=memory)
    files[path] = change(files[path])
    # As if a worker were still parsing the edited file: the wait is used to restore summaries.
    monkeypatch.setattr(Parser, "busy", lambda self: True)
    restored_before_check: list[int] = []
    real = edits_module.keeps_fixpoint

    def check(old, new, trackers, index):
        restored_before_check.append(len(index.loaded()))
        return real(old, new, trackers, index)

    monkeypatch.setattr(edits_module, "keeps_fixpoint", check)
    result = _analyze(files, [path], state=states[-1], cache=memory)
    # Every selected file with a summary (the edited one as it is now) was loaded by then.
    assert restored_before_check == [sum(key is not None for key in states[-1].matched.values())]
    assert _answer(result) == _answer(_analyze(files, [path]))
