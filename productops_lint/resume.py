"""What one run leaves for the next: the pre-filter's fixpoint and the summaries it selected.

A run over a few files (how pre-commit calls the linter) still needs the whole project's picture:
which files pass the pre-filter, which wrappers exist. Recomputing it costs a pre-filter round
over every file for each new needle word, and inference once per round. A ``ProjectState`` lets
the next run start from the last fixpoint, so only the files whose content changed are looked at.

Why the resumed answer is exact: every stage of the pre-filter is monotone in the gate (needle
words and exports), so under the *same* final gate an unchanged file gets the same answer as
before. A resumed run recomputes the gate from the summaries it holds; if it ends anywhere but
the recorded gate, the engine discards it and runs afresh. When no changed file was loaded by
the last run and none passes its pre-filter, the summaries the fixpoint rests on are the same as
then, so its gate and inferred wrappers stand as they are, with no inference at all. They stand
too when each changed file the fixpoint rests on was edited in a way that cannot move it
(``detect.edits``); a run over named files then reads only the summaries it needs. The state
refers to summaries by their summary-cache keys, and is keyed by everything else the fixpoint
depends on (tool version, config, rule files), so a change there starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .detect.modules import module_name
from .detect.presets import Tracker
from .detect.values import ModuleSummary
from .prefilter import ImportGate, Words

if TYPE_CHECKING:
    from .engine import SummaryCache

# Bump when ProjectState's shape or meaning changes.
STATE_FORMAT = 4
# How many files may differ from the saved state before it is rewritten. Each costs a resumed
# run a read and a pre-filter test; rewriting costs pickling every file's digest.
_DRIFT = 32


@dataclass(frozen=True)
class Gate:
    """The pre-filter's fixpoint: stage-1 needle words and stage-2 exports."""

    names: frozenset[str]
    exports: frozenset[str]


@dataclass
class ProjectState:
    """A finished run's view of the project (pickled into the cache by ``run.lint``)."""

    gate: Gate
    # Every Python file's content digest when the run read it.
    digests: dict[str, str]
    # Files that passed both stages, with their summary-cache keys (None: an unreadable file,
    # whose summary is empty). Keys, not summaries: rewriting the state then costs little.
    matched: dict[str, str | None]
    # Stage-1 words of every file that had any (matched or rejected by stage 2).
    words: dict[str, frozenset[str]]
    # File-level problems (unreadable, oversized) of matched files, which summaries do not carry.
    problems: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)
    # Every file whose summary the run loaded (matched, or read to resolve a value), and the
    # trackers it inferred from them: unchanged while none of those files changes.
    loaded: frozenset[str] = frozenset()
    trackers: dict[str, Tracker] = field(default_factory=dict)
    # The SDK modules stage 2 admits importers of (they follow from the config).
    roots: frozenset[str] = frozenset()
    format: int = STATE_FORMAT

    def changed(self, digests: dict[str, str | None]) -> set[str] | None:
        """Files whose content differs from this state's; None when files were added, removed or unreadable."""
        if digests.keys() != self.digests.keys() or any(d is None for d in digests.values()):
            return None
        return {path for path, value in digests.items() if value != self.digests[path]}

    def replaces(self, old: object) -> bool:
        """Whether this state is worth writing over ``old`` (a run that merely confirms it is not).

        A resumed run treats each file that differs from the saved state as changed. That costs
        little for a file the fixpoint does not rest on, and pickling the state costs more. So the
        state is kept until the fixpoint moves, the selected files change, a file it rests on
        changes (which would otherwise rule out the fast path in every later run), or too many
        other files have drifted.
        """
        if not isinstance(old, ProjectState) or old.format != self.format or old.gate != self.gate:
            return True
        if old.matched.keys() != self.matched.keys() or old.digests.keys() != self.digests.keys():
            return True
        drifted = {p for p, d in self.digests.items() if old.digests[p] != d}
        return bool(drifted & old.loaded) or len(drifted) > _DRIFT


