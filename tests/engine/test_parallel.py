"""Parser: same summaries in the same order with or without workers, workers started on demand and reused."""

from __future__ import annotations

from typing import Iterator

import pytest

from productops_lint import parallel
from productops_lint.detect.summarize import summarize
from productops_lint.parallel import PARALLEL_MIN_FILES, Parser


def _items(n: int) -> list[tuple[str, str, str]]:
    return [
        (f"app/m{i}.py", f"app.m{i}", f"import analytics\nEVENT_{i} = 'E{i}'\ndef f{i}(u):\n    analytics.track(u, EVENT_{i})\n")
        for i in range(n)
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_summaries_come_back_in_order_and_equal_to_parsing_in_process(jobs):
    items = _items(PARALLEL_MIN_FILES * 2 + 3)  # not a multiple of the batch size
    parser = Parser(jobs)
    try:
        got = parser.summarize(iter(items))
    finally:
        parser.close()
    assert got == [summarize(*item) for item in items]


def test_workers_start_only_when_enough_files_need_parsing():
    parser = Parser(2)
    try:
        parser.summarize(iter(_items(PARALLEL_MIN_FILES - 1)))
        assert parser._pool is None
        parser.summarize(iter(_items(PARALLEL_MIN_FILES)))
        pool = parser._pool
        assert pool is not None
        # A later, small round goes to the same workers.
        assert parser.summarize(iter(_items(2))) == [summarize(*i) for i in _items(2)]
        assert parser._pool is pool
    finally:
        parser.close()
    assert parser._pool is None


def test_one_job_never_starts_workers():
    parser = Parser(1)
    parser.summarize(iter(_items(PARALLEL_MIN_FILES * 2)))
    assert parser._pool is None


def test_parsing_starts_while_the_files_are_still_being_found(monkeypatch):
    """Batches go to the workers before the generator is exhausted."""
    submitted: list[int] = []
    original = Parser._submit

    def spy(self, items):  # noqa: ANN001
        submitted.append(len(items))
        return original(self, items)

    monkeypatch.setattr(Parser, "_submit", spy)
    seen_while_searching: list[int] = []
    items = _items(PARALLEL_MIN_FILES * 3)

    def search() -> Iterator[tuple[str, str, str]]:
        for i, item in enumerate(items):
            if i == len(items) - 1:
                seen_while_searching.append(sum(submitted))
            yield item

    parser = Parser(2)
    try:
        assert parser.summarize(search()) == [summarize(*item) for item in items]
    finally:
        parser.close()
    assert seen_while_searching[0] >= len(items) - 1 - parallel._BATCH


def test_a_cold_run_with_nothing_to_parse_does_not_import_libcst(tmp_path):
    """Importing libcst costs more than the rest of a run over a tree that tracks nothing."""
    import subprocess
    import sys

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "plan.yaml").write_text("events: []\n")
    (tmp_path / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\n')
    for i in range(PARALLEL_MIN_FILES * 2):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    script = (
        "import sys, pathlib\n"
        "from productops_lint.run import lint, open_workspace\n"
        f"result = lint(open_workspace(start=pathlib.Path({str(tmp_path)!r})), jobs=2)\n"
        "print(result.files_total, result.files_parsed, 'libcst' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(PARALLEL_MIN_FILES * 2), "0", "False"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_follows_the_parsing(jobs):
    items = _items(PARALLEL_MIN_FILES * 2)
    seen: list[tuple[int, int]] = []
    parser = Parser(jobs)
    try:
        parser.summarize(iter(items), progress=lambda done, total: seen.append((done, total)))
    finally:
        parser.close()
    assert seen[-1] == (len(items), len(items))
    assert len(seen) >= len(items) // 4  # as batches come back, not once at the end
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})
