"""The stat manifest: word searches answered without reading, and when it is rewritten."""

from __future__ import annotations

from pathlib import Path

from productops_lint.files.manifest import _Manifest
from productops_lint.files.store import digest
from productops_lint.prefilter import Words


def _file(tmp_path: Path, name: str, text: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(text)
    return str(path), digest(path.read_bytes())


def test_words_searched_once_are_answered_without_the_file(tmp_path):
    manifest = _Manifest(tmp_path / "cache" / "manifest.json")
    full, value = _file(tmp_path, "a.py", "alpha = beta\n")
    assert manifest.find_words(full, value, Words(["alpha", "gamma"])) == {"alpha"}
    Path(full).unlink()  # from here on, any read would fail and answer None
    assert manifest.find_words(full, value, Words(["gamma"])) == set()
    assert manifest.find_words(full, value, Words(["alpha"])) == {"alpha"}
    assert manifest.find_words(full, value, Words(["beta"])) is None  # never searched: needs the file


def test_a_wider_search_reads_once_and_remembers_both(tmp_path):
    manifest = _Manifest(tmp_path / "cache" / "manifest.json")
    full, value = _file(tmp_path, "a.py", "import alpha\nbeta()\n")
    assert manifest.find_words(full, value, Words(["alpha"])) == {"alpha"}
    assert manifest.find_words(full, value, Words(["alpha", "beta", "delta"])) == {"alpha", "beta"}
    Path(full).unlink()
    assert manifest.find_words(full, value, Words(["beta", "delta"])) == {"beta"}


def test_the_answers_survive_a_save(tmp_path):
    where = tmp_path / "cache" / "manifest.json"
    manifest = _Manifest(where)
    full, value = _file(tmp_path, "a.py", "alpha\n")
    manifest.digest(full, "a.py")
    manifest.find_words(full, value, Words(["alpha", "beta"]))
    manifest.save()
    Path(full).unlink()
    assert _Manifest(where).find_words(full, value, Words(["beta"])) == set()


def test_a_few_new_entries_do_not_rewrite_a_loaded_manifest(tmp_path):
    where = tmp_path / "cache" / "manifest.json"
    first = _Manifest(where)
    full, _ = _file(tmp_path, "a.py", "x = 1\n")
    first.digest(full, "a.py")
    first.save()
    written = where.read_bytes()
    second = _Manifest(where)
    for i in range(_Manifest._SAVE_AFTER):
        other, _ = _file(tmp_path, f"m{i}.py", f"y = {i}\n")
        second.digest(other, f"m{i}.py")
    second.save()
    assert where.read_bytes() == written  # the next run hashes those few files again instead
    extra, _ = _file(tmp_path, "last.py", "z = 0\n")
    second.digest(extra, "last.py")
    second.save()
    assert where.read_bytes() != written


def test_many_files_at_once_answer_as_one_at_a_time(tmp_path):
    """``FileProvider.with_words``: searched and unsearched words, changed and unreadable files."""
    from productops_lint.config import Config
    from productops_lint.files import FileProvider

    texts = {
        "a.py": "ORDER = 'x'\n",
        "b.py": "from a import ORDER\n",
        "c.py": "nothing = 1\n",
        "d.py": "CART + ORDER\n",
        "e.py": "CART\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)

    def provider() -> FileProvider:
        return FileProvider(tmp_path, Config(), tmp_path / "cache")

    first = provider()
    paths = first.paths()
    assert first.with_words(paths, Words(["ORDER", "CART"])) == ["a.py", "b.py", "d.py", "e.py"]
    assert first.with_words(paths, Words(["CART"])) == ["d.py", "e.py"]  # from the table: a.py found ORDER only
    first.save()
    (tmp_path / "b.py").write_text("import a\n")  # changed since: read again
    (tmp_path / "e.py").unlink()  # gone: left out
    second = provider()
    for names in (["ORDER"], ["CART"], ["ORDER", "CART"], ["nothing", "ORDER"]):
        one_by_one = [p for p in paths if second.find_words(p, Words(names))]
        assert provider().with_words(paths, Words(names)) == one_by_one
    assert provider().with_words(paths, Words(["ORDER"])) == ["a.py", "d.py"]


def test_digests_of_many_files_answer_as_one_at_a_time(tmp_path, monkeypatch):
    """``FileProvider.digests``: unchanged files from the manifest, and every other kind read afresh."""
    import os
    import time

    from productops_lint.config import Config
    from productops_lint.files import FileProvider

    old = time.time() - 3600  # older than the racy window: the manifest may vouch for them
    for name in ("same.py", "sneaky.py", "edited.py", "touched.py", "gone.py", "racy.py"):
        (tmp_path / name).write_text(f"# {name}\n")
        os.utime(tmp_path / name, (old, old))

    def provider() -> FileProvider:
        return FileProvider(tmp_path, Config(), tmp_path / "cache")

    first = provider()
    names = first.paths()
    assert first.digests(names) == {name: first.digest(name) for name in names}
    first._manifest._dirty = 10**6  # force the save a first run makes
    first.save()
    (tmp_path / "edited.py").write_text("# EDITED.PY\n")  # same size, new time: read again
    os.utime(tmp_path / "edited.py", (old + 1, old + 1))
    # Same size, same inode, time put back: only the manifest can answer, with what it recorded.
    (tmp_path / "sneaky.py").write_text("# SNEAKY.PY\n")
    os.utime(tmp_path / "sneaky.py", (old, old))
    os.utime(tmp_path / "touched.py", (old + 2, old + 2))  # same bytes, new time: hashed again, same digest
    (tmp_path / "gone.py").unlink()
    (tmp_path / "racy.py").write_text("# racy now\n")  # within the racy window: never trusted
    (tmp_path / "new.py").write_text("# new\n")
    names = sorted([*names, "new.py"])
    asked: list[str] = []
    one = _Manifest.digest
    monkeypatch.setattr(_Manifest, "digest", lambda self, full, key, stamp=None: asked.append(key) or one(self, full, key, stamp))
    batched = provider().digests(names)
    # The manifest vouched for the two untouched files in its one pass; the rest were asked one by one.
    assert sorted(asked) == ["edited.py", "gone.py", "new.py", "racy.py", "touched.py"]
    single = provider()
    assert batched == {name: single.digest(name) for name in names}
    assert batched["gone.py"] is None and batched["same.py"] is not None
    assert batched["sneaky.py"] == first.digest("sneaky.py")  # not read
    assert batched["touched.py"] == first.digest("touched.py")
    assert batched["edited.py"] != first.digest("edited.py")


def test_a_saved_manifest_stores_each_searched_set_once_and_reads_back_the_same(tmp_path):
    import json

    where = tmp_path / "cache" / "manifest.json"
    manifest = _Manifest(where)
    for i in range(3):
        full, value = _file(tmp_path, f"m{i}.py", f"x = {i}\n")
        manifest.digest(full, f"m{i}.py")
        assert manifest.find_words(full, value, Words(["alpha"])) == set()
    manifest.save()
    assert json.loads(where.read_text())["searched"] == [["alpha"]]
    loaded = _Manifest(where)
    assert loaded.words_table == manifest.words_table  # the same answers
    assert len({id(found) for _, found in loaded.words_table.values()}) == 1
    assert loaded._entries == manifest._entries


def test_a_damaged_or_crafted_manifest_is_ignored(tmp_path):
    where = tmp_path / "cache" / "manifest.json"
    where.parent.mkdir()
    full, value = _file(tmp_path, "a.py", "alpha\n")
    for text in ("{", "[]", '{"format": 1, "entries": {"a.py": [1, 2, 3, 4, 5]}, "searched": [], "words": {}}',
                 '{"format": 1, "entries": {}, "searched": [["a"]], "words": {"x": [7, []]}}', "[" * 100_000):
        where.write_text(text)
        manifest = _Manifest(where)  # never raises
        assert not manifest.recorded()
        assert manifest.find_words(full, value, Words(["alpha"])) == {"alpha"}  # read from the file