class ResumeMixin:
    """The Project's side of resuming: restoring a state, and taking one (kept apart for size).

    Expects on ``self`` the Project's pre-filter bookkeeping; see ``Project.__init__``.
    """

    provider: Any
    config: Any
    cache: SummaryCache | None
    paths: list[str]
    trackers: dict[str, Tracker]
    gate_state: Gate | None
    index: Any
    _matched: set[str]
    _problems: dict[str, tuple[str, int, int, str]]
    _words: dict[str, set[str]]
    _scanned_words: set[str]
    _rejected: set[str]
    _resumed: Gate | None
    _inherited: frozenset[str]
    _digest_map: dict[str, str | None] | None
    _keys: dict[str, str]
    _summaries: dict[str, ModuleSummary]
    # Set when a run adopted a state without restoring its summaries.
    _adopted: ProjectState | None = None
    # Set when resuming failed after some summaries were loaded: the run must start afresh.
    spoiled: bool = False

    def _digests(self) -> dict[str, str | None] | None:
        if self._digest_map is None:
            digests = getattr(self.provider, "digests", None)
            if digests is None:
                return None
            self._digest_map = digests(self.paths)
        return self._digest_map

    def resume(self, state: ProjectState, targets: set[str] | None = None) -> bool:
        """Start from ``state``'s fixpoint, re-reading only changed files; False when it cannot apply."""
        digests = self._digests()
        changed = state.changed(digests) if digests is not None and self.cache is not None else None
        if changed is None:
            return False
        names = Words(state.gate.names)
        finder = getattr(self.provider, "find_words", None)
        for path in sorted(changed):
            found = finder(path, names) if finder is not None else names.find(self._raw(path) or b"")  # type: ignore[attr-defined]
            if found:
                self._words[path] = set(found)
        for path, words in state.words.items():
            if path not in changed:
                self._words[path] = set(words)
        self._scanned_words = set(state.gate.names)
        self._rejected = {p for p in state.words if p not in changed and p not in state.matched}
        self._resumed = state.gate
        gate = ImportGate(self._roots(), state.gate.exports)  # type: ignore[attr-defined]
        passing = self._scan(sorted(changed), set(state.gate.names), gate)  # type: ignore[attr-defined]
        # These changed files will be parsed (unless the fixpoint moves): start on them now.
        self._prefetch(passing)  # type: ignore[attr-defined]
        # The fixpoint stands when no changed file was loaded and none passes, or (checked below,
        # once they are parsed) when each such file's edit leaves it standing.
        stands = not changed & state.loaded and not passing
        # A run over named files needs only their summaries while the fixpoint stands.
        lazy = targets is not None
        if lazy:
            # Resolve as the last run did: its selected files count as loaded, and are read on first use.
            self.index.defer({module_name(p, self.config.src) for p in state.matched if p not in changed})
        # Restored before waiting for the changed files, which are meanwhile parsing in a worker.
        wanted = {t for t in targets if t in state.matched} if targets is not None else None
        if not self._restore(state, changed, wanted):
            return self._forget()
        if lazy and not stands:
            self._restore_while_parsing(state, changed)
        edited = None if stands else self._edited(state, changed, passing)
        if lazy and (stands or edited is not None):
            self._adopt(state)
            self._adopted = replace(state, matched={**state.matched, **{p: self._keys[p] for p in edited or ()}})
            self._matched.update(edited or ())
            return True
        if lazy:
            self.index.defer(set())
            if not self._restore(state, changed):
                return self._forget()
        if stands or edited is not None:
            self._matched.update(edited or ())
            self._adopt(state)
        return True

    def _restore_while_parsing(self, state: ProjectState, changed: set[str]) -> None:
        """Restore selected summaries while a worker still parses the changed files.

        If the edit moves the fixpoint, the run needs them all, and this time would otherwise be
        spent waiting; if it does not, the extra summaries change no answer (they count as
        loaded already, see ``Index.defer``). The index of the project's modules, which checking
        the edit needs either way, is built first.
        """
        busy = self._parser.busy  # type: ignore[attr-defined]
        if busy():
            # Checking the edit resolves names against every module of the project: index them now.
            self.module_paths  # type: ignore[attr-defined]  # noqa: B018
        for path, key in state.matched.items():
            if not busy():
                return
            if path in changed or path in self._summaries or key is None:
                continue
            summary = self._cached(key, path)
            if summary is not None:
                self._store(summary)  # type: ignore[attr-defined]

    def _forget(self) -> bool:
        # A summary left the cache: forget everything taken from the state. Summaries loaded by
        # then would change what the run starts from, so the engine starts with a new Project.
        self.spoiled = bool(self._summaries)
        self.index.defer(set())
        self._words.clear()
        self._scanned_words, self._rejected, self._resumed = set(), set(), None
        return False

    def _edited(self, state: ProjectState, changed: set[str], passing: list[str]) -> list[str] | None:
        """The changed files the fixpoint rests on, if each was edited in a way that leaves it standing.

        None when any of them was not selected before, is not selected now, or changed what the
        rest of the project sees of it (``detect.edits.keeps_fixpoint``). The index must hold,
        or defer, every selected file, as the run that made ``state`` did.
        """
        touched = sorted(changed & state.loaded | set(passing))
        if not touched or any(p not in passing or state.matched.get(p) is None for p in touched):
            return None
        from .detect.edits import keeps_fixpoint

        self._summarize_paths(touched)  # type: ignore[attr-defined]
        for path in touched:
            old = self._cached(state.matched[path], path)  # type: ignore[arg-type]
            new = self._summaries.get(path)
            if old is None or new is None:
                return None
            if not keeps_fixpoint(old, new, state.trackers, self.index):
                return None
        return touched

    def _restore(self, state: ProjectState, changed: set[str], only: set[str] | None = None) -> bool:
        """Load the selected files' summaries (``only`` some) from the summary cache (False if one is gone)."""
        restored: list[ModuleSummary] = []
        for path, key in state.matched.items():
            if path in changed or (only is not None and path not in only):
                continue
            summary = self._summaries.get(path)  # read already to resolve a name
            if summary is None and key is None:
                summary = ModuleSummary(path, module_name(path, self.config.src), {}, {}, {}, (), {}, {})
            elif summary is None:
                summary = self._cached(key, path)
            if summary is None:
                return False
            restored.append(summary)
        for summary in restored:
            if self._summaries.get(summary.path) is not summary:
                self._store(summary)  # type: ignore[attr-defined]
            self._matched.add(summary.path)
            key = state.matched[summary.path]
            if key is not None:
                self._keys[summary.path] = key
        for path, problem in state.problems.items():
            if path not in changed and (only is None or path in only):
                self._problems[path] = problem
        return True

    def _cached(self, key: str, path: str) -> ModuleSummary | None:
        """The summary stored under ``key`` for ``path``; None if it left the cache or is not that file's."""
        summary = self.cache.get(key) if self.cache is not None else None
        return summary if isinstance(summary, ModuleSummary) and summary.path == path else None

    def _adopt(self, state: ProjectState) -> None:
        # Nothing the fixpoint rests on changed: it stands, inferred wrappers included.
        self.trackers = dict(state.trackers)
        self.gate_state = state.gate
        self._inherited = state.loaded

    def resume_held(self) -> bool:
        """After a resumed run: whether it ended at the gate it started from (else its answer is void)."""
        return self._resumed is not None and self._resumed == self.gate_state

    def snapshot(self) -> ProjectState | None:
        """This run's fixpoint for the next run (None without file digests or a summary cache)."""
        if self.gate_state is None or self.cache is None:
            return None
        digests = self._digests()
        if digests is None or any(d is None for d in digests.values()):
            return None
        names = self.gate_state.names
        # A run that restored no summary has nothing newer to say about the selected files.
        adopted = self._adopted
        return ProjectState(
            gate=self.gate_state,
            digests={p: d for p, d in digests.items() if d is not None},
            matched=adopted.matched if adopted else {p: self._keys.get(p) for p in sorted(self._matched) if p in self._summaries},
            words={p: frozenset(w & names) for p, w in self._words.items() if w & names},
            problems=adopted.problems if adopted else {p: v for p, v in self._problems.items() if p in self._matched and v[0] != "PO001"},
            loaded=self._inherited | {s.path for s in self.index.loaded()},
            trackers=dict(self.trackers),
            roots=frozenset(self._roots()),  # type: ignore[attr-defined]
        )
