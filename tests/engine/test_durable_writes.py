"""Which writes are forced to disk: the user's files and reports, not the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from productops_lint.files import (
    FileCache,
    store,
    write_bytes_atomic,
    write_source_if_unchanged,
    write_text,
)


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def spy(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(store.os, "fsync", spy)
    return calls


def test_the_users_files_and_reports_are_synced_before_they_replace_the_old(tmp_path: Path, synced: list[int]):
    source = tmp_path / "app.py"
    source.write_text("x = 1\n")
    write_source_if_unchanged(source, "x = 2\n", "x = 1\n")
    write_text(tmp_path / "report.sarif", "{}")
    assert len(synced) == 2
    assert source.read_text() == "x = 2\n" and (tmp_path / "report.sarif").read_text() == "{}"


def test_cache_entries_are_not_synced_and_still_replace_atomically(tmp_path: Path, synced: list[int]):
    cache = FileCache(tmp_path / "cache")
    cache.put("k1", {"a": 1})
    cache.put("k1", {"a": 2})
    assert synced == []
    assert cache.get("k1", dict) == {"a": 2}
    assert [p.name for p in (tmp_path / "cache" / "k1").iterdir()] == ["k1.json"]  # no temporary file left


def test_an_entry_a_crash_cut_short_reads_as_missing(tmp_path: Path):
    cache = FileCache(tmp_path / "cache")
    cache.put("k1", list(range(1000)))
    entry = tmp_path / "cache" / "k1" / "k1.json"
    whole = entry.read_bytes()
    for cut in (b"", whole[: len(whole) // 2], whole[:-1]):
        write_bytes_atomic(entry, cut, durable=False)
        assert cache.get("k1", list) is None


def test_a_write_keeps_the_files_mode_makes_new_files_private_and_survives_a_name_clash(tmp_path: Path, monkeypatch):
    script = tmp_path / "run.py"
    script.write_text("old\n")
    script.chmod(0o751)
    write_bytes_atomic(script, b"new\n")
    assert script.read_bytes() == b"new\n" and script.stat().st_mode & 0o7777 == 0o751

    # The temporary file's name is drawn at random; a name already taken is drawn again.
    draws = iter([b"\x00" * 6, b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(store.os, "urandom", lambda n: next(draws))
    taken = tmp_path / f".entry.{'00' * 6}.tmp"
    taken.write_bytes(b"another writer's")
    fresh = tmp_path / "entry"
    write_bytes_atomic(fresh, b"data", durable=False)
    assert fresh.read_bytes() == b"data" and taken.read_bytes() == b"another writer's"
    if os.name == "posix":
        assert fresh.stat().st_mode & 0o777 == 0o600  # as tempfile.mkstemp makes it
    assert sorted(p.name for p in tmp_path.iterdir()) == [taken.name, "entry", "run.py"]
