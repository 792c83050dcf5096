"""Which writes are forced to disk: the user's files and reports, not the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from productops_lint.files import FileCache, write_bytes_atomic, write_source_if_unchanged, write_text
from productops_lint.files import store


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
    assert cache.get("k1") == {"a": 2}
    assert [p.name for p in (tmp_path / "cache" / "k1").iterdir()] == ["k1"]  # no temporary file left


def test_an_entry_a_crash_cut_short_reads_as_missing(tmp_path: Path):
    cache = FileCache(tmp_path / "cache")
    cache.put("k1", list(range(1000)))
    entry = tmp_path / "cache" / "k1" / "k1"
    whole = entry.read_bytes()
    for cut in (b"", whole[: len(whole) // 2], whole[:-1]):
        write_bytes_atomic(entry, cut, durable=False)
        assert cache.get("k1") is None
