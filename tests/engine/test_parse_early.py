"""A one-file run hands the changed file it will parse to a worker before listing the project; answers are unchanged."""

from __future__ import annotations

import pytest

from productops_lint.config import Config
from productops_lint.detect.summarize import summarize
from productops_lint.files.discovery import FileProvider
from productops_lint.parallel import Parser, parse_early, summary_key
from productops_lint.run import lint, open_workspace

from test_resume import _answer, _project

TRACKING_EDIT = "from app import track_event\n\ndef h(u):\n    track_event(u, 'Order Complete')\n"


@pytest.fixture
def spied(monkeypatch) -> dict[str, list]:
    """What was handed over early, and which early results a run took."""
    seen: dict[str, list] = {"prefetched": [], "taken": [], "order": []}
    prefetch, summarize_items, targets = Parser.prefetch, Parser.summarize, FileProvider.targets

    def spy_targets(self, requested):  # noqa: ANN001
        seen["order"].append("listed")
        return targets(self, requested)

    def spy_prefetch(self, items):  # noqa: ANN001
        before = set(self._early)
        prefetch(self, items)
        new = [item[0] for item in items if item in self._early and item not in before]
        seen["prefetched"].extend(new)
        seen["order"].extend(f"prefetched {path}" for path in new)

    def spy_summarize(self, items, progress=None):  # noqa: ANN001
        early = set(self._early)
        items = list(items)
        seen["taken"].extend(item[0] for item in items if item in early)
        return summarize_items(self, iter(items), progress)

    monkeypatch.setattr(Parser, "prefetch", spy_prefetch)
    monkeypatch.setattr(Parser, "summarize", spy_summarize)
    monkeypatch.setattr(FileProvider, "targets", spy_targets)
    return seen


def test_a_changed_tracking_file_is_parsed_early_and_the_answer_is_the_fresh_one(tmp_path, spied):
    root = _project(tmp_path)
    lint(open_workspace(start=root), jobs=2)
    (root / "app" / "c.py").write_text(TRACKING_EDIT)
    spied["order"].clear()
    early = lint(open_workspace(start=root), [str(root / "app" / "c.py")], jobs=2)
    assert spied["prefetched"] == ["app/c.py"] and spied["taken"] == ["app/c.py"]
    assert spied["order"] == ["prefetched app/c.py", "listed"]  # before the project is listed
    fresh = lint(open_workspace(start=root), [str(root / "app" / "c.py")], jobs=1, use_cache=False)
    assert _answer(early) == _answer(fresh)
    assert any(d.path == "app/c.py" and d.code == "PO101" for d in early.diagnostics)


def test_nothing_is_parsed_early_without_cause(tmp_path, spied):
    root = _project(tmp_path)
    ws = open_workspace(start=root)
    lint(ws, [str(root / "app" / "c.py")], jobs=2)  # no saved state yet
    lint(ws, jobs=2)
    lint(open_workspace(start=root), [str(root / "app" / "c.py")], jobs=2)  # unchanged: summary cached
    (root / "noise" / "one.py").write_text("x = 2  # analytics\n")  # a needle word, no import
    lint(open_workspace(start=root), [str(root / "noise" / "one.py")], jobs=2)
    (root / "app" / "c.py").write_text(TRACKING_EDIT)
    lint(open_workspace(start=root), [str(root / "app" / "c.py")], jobs=1)  # one job: no workers
    assert spied["prefetched"] == []


class _Files:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def relative(self, item: str) -> str | None:
        return item if item in self.files else None

    def read(self, path: str) -> bytes | None:
        return self.files[path]


def test_the_early_guess_is_the_saved_gate(monkeypatch):
    handed: list[list] = []
    monkeypatch.setattr(Parser, "prefetch", lambda self, items: handed.append(list(items)))
    files = _Files(
        {
            "app/a.py": b"import analytics\nanalytics.track(1, 'E')\n",
            "app/b.py": b"x = 'analytics'\n",  # stage 1 passes, stage 2 does not
            "app/c.py": b"from app.tracking import send\nsend('E')\n",  # an export
            "app/d.py": b"y = 1\n",
            "app/e.txt": b"import analytics\n",
            "app/f.py": b"# -*- coding: nope -*-\nimport analytics\n",
            "app/g.py": b"import analytics\nanalytics.track(2, 'F')\n",  # summary cached
        }
    )
    cache: dict[str, object] = {summary_key("app.g", "import analytics\nanalytics.track(2, 'F')\n"): object()}
    gate = (frozenset({"analytics", "send"}), frozenset({"analytics"}), frozenset({"app.tracking.send"}))
    parse_early(Parser(2), files, Config(), cache, gate, [*files.files, "elsewhere.py"])  # type: ignore[arg-type]
    assert [path for path, _, _ in handed[0]] == ["app/a.py", "app/c.py"]
    assert handed[0][0] == ("app/a.py", "app.a", "import analytics\nanalytics.track(1, 'E')\n")


def test_an_early_result_keeps_its_place_and_is_used_only_for_the_same_text():
    items = [(f"m{i}.py", f"m{i}", f"import analytics\nanalytics.track({i}, 'E{i}')\n") for i in range(6)]
    parser = Parser(2)
    try:
        parser.prefetch([items[3], ("m4.py", "m4", "stale = 1\n")])
        assert parser.summarize(iter(items)) == [summarize(*item) for item in items]
        assert list(parser._early) == [("m4.py", "m4", "stale = 1\n")]  # not taken: other text
    finally:
        parser.close()
    assert parser._early == {}


def test_one_job_prefetches_nothing():
    parser = Parser(1)
    parser.prefetch([("m.py", "m", "x = 1\n")])
    assert parser._pool is None and parser._early == {}
