"""A saved ProjectState: the digests base written rarely, a small state with the moved digests, and mixed writers seen as no state."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from productops_lint import saved_state
from productops_lint.files import FileCache
from productops_lint.files.store import digest
from productops_lint.resume import Gate, ProjectState
from productops_lint.saved_state import DELTA_MAX, Saved, base_key, load, store

KEY = "state-test"


class _Cache:
    """An in-memory cache that counts writes per key."""

    def __init__(self) -> None:
        self.entries: dict[str, object] = {}
        self.writes: list[str] = []

    def get(self, key: str) -> object | None:
        return self.entries.get(key)

    def put(self, key: str, value: object) -> None:
        self.entries[key] = value
        self.writes.append(key)


def _state(n: int = 1000, changed: dict[str, str] | None = None) -> ProjectState:
    digests = {f"app/m{i}.py": f"{i:064x}" for i in range(n)}
    digests.update(changed or {})
    return ProjectState(
        gate=Gate(frozenset({"track"}), frozenset()),
        digests=digests,
        matched={"app/m1.py": "key-1"},
        words={"app/m1.py": frozenset({"track"})},
        loaded=frozenset({"app/m1.py"}),
        roots=frozenset({"analytics"}),
    )


def test_a_state_reads_back_as_it_was_written():
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    assert cache.writes == [base_key(KEY), KEY]  # the base first: a state never names a missing one
    assert load(cache, KEY).state == _state()


def test_the_same_on_disk(tmp_path: Path):
    cache = FileCache(tmp_path / "cache")
    store(cache, KEY, _state(), Saved(None))
    assert load(FileCache(tmp_path / "cache"), KEY).state == _state()


def test_a_few_moved_digests_rewrite_only_the_small_state():
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    first = load(cache, KEY)
    edited = _state(changed={"app/m1.py": "e" * 64, "app/m7.py": "f" * 64})
    cache.writes.clear()
    store(cache, KEY, edited, first)
    assert cache.writes == [KEY]
    assert cache.entries[KEY].delta == {"app/m1.py": "e" * 64, "app/m7.py": "f" * 64}  # type: ignore[attr-defined]
    second = load(cache, KEY)
    assert second.state == edited
    # The next write extends the same base: the delta is against it, not against the last state.
    again = _state(changed={"app/m2.py": "a" * 64})
    cache.writes.clear()
    store(cache, KEY, again, second)
    assert cache.writes == [KEY] and load(cache, KEY).state == again


def test_too_many_moved_digests_or_other_files_rewrite_the_base():
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    first = load(cache, KEY)
    many = _state(changed={f"app/m{i}.py": "e" * 64 for i in range(DELTA_MAX + 1)})
    cache.writes.clear()
    store(cache, KEY, many, first)
    assert cache.writes == [base_key(KEY), KEY] and cache.entries[KEY].delta == {}  # type: ignore[attr-defined]
    assert load(cache, KEY).state == many
    added = _state(n=1001)  # a file added: the base's files are not the state's
    cache.writes.clear()
    store(cache, KEY, added, load(cache, KEY))
    assert cache.writes == [base_key(KEY), KEY]
    assert load(cache, KEY).state == added


def test_a_state_over_a_base_another_run_rewrote_reads_as_none():
    """Two runs sharing the cache: one rewrote the base after the other read it, then the other wrote its state."""
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    slow = load(cache, KEY)
    store(cache, KEY, _state(n=1001), load(cache, KEY))  # the other run: a new base
    store(cache, KEY, _state(changed={"app/m1.py": "e" * 64}), slow)  # a delta against the old base
    assert load(cache, KEY).state is None


@pytest.mark.parametrize(
    "entry",
    [None, "junk", _state(), saved_state._Stored(replace(_state(), digests={}, format=3), "g", {})],
    ids=["missing", "junk", "unsplit state", "old format"],
)
def test_anything_else_under_the_key_reads_as_none(entry):
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    cache.entries[KEY] = entry
    assert load(cache, KEY).state is None


def test_a_missing_base_reads_as_none():
    cache = _Cache()
    store(cache, KEY, _state(), Saved(None))
    del cache.entries[base_key(KEY)]
    assert load(cache, KEY).state is None


def test_a_run_over_an_edited_tracking_file_keeps_the_base_and_the_next_run_resumes(tmp_path: Path):
    from productops_lint.run import _state_key, lint, open_workspace

    (tmp_path / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\n')
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "plan.yaml").write_text("events:\n  - name: Order Completed\n    description: Paid.\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for i in range(40):
        (tmp_path / "app" / f"quiet_{i}.py").write_text(f"X = {i}\n")
    view = tmp_path / "app" / "view.py"
    view.write_text("from segment import analytics\n\ndef go(u):\n    analytics.track(u, 'Order Completed')\n")

    def findings(**kwargs: object) -> list[tuple]:
        result = lint(open_workspace(start=tmp_path), jobs=1, **kwargs)  # type: ignore[arg-type]
        return [(d.path, d.span, d.code, d.message) for d in result.diagnostics]

    assert findings() == []
    key = _state_key(open_workspace(start=tmp_path))
    base = next((tmp_path / ".productops_cache").rglob(base_key(key)))
    before = base.read_bytes()
    for name in ("Order Complete", "Order Completd"):  # edits that keep the fixpoint
        view.write_text(f"from segment import analytics\n\ndef go(u):\n    analytics.track(u, {name!r})\n")
        named = findings(paths=[str(view)])
        assert [code for _, _, code, _ in named] == ["PO101"]
        assert named == findings(paths=[str(view)], use_cache=False)
        assert base.read_bytes() == before  # only the small state was written
        saved = load(FileCache(tmp_path / ".productops_cache"), key)
        assert saved.state is not None and saved.base is not None
        # The state records the edit, through its delta over the unchanged base.
        assert saved.state.digests["app/view.py"] == digest(view.read_bytes()) != saved.base[1]["app/view.py"]
    assert findings() == findings(use_cache=False)
