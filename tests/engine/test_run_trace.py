"""A stored run is reused after an edit only when the run would have gone the same way (files/trace.py).

Each case edits one file of a warm project, then checks two things: whether the stored result was
reused (the engine not called) and that the answer equals a run without any cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

import productops_lint.run as run
from productops_lint.run import lint, open_workspace

PLAN = """
events:
  - name: Order Completed
    description: An order was paid.
"""

FILES = {
    "pyproject.toml": '[tool.productops]\nregistry = ["rules"]\n',
    "rules/plan.yaml": PLAN,
    "app/__init__.py": "",
    "app/events.py": "ORDER = 'Order Completed'\n",
    "app/tracking.py": (
        "from segment import analytics\n\n"
        "def track_event(user, name, props=None):\n"
        "    analytics.track(user, name, props)\n"
    ),
    "app/view.py": (
        "from app.tracking import track_event\nfrom app.events import ORDER\n\n"
        "from app.names import Names\n\n"
        "def view(user):\n    track_event(user, ORDER)\n    track_event(user, 'Cart Viewd')\n"
        "    track_event(user, Names.CHECKOUT)\n"
    ),
    # Read to resolve an event name through an enum.
    "app/names.py": "import enum\n\n\nclass Names(str, enum.Enum):\n    CHECKOUT = 'Checkout Started'\n",
    # Tracks nothing and names nothing the pre-filter looks for: the usual file a commit touches.
    "app/util.py": "def total(items):\n    return sum(items)\n",
}


def _project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _answer(root: Path, use_cache: bool = True) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    result = lint(open_workspace(start=root), use_cache=use_cache)
    return (
        [(d.path, d.span, d.code, d.message) for d in result.diagnostics],
        [(c.path, c.span, c.event) for c in result.calls],
    )


def _append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / path
        target.write_text(target.read_text() + text)

    return edit


def _remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


def _create(path: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / path).write_text(text)


# (edit, whether the stored result may stand)
CASES = {
    "a comment in a file that tracks nothing": (_append("app/util.py", "# tidy\n"), True),
    "new code in it that names nothing tracked": (_append("app/util.py", "\ndef mean(xs):\n    return total(xs) / len(xs)\n"), True),
    "it starts calling the SDK": (_append("app/util.py", "\nfrom segment import analytics\n\ndef f(u):\n    analytics.track(u, 'Order Complete')\n"), False),
    "it starts calling the project's wrapper": (_append("app/util.py", "\nfrom app.tracking import track_event\n\ndef f(u):\n    track_event(u, 'Signed Up')\n"), False),
    "it spells the constant an event name is read from": (_append("app/util.py", "\nORDER = 1\n"), False),
    "a comment in the wrapper's module": (_append("app/tracking.py", "# tidy\n"), False),
    "a comment in a module that tracks": (_append("app/view.py", "# tidy\n"), False),
    "a module read to resolve an event name": (_append("app/names.py", "    PAID = 'Order Paid'\n"), False),
    "a new file": (_create("app/extra.py", "X = 1\n"), False),
    "a file deleted": (_remove("app/util.py"), False),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_stored_run_stands_only_when_the_edit_cannot_change_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    edit, stands = CASES[name]
    root = _project(tmp_path)
    _answer(root)
    edit(root)
    calls: list[int] = []
    real = run.analyze

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "analyze", counted)
    cached = _answer(root)
    assert (not calls) == stands
    assert cached == _answer(root, use_cache=False)


def test_a_new_tracking_call_in_a_quiet_file_is_found_on_the_next_run(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = _answer(root)
    _append("app/util.py", "# tidy\n")(root)
    assert _answer(root) == before  # answered from the store
    _append("app/util.py", "\nfrom segment import analytics\n\ndef f(u):\n    analytics.track(u, 'Order Complete')\n")(root)
    diagnostics, calls = _answer(root)
    assert ("app/util.py", "Order Complete") in {(path, event) for path, _, event in calls}
    assert any(d[0] == "app/util.py" for d in diagnostics)


def test_a_file_the_run_read_must_be_unchanged_even_if_it_spells_no_word(tmp_path: Path) -> None:
    from productops_lint import files
    from productops_lint.config import Config

    (tmp_path / "a.py").write_text("X = 1\n")
    (tmp_path / "b.py").write_text("Y = 1\n")
    provider = files.FileProvider(tmp_path, Config())
    digests = provider.digests(provider.paths())
    trace = files.Trace(digests={k: v for k, v in digests.items() if v}, read=frozenset({"a.py"}), words=("track",), spelled={})
    assert files.still_holds(trace, files.FileProvider(tmp_path, Config()))
    (tmp_path / "b.py").write_text("Y = 2\n")  # not read, spells no word: the run stands
    assert files.still_holds(trace, files.FileProvider(tmp_path, Config()))
    (tmp_path / "a.py").write_text("X = 2\n")  # read: any change may change the run
    assert not files.still_holds(trace, files.FileProvider(tmp_path, Config()))


def test_a_file_edited_while_the_run_reads_it_is_changed_for_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from productops_lint.files.discovery import FileProvider

    root = _project(tmp_path)
    _answer(root)  # a stat manifest exists from here on
    _append("app/util.py", "# tidy\n")(root)  # the stored run stands, so force a new one:
    _append("app/view.py", "# tidy\n")(root)
    real_read = FileProvider.read
    edited: list[str] = []

    def read_then_edit(self: FileProvider, path: str) -> bytes | None:
        data = real_read(self, path)
        if path == "app/view.py" and not edited:  # the editor saves just after the run read it
            edited.append(path)
            (root / path).write_text((root / path).read_text().replace("Cart Viewd", "Cart Viewed"))
        return data

    monkeypatch.setattr(FileProvider, "read", read_then_edit)
    during = _answer(root)
    monkeypatch.setattr(FileProvider, "read", real_read)
    assert edited and any("Cart Viewd" in d[3] for d in during[0])
    after = _answer(root)
    assert after == _answer(root, use_cache=False)
    assert not any("Cart Viewd" in d[3] for d in after[0])
