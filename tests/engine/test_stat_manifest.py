"""The stat manifest: word searches answered without reading, and when it is rewritten."""

from __future__ import annotations

from pathlib import Path

from productops_lint.files.store import _Manifest, digest
from productops_lint.prefilter import Words


def _file(tmp_path: Path, name: str, text: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(text)
    return str(path), digest(path.read_bytes())


def test_words_searched_once_are_answered_without_the_file(tmp_path):
    manifest = _Manifest(tmp_path / "cache" / "manifest.pickle")
    full, value = _file(tmp_path, "a.py", "alpha = beta\n")
    assert manifest.find_words(full, value, Words(["alpha", "gamma"])) == {"alpha"}
    Path(full).unlink()  # from here on, any read would fail and answer None
    assert manifest.find_words(full, value, Words(["gamma"])) == set()
    assert manifest.find_words(full, value, Words(["alpha"])) == {"alpha"}
    assert manifest.find_words(full, value, Words(["beta"])) is None  # never searched: needs the file


def test_a_wider_search_reads_once_and_remembers_both(tmp_path):
    manifest = _Manifest(tmp_path / "cache" / "manifest.pickle")
    full, value = _file(tmp_path, "a.py", "import alpha\nbeta()\n")
    assert manifest.find_words(full, value, Words(["alpha"])) == {"alpha"}
    assert manifest.find_words(full, value, Words(["alpha", "beta", "delta"])) == {"alpha", "beta"}
    Path(full).unlink()
    assert manifest.find_words(full, value, Words(["beta", "delta"])) == {"beta"}


def test_the_answers_survive_a_save(tmp_path):
    where = tmp_path / "cache" / "manifest.pickle"
    manifest = _Manifest(where)
    full, value = _file(tmp_path, "a.py", "alpha\n")
    manifest.digest(full, "a.py")
    manifest.find_words(full, value, Words(["alpha", "beta"]))
    manifest.save()
    Path(full).unlink()
    assert _Manifest(where).find_words(full, value, Words(["beta"])) == set()


def test_a_few_new_entries_do_not_rewrite_a_loaded_manifest(tmp_path):
    where = tmp_path / "cache" / "manifest.pickle"
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
