"""Progress: a rich bar on a terminal once a run passes a second; nothing at all when piped."""

from __future__ import annotations

import io
import sys

import productops_lint.cli as cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_when_stderr_is_piped(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    update, stop = cli._progress_callback()
    assert update is None
    stop()
    assert sys.stderr.getvalue() == ""


def test_bar_appears_only_after_a_second_on_a_terminal(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = iter([100.0, 100.2, 101.5, 101.6, 101.7, 101.8, 101.9, 102.0, 102.1])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock, 103.0))
    started: list[object] = []

    class FakeProgress:
        def __init__(self, **kwargs):
            started.append(self)

        def start(self):
            pass

        def add_task(self, label, total):
            return 1

        def update(self, task, completed, total):
            self.last = (completed, total)

        def stop(self):
            self.stopped = True

    import rich.progress

    monkeypatch.setattr(rich.progress, "Progress", FakeProgress)
    update, stop = cli._progress_callback()
    assert update is not None
    update(1, 10)  # 0.2 s in: too early for a bar
    assert started == []
    update(2, 10)  # 1.5 s in: the bar starts
    assert len(started) == 1 and started[0].last == (2, 10)
    update(3, 10)
    stop()
    assert started[0].last == (3, 10) and started[0].stopped
