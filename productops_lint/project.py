"""One analysis run over a project: read through the provider, pre-filter, summarize (in parallel, cached), resolve."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, Sequence

from .config import Config
from .detect.calls import count_other_uses, module_calls
from .detect.infer import declared_name, declared_trackers, infer_wrappers
from .detect.modules import ModuleIndex, module_name
from .detect.presets import Tracker, preset_trackers
from .detect.resolve import Index, split_ref
from .detect.unique import MAX_NAMING_FILES, UNKNOWN_ROOT, unique_attributes
from .detect.values import CallVal, Concat, ModuleSummary, Ref, Str, Value
from .parallel import Parser, summary_key
from .prefilter import INGESTION_HOSTS, INGESTION_WORDS, ImportGate, Words
from .registry.model import Plan
from .sources import SourceProvider, SummaryCache, decode_source, file_diagnostic, oversized_message
from .types import Diagnostic, TrackingCall


def _recorded(items: Iterable[str], into: list[str]) -> Iterator[str]:
    for item in items:
        into.append(item)
        yield item


class Project:
    """State of one run; the engine's public functions wrap it."""

    def __init__(
        self,
        provider: SourceProvider,
        config: Config,
        plan: Plan,
        *,
        jobs: int = 1,
        cache: SummaryCache | None = None,
        progress: Callable[[int, int], None] | None = None,
        parser: Parser | None = None,
    ) -> None:
        self.provider, self.config, self.plan = provider, config, plan
        self.jobs, self.cache, self.progress = max(1, jobs), cache, progress
        self.paths = sorted({p for p in provider.paths() if p.endswith(".py")})
        self.files_total = len(self.paths)
        self.files_parsed = 0
        self._texts: dict[str, str | None] = {}
        self._summaries: dict[str, ModuleSummary] = {}
        self._problems: dict[str, tuple[str, int, int, str]] = {}
        self._matched: set[str] = set()
        # Stage-1 bookkeeping: which needle words each file contains, and which words were searched.
        self._words: dict[str, set[str]] = {}
        self._scanned_words: set[str] = set()
        # Its worker processes live until detection ends, or as long as the caller's parser does.
        self._parser = parser if parser is not None else Parser(self.jobs)
        self._owns_parser = parser is None
        self._raw_bytes: dict[str, bytes | None] = {}
        # Attribute name -> every file spelling it (None: too many), for unique-name resolution.
        self._spelled: dict[str, list[str] | None] = {}
        self._module_paths: ModuleIndex | None = None
        self.index = Index(self._load_module, self._has_module)
        presets = plan.presets if plan.presets is not None else config.presets
        self.base: dict[str, Tracker] = {
            **preset_trackers(presets),
            **declared_trackers(config.wrappers, config.src),
            **declared_trackers(plan.wrappers, config.src),
        }
        self.trackers: dict[str, Tracker] = dict(self.base)

    @property
    def module_paths(self) -> ModuleIndex:
        """Module name -> file; built on first use (a run that resolves nothing never needs it)."""
        if self._module_paths is None:
            self._module_paths = ModuleIndex(self.paths, self.config.src)
        return self._module_paths

    def _has_module(self, name: str) -> bool:
        # Asked thousands of times per run: skip the property once the table exists.
        return name in (self._module_paths if self._module_paths is not None else self.module_paths)

    # -- reading ---------------------------------------------------------------------------
    def _bytes(self, path: str) -> bytes | None:
        try:
            return self.provider.read(path)
        except OSError:
            return None

    def text(self, path: str) -> str | None:
        if path in self._texts:
            return self._texts[path]
        data = self._bytes(path)
        text: str | None = None
        if data is None:
            self._problems[path] = ("PO002", 1, 0, "File could not be read")
        elif len(data) > self.config.max_file_size:
            self._problems[path] = ("PO003", 1, 0, oversized_message(self.config.max_file_size))
        else:
            try:
                text = decode_source(data)
            except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
                reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
                self._problems[path] = ("PO002", 1, 0, f"File is not valid text in its declared encoding: {reason}")
        self._texts[path] = text
        return text

    # -- summarizing -----------------------------------------------------------------------
    def _summarize_paths(self, paths: Iterable[str]) -> None:
        """Summarize ``paths`` from the cache or by parsing; ``paths`` may still be searching files."""
        todo: list[tuple[str, str, str, str]] = []

        def to_parse() -> Iterator[tuple[str, str, str]]:
            for path in paths:
                if path in self._summaries:
                    continue
                module = module_name(path, self.config.src)
                text = self.text(path)
                if text is None:
                    self._store(ModuleSummary(path, module, {}, {}, {}, (), {}, {}))
                    continue
                key = summary_key(module, text)
                cached = self.cache.get(key, ModuleSummary) if self.cache else None
                if cached is not None and cached.path == path:
                    self._store(cached)
                else:
                    todo.append((path, module, text, key))
                    yield path, module, text

        before = self.files_parsed
        progress = self.progress
        results = self._parser.summarize(
            to_parse(), None if progress is None else lambda done, total: progress(before + done, before + total)
        )
        for (*_, key), summary in zip(todo, results):
            self.files_parsed += 1
            if self.cache is not None:
                self.cache.put(key, summary)
            self._store(summary)

    def _store(self, summary: ModuleSummary) -> None:
        self._summaries[summary.path] = summary
        if summary.error is not None:
            line, col, message = summary.error
            self._problems[summary.path] = ("PO001", line, col, f"File could not be parsed: {message}")
        self.index.add(summary)

    def _load_module(self, module: str) -> ModuleSummary | None:
        path = self.module_paths.get(module)
        if path is None:
            return None
        self._summarize_paths([path])
        return self._summaries.get(path)

    # -- the pre-filter ---------------------------------------------------------------------
    # Resolution only ever starts from an import or a definition in the same file, so a file can
    # hold a tracking call only if it names an SDK module or a project module that leads to a
    # tracker. Those module names are the needles; the set grows as relevant modules are found.
    def _gate(self) -> tuple[set[str], ImportGate]:
        """Stage-1 words and the stage-2 import gate for what is known so far."""
        roots = self._roots()
        exports: set[str] = set()
        for w in (*self.config.wrappers, *self.plan.wrappers):
            name = declared_name(w.qualname, self.config.src)
            # `shop.make_client().track`: importing the factory reaches it.
            exports.add(name.partition("()")[0])
        prefixes = self._tracker_prefixes()
        for summary in self.index.loaded():
            exports.update(self._exports(summary, prefixes))
        # `telemetry.log_api(...)` on an untyped receiver reaches a tracker by a unique name (unique.py).
        found = unique_attributes(self.index.loaded(), lambda ref: self._leads_to_tracker(ref, prefixes), self._naming)
        self.index.set_unique(found)
        exports.update(UNKNOWN_ROOT + name for name in found)
        names = roots | {export.rpartition(".")[2] for export in exports}
        if any(t.shape == "http" for t in self.base.values()):
            names |= set(INGESTION_WORDS)
        names.discard("")
        return names, ImportGate(roots, exports)

    def _roots(self) -> set[str]:
        """Top-level module names of the SDKs and of declared wrappers outside the tree.

        A declared wrapper inside the tree is an export like an inferred one: taking its
        top-level package as a root would admit every file that imports the project itself.
        """
        return {
            split_ref(key)[0].removesuffix("()")
            for key, tracker in self.base.items()
            if not (tracker.declared and self.index.in_project(key)) and tracker.shape != "http"
        }

    def _tracker_prefixes(self) -> set[str]:
        """Every proper prefix of a tracker name: a name that leads to a tracker by attribute access."""
        out: set[str] = set()
        for key in self.trackers:
            segs = split_ref(key)
            out.update(".".join(segs[:i]) for i in range(1, len(segs)))
        return out

    def _leads_to_tracker(self, ref: str, prefixes: set[str]) -> bool:
        return any(c in self.trackers or c in prefixes for c in self.index.canonical(ref))

    def _exports(self, summary: ModuleSummary, prefixes: set[str]) -> set[str]:
        """Module-level names of this module through which another module can reach a tracker."""
        out: set[str] = set()
        module = summary.module
        for qual in summary.functions:
            if qual in self.trackers:
                top = qual[len(module) + 1 :].split(".")[0]
                out.add(f"{module}.{top}")
        for name, symbol in summary.symbols.items():
            qual = f"{module}.{name}"
            # An ingestion URL is where the `http` preset sends: importing it can reach a tracker.
            if any(_names_ingestion_host(v) for v in symbol.values):
                out.add(qual)
                continue
            # A name bound only to literals (most module constants) leads nowhere: skip resolving it.
            if qual not in summary.functions and qual not in summary.classes and not any(
                isinstance(v, (Ref, CallVal)) for v in symbol.values
            ):
                continue
            # `import pkg.mod` binds `pkg`, a package of the tree: other modules reach it by importing
            # it themselves (the gate's `below`), not through this module's name for it.
            if symbol.kind == "import" and all(
                isinstance(v, Ref) and all(self._has_module(r) for r in v.refs) for v in symbol.values
            ):
                continue
            if self._leads_to_tracker(qual, prefixes):
                out.add(qual)
        for cls, info in summary.classes.items():
            top = cls[len(module) + 1 :].split(".")[0]
            if any(self._leads_to_tracker(base, prefixes) for base in info.bases) or any(
                self._leads_to_tracker(f"{cls}().{attr}", prefixes) for attr in info.attrs
            ):
                out.add(f"{module}.{top}")
        # A factory or getter whose result is a tracker's receiver (`def make() -> Telemetry`,
        # `def get_client(): return _client`): calling it reaches the tracker.
        for qual, fn in summary.functions.items():
            top = f"{module}.{qual[len(module) + 1 :].split('.')[0]}"
            if top in out or not (fn.return_types or fn.return_refs):
                continue
            results = [f"{r}()" for r in fn.return_types] + list(fn.return_refs)
            if any(self._holds_tracker(c, prefixes) for r in results for c in self.index.canonical(r)):
                out.add(top)
        # `Worker(analytics=client)` with `client` a tracker's receiver: `Worker`'s module uses
        # `self.analytics` without importing anything that leads to a tracker, so the class is one.
        for call in summary.calls:
            # `system.instance(TelemetryClient)`: the container's module, when the class leads to a
            # tracker (its `Type[T] -> T` is only seen once that module is read).
            for ref in call.refs:
                parts = self.index.type_arg_parts(ref)
                if parts is not None and self._passes_tracker(parts[1] + "()", prefixes):
                    for canon in self.index.canonical(parts[0]):
                        owner = canon.rpartition(".")[0].removesuffix("()")
                        if owner and self.index.in_project(owner):
                            out.add(owner)
            if not any("()" not in r and r.rpartition(".")[2][:1].isupper() for r in call.refs):
                continue  # not a constructor called by name (as `Index.constructions` reads them)
            passed = [
                r + ("()" if isinstance(a.value, CallVal) else "")
                for a in call.args
                if isinstance(a.value, (Ref, CallVal))
                for r in a.value.refs
            ]
            if not passed or not any(self._passes_tracker(c, prefixes) for r in passed for c in self.index.canonical(r)):
                continue
            with self.index.loading():  # the class's module imports nothing that leads to a tracker
                for ref in call.refs:
                    for canon in self.index.canonical(ref):
                        if self.index.class_info(canon) is not None and self.index.in_project(canon):
                            out.add(canon)
        return out

    def _passes_tracker(self, canon: str, prefixes: set[str]) -> bool:
        """Whether a value handed to a constructor leads to a tracker: a receiver, or an instance of
        a class one of whose attributes does (`Pool(worker)` with `worker.analytics` a client)."""
        if self._holds_tracker(canon, prefixes):
            return True
        info = self.index.class_info(canon[:-2]) if canon.endswith("()") else None
        return info is not None and any(self._leads_to_tracker(f"{canon}.{attr}", prefixes) for attr in info.attrs)

    def _holds_tracker(self, canon: str, prefixes: set[str]) -> bool:
        """Whether ``canon`` (an instance or a name) is a tracker's receiver or leads to one."""
        cls = canon.removesuffix("()")
        # `prefixes` holds every proper prefix of a tracker name: the class, or an instance of it.
        return canon in self.trackers or not prefixes.isdisjoint((canon, cls, cls + "()"))

    def _naming(self, words: Sequence[str]) -> dict[str, list[ModuleSummary] | None]:
        """For each word, the summaries of every file spelling it (None past MAX_NAMING_FILES)."""
        new = [w for w in words if w not in self._spelled]
        if new:
            hits: dict[str, list[str]] = {w: [] for w in new}
            finder = Words(new)
            # A provider with a manifest answers unchanged files from its word table, unread.
            find_words = getattr(self.provider, "find_words", None)
            for path in self.paths:
                if find_words is not None:
                    found = find_words(path, finder)
                else:
                    data = self._raw(path)
                    found = None if data is None else finder.find(data)
                for word in found or ():
                    hits[word].append(path)
            for word, paths in hits.items():
                # Only a file that may define the name (`def name`, `name =`, `name:`, `self.name =`,
                # `name=` given to `super().__init__`) can add an owner; the others need no parsing.
                defines = re.compile(rf"def\s+{word}\b|\b{word}\s*(?::[^\n=]*)?=(?!=)|^\s*{word}\s*:|\.{word}\s*:".encode(), re.M)
                paths = [p for p in paths if (data := self._raw(p)) is not None and defines.search(data)]
                self._spelled[word] = paths if len(paths) <= MAX_NAMING_FILES else None
        self._summarize_paths(sorted({p for w in words for p in self._spelled[w] or ()} - set(self._summaries)))
        return {
            w: None if self._spelled[w] is None else [self._summaries[p] for p in self._spelled[w] or () if p in self._summaries]
            for w in words
        }

    def _scan(self, paths: Sequence[str], names: set[str], gate: ImportGate) -> list[str]:
        """Files that pass both stages; each file's bytes are searched once per new needle word."""
        return list(self._passing(paths, names, gate))

    def _passing(self, paths: Sequence[str], names: set[str], gate: ImportGate) -> Iterator[str]:
        """``_scan``, one file at a time, so the files found first can be parsed while it goes on."""
        fresh = Words(names - self._scanned_words)
        # A provider with a manifest answers unchanged files without reading them.
        finder = getattr(self.provider, "find_words", None)
        for path in paths:
            if fresh:
                if finder is not None:
                    found = finder(path, fresh)
                else:
                    data = self._raw(path)
                    found = None if data is None else fresh.find(data)
                if found:
                    self._words.setdefault(path, set()).update(found)
                elif found is None and self.text(path) is None:
                    # Unreadable (no permission, a FIFO, a symlink loop): reported (PO002), not passed over.
                    yield path
                    continue
            if not self._words.get(path, set()) & names:
                continue
            text = self.text(path)
            module = module_name(path, self.config.src)
            if text is None or gate.admits(text, module, path.endswith("__init__.py")):
                yield path
        self._scanned_words |= set(fresh.names)

    def _raw(self, path: str) -> bytes | None:
        # Kept for the pre-filter's rounds (each round looks at the files skipped so far again);
        # dropped when detection ends.
        if path not in self._raw_bytes:
            text = self._texts.get(path)
            self._raw_bytes[path] = text.encode("utf-8", "surrogatepass") if text is not None else self._bytes(path)
        return self._raw_bytes[path]

    def _words_in(self, paths: Sequence[str], names: set[str]) -> list[str]:
        """Files mentioning any of ``names`` (answered from the manifest for unchanged files)."""
        words = Words(names)
        if not words:
            return []
        many = getattr(self.provider, "with_words", None)
        if many is None:
            return [p for p in paths if (data := self._raw(p)) is not None and words.find(data)]
        found: list[str] = many(paths, words)
        return found

    def _infer(self) -> None:
        if self.config.infer_wrappers:
            self.trackers = infer_wrappers(self.base, self.index.loaded(), self.index)

    def tracking_calls(self, targets: Sequence[str] | None, prefilter: bool = True) -> list[TrackingCall]:
        try:
            return self._tracking_calls(targets, prefilter)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker processes, unless the caller owns the parser."""
        if self._owns_parser:
            self._parser.close()

    def _tracking_calls(self, targets: Sequence[str] | None, prefilter: bool) -> list[TrackingCall]:
        if prefilter:
            remaining = list(self.paths)
            seen: tuple[frozenset[str], frozenset[str]] | None = None
            while True:
                names, gate = self._gate()
                state = (frozenset(names), frozenset(gate.exports))
                if state == seen:
                    break
                seen = state
                hits: list[str] = []
                # Files are parsed as the search finds them; `hits` fills as it goes.
                self._summarize_paths(_recorded(self._passing(remaining, names, gate), hits))
                self._matched.update(hits)
                hit_set = set(hits)
                remaining = [p for p in remaining if p not in hit_set]
                self._infer()
        else:
            self._summarize_paths(self.paths)
            while True:  # until the unique attribute names the wrappers lead to stand still
                self._infer()
                before = self.index.unique_attrs
                names, gate = self._gate()
                if self.index.unique_attrs == before:
                    break
            self._matched.update(self._scan(self.paths, names, gate))
        wanted = set(targets) if targets is not None else None
        calls: list[TrackingCall] = []
        for summary in sorted(self.index.loaded(), key=lambda s: s.path):
            if wanted is None or summary.path in wanted:
                calls.extend(module_calls(summary, self.trackers, self.index))
        self._load_constant_readers(calls)
        self._raw_bytes.clear()
        calls = count_other_uses(calls, self.index.loaded())
        return sorted(calls, key=lambda c: (c.path, c.span))

    def _load_constant_readers(self, calls: Sequence[TrackingCall]) -> None:
        """Read every file that mentions a constant used as an event name, to count its other uses."""
        names = {c.origin.constant.rpartition(".")[2] for c in calls if c.origin and c.origin.constant}
        unread = [p for p in self.paths if p not in self._summaries]
        if names and unread:
            self._summarize_paths(self._words_in(unread, names))

    # -- results ---------------------------------------------------------------------------
    def file_diagnostics(self, targets: Sequence[str] | None) -> Iterator[Diagnostic]:
        wanted = set(targets) if targets is not None else None
        for path, (code, line, col, message) in sorted(self._problems.items()):
            if path not in self._matched or (wanted is not None and path not in wanted):
                continue
            diagnostic = file_diagnostic(code, path, line, col, message, self.config)
            if diagnostic is not None:
                yield diagnostic

    def wrapper_chains(self) -> dict[str, tuple[str, ...]]:
        return {key: t.via for key, t in sorted(self.trackers.items()) if key not in self.base or t.via}


def _names_ingestion_host(value: Value) -> bool:
    """Whether a constant spells an ingestion host (`"https://us.i.posthog.com"`, or a URL built on one)."""
    parts = value.parts if isinstance(value, Concat) else (value,)
    return any(isinstance(p, Str) and any(h in p.value.lower() for h in INGESTION_HOSTS) for p in parts)
