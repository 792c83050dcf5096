"""Cross-module resolution: canonical callee names and constant values, reading modules on demand."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from . import instances, passthrough, unique
from .instances import is_property as _is_property
from .instances import one as _one
from .values import (
    TYPE_ARG,
    Arg,
    CallVal,
    Checked,
    ClassInfo,
    Concat,
    FunctionInfo,
    ModuleSummary,
    Param,
    Ref,
    SelfClassName,
    Str,
    Unknown,
    Value,
)

_MAX_DEPTH = 12


def split_ref(ref: str) -> list[str]:
    """``a.b.C().m`` -> ``["a", "b", "C()", "m"]``."""
    return [s for s in ref.split(".") if s]


def join_ref(head: str, tail: list[str]) -> str:
    return ".".join([head, *tail]) if tail else head


class Index:
    """The modules of the project that were summarized, plus a loader for the ones not yet read."""

    def __init__(self, load: Callable[[str], ModuleSummary | None], has_module: Callable[[str], bool]) -> None:
        self._load = load
        self._has_module = has_module
        self._modules: dict[str, ModuleSummary | None] = {}
        self._canonical: dict[str, frozenset[str]] = {}
        self._splits: dict[tuple[str, bool], tuple[ModuleSummary, tuple[str, ...]] | None] = {}
        self._allow_load = False
        # Modules that count as loaded but are read on first use (see ``defer``).
        self._deferred: set[str] = set()
        self._constructions: dict[str, list[tuple[Arg, ...]]] | None = None
        # Attribute name -> the one class of the tree defining it, for names leading to a tracker
        # (`unique.py`): how a call on a receiver of unknown type (`?.log_api`) is resolved.
        self.unique_attrs: dict[str, str] = {}

    def set_unique(self, found: dict[str, str]) -> None:
        if found != self.unique_attrs:
            self.unique_attrs = found
            self._canonical.clear()

    def add(self, summary: ModuleSummary) -> None:
        self._modules[summary.module] = summary
        # Memos describe what was loaded when they were made; a new module can change answers.
        self._canonical.clear()
        self._splits.clear()
        self._constructions = None

    def module(self, name: str) -> ModuleSummary | None:
        """A loaded module; others are read on demand only while resolving values (constants).

        Callee resolution never needs a module the pre-filter did not select: a module that can
        lead to a tracker names one in its imports, so the pre-filter selects it. Not loading on
        demand there keeps one file's imports from pulling in the whole import graph.
        """
        if name not in self._modules:
            if not self._allow_load and name not in self._deferred:
                return None
            self._modules[name] = self._load(name) if self._has_module(name) else None
        return self._modules[name]

    def defer(self, names: set[str]) -> None:
        """Treat ``names`` as loaded, reading each on first use: a run that needs few of them reads few."""
        self._deferred = names
        self._canonical.clear()
        self._splits.clear()
        self._constructions = None

    def loaded(self) -> list[ModuleSummary]:
        return [s for s in self._modules.values() if s is not None]

    def class_info(self, qual: str) -> ClassInfo | None:
        module, _, _ = qual.rpartition(".")
        while module:
            summary = self.module(module) if self._has_module(module) else None
            if summary is not None and qual in summary.classes:
                return summary.classes[qual]
            module = module.rpartition(".")[0]
        return None

    def in_project(self, ref: str) -> bool:
        """Whether ``ref`` names something inside a module of the scanned tree (loaded or not)."""
        segs = split_ref(ref)
        return any(self._has_module(".".join(segs[:i])) for i in range(1, len(segs)) if not segs[i - 1].endswith("()"))

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Let lookups read modules the pre-filter did not select (signatures, base classes, values)."""
        if self._allow_load:
            yield
            return
        self._allow_load = True
        try:
            yield
        finally:
            self._allow_load = False

    @contextmanager
    def without_loading(self) -> Iterator[None]:
        """Answer from the modules read so far only (lookups made for every value of a run)."""
        saved, self._allow_load = self._allow_load, False
        try:
            yield
        finally:
            self._allow_load = saved

    def function(self, qual: str) -> FunctionInfo | None:
        """The project function or method named ``qual`` (``pkg.mod.f``, ``pkg.mod.Class.m``)."""
        found = self._split_module(qual)
        if found is None:
            return None
        return found[0].functions.get(qual)

    def _split_module(self, ref: str) -> tuple[ModuleSummary, list[str]] | None:
        # Memoized: resolution asks about the same few prefixes thousands of times per run.
        key = (ref, self._allow_load)
        if key in self._splits:
            cached = self._splits[key]
            return (cached[0], list(cached[1])) if cached else None
        found = self._split_module_uncached(ref)
        self._splits[key] = (found[0], tuple(found[1])) if found else None
        return found

    def _split_module_uncached(self, ref: str) -> tuple[ModuleSummary, list[str]] | None:
        segs = split_ref(ref)
        # A module name holds no call: only heads before the first `()` segment can name one.
        first_call = next((k for k, s in enumerate(segs) if s.endswith("()")), len(segs))
        for i in range(first_call, 0, -1):
            name = ".".join(segs[:i])
            if self._has_module(name):
                summary = self.module(name)
                if summary is not None:
                    return summary, segs[i:]
        return None

    # -- callee names ----------------------------------------------------------------------
    def canonical(self, ref: str, depth: int = 0) -> frozenset[str]:
        """Every name ``ref`` stands for once aliases, instances and attributes are followed."""
        cached = self._canonical.get(ref)
        if cached is not None:
            return cached
        if depth > _MAX_DEPTH:
            return frozenset({ref})
        if TYPE_ARG in ref:
            result = self._type_arg_call(ref, depth)
            self._canonical[ref] = result
            return result
        if ref.startswith(unique.UNKNOWN_ROOT):
            result = self._by_unique_name(ref, depth)
            self._canonical[ref] = result
            return result
        found = self._split_module(ref)
        result = frozenset({ref}) if found is None or not found[1] else frozenset(self._in_module(*found, depth))
        self._canonical[ref] = result
        return result

    def _by_unique_name(self, ref: str, depth: int) -> frozenset[str]:
        """`?.user.analytics.track`: `C().analytics.track` when `C` alone defines `analytics` (or the
        method, `track`); nothing when no name of the chain is unique."""
        segs = ref[len(unique.UNKNOWN_ROOT) :].split(".")
        for at, name in unique.candidates(ref):
            owner = self.unique_attrs.get(name)
            if owner is not None:
                return self.canonical(join_ref(owner + "()", segs[at:]), depth + 1)
        return frozenset()

    def _type_arg_call(self, ref: str, depth: int) -> frozenset[str]:
        """`system.instance(~pkg/Client).capture`: `pkg.Client().capture` when the callee returns an
        instance of the class it is given (`Type[T] -> T`); otherwise nothing (the plain call
        `system.instance().capture` is the other candidate the summary recorded)."""
        callee, cls, tail = _type_arg_split(ref)
        # The container's module is read once the pre-filter makes it an export (Project._exports).
        for canon in sorted(self.canonical(callee, depth + 1)):
            fn = self.function(canon)
            if fn is not None and fn.type_arg == 0:
                return frozenset(self.canonical(join_ref(cls + "()", tail), depth + 1))
        return frozenset()

    @staticmethod
    def type_arg_parts(ref: str) -> tuple[str, str] | None:
        """(callee, class) of a ref with a `Type[T]` candidate segment, else None."""
        return _type_arg_split(ref)[:2] if TYPE_ARG in ref else None

    def _in_module(self, summary: ModuleSummary, rest: list[str], depth: int) -> set[str]:
        head, tail = rest[0], rest[1:]
        is_call = head.endswith("()")
        name = head[:-2] if is_call else head
        qual = f"{summary.module}.{name}"
        if qual in summary.classes:
            return self._in_class(qual, is_call, tail, depth)
        if qual in summary.functions:
            return self._through_function(summary.functions[qual], is_call, tail, depth)
        symbol = summary.symbols.get(name)
        if symbol is None:
            return {join_ref(qual + ("()" if is_call else ""), tail)}
        return self._through_values(symbol.values, is_call, tail, depth, fallback=join_ref(head, tail))

    def _through_values(self, values: tuple[Value, ...], is_call: bool, tail: list[str], depth: int, fallback: str) -> set[str]:
        out: set[str] = set()
        suffix = "()" if is_call else ""
        for v in values:
            if isinstance(v, Ref):
                for r in v.refs:
                    out |= self.canonical(join_ref(r + suffix, tail), depth + 1)
            elif isinstance(v, CallVal):
                for r in v.refs:
                    out |= self.canonical(join_ref(r + "()" + suffix, tail), depth + 1)
        return out

    def _through_function(self, fn: FunctionInfo, is_call: bool, tail: list[str], depth: int) -> set[str]:
        # `make_client().track`: the return annotation says what the call gives back.
        if is_call and tail and fn.return_types:
            out: set[str] = set()
            for r in fn.return_types:
                out |= self.canonical(join_ref(r + "()", tail), depth + 1)
            return out
        # Unannotated: what its `return`s refer to (a module global, a cached instance, a constructor).
        if is_call and tail and fn.return_refs:
            out = set()
            for r in fn.return_refs:
                if r != fn.qualname + "()":
                    out |= self.canonical(join_ref(r, tail), depth + 1)
            if out:
                return out
        return {join_ref(fn.qualname + ("()" if is_call else ""), tail)}

    def mro(self, qual: str, depth: int = 0) -> list[str]:
        """The class and its bases, depth first (project classes; external bases are kept as names)."""
        order = [qual]
        info = self.class_info(qual)
        if info is None or depth > _MAX_DEPTH:
            return order
        for base in info.bases:
            for canon in sorted(self.canonical(base, depth + 1)):
                for c in self.mro(canon, depth + 1):
                    if c not in order:
                        order.append(c)
        return order

    def _in_class(self, qual: str, instance: bool, tail: list[str], depth: int) -> set[str]:
        if not tail:
            return {qual + ("()" if instance else "")}
        head, rest = tail[0], tail[1:]
        is_call = head.endswith("()")
        name = head[:-2] if is_call else head
        for cls in self.mro(qual):
            info = self.class_info(cls)
            if info is None:  # an SDK base class: the attribute is the SDK's
                return set(self.canonical(join_ref(cls + ("()" if instance else ""), tail), depth + 1))
            if name in info.methods:
                method = self.function(f"{cls}.{name}")
                if method is not None:
                    # `self._system.instance(...)` with `_system` a property: reading it calls it.
                    return self._through_function(method, is_call or (instance and _is_property(method)), rest, depth)
                return {join_ref(f"{cls}.{name}" + ("()" if is_call else ""), rest)}
            if name in info.attrs:
                values = info.attrs[name]
                out = self._through_values(values, is_call, rest, depth, fallback=join_ref(qual, tail))
                for param in (v for v in values if isinstance(v, Param)):
                    out |= self._through_constructions(qual, param, is_call, rest, depth)
                return out
        return {join_ref(qual + ("()" if instance else ""), tail)}

    def _through_constructions(self, cls: str, param: Param, is_call: bool, tail: list[str], depth: int) -> set[str]:
        """`self.analytics = analytics` in `__init__`, unannotated: what the tree's `Worker(analytics=x)`
        calls pass for it (the modules read so far; the pre-filter makes the class an export when a
        call passes it something that leads to a tracker, so its module is read)."""
        out: set[str] = set()
        for args in self.constructions().get(cls, ()):
            arg = next((a for a in args if a.keyword == param.name), None)
            positional = [a for a in args if a.keyword is None]
            if arg is None and param.index is not None and len(positional) > param.index and not any(
                a.star for a in positional[: param.index + 1]
            ):
                arg = positional[param.index]
            if arg is not None:
                out |= self._through_values((arg.value,), is_call, tail, depth, fallback="")
        return out

    def constructions(self) -> dict[str, list[tuple[Arg, ...]]]:
        """Project class -> the arguments of every call that builds it, in the modules read so far."""
        if self._constructions is None:
            found: dict[str, list[tuple[Arg, ...]]] = {}
            for summary in self.loaded():
                for call in summary.calls:
                    # A class is built by name (`Worker(...)`, `mod.Worker(...)`), so a callee through
                    # an instance (`x().m`) is skipped: resolving it could ask for constructions again.
                    for ref in call.refs:
                        if "()" in ref or not ref.rpartition(".")[2][:1].isupper():
                            continue
                        for canon in self.canonical(ref):
                            if self.class_info(canon) is not None:
                                found.setdefault(canon, []).append(call.args)
            self._constructions = found
        return self._constructions

    # -- values ----------------------------------------------------------------------------
    def value(self, value: Value, depth: int = 0) -> Value:
        """Follow references to constants, class attributes and enum members (reading modules as needed)."""
        if self._allow_load:
            return self._value(value, depth)
        self._allow_load = True
        try:
            return self._value(value, depth)
        finally:
            self._allow_load = False

    def _value(self, value: Value, depth: int = 0) -> Value:
        """Follow references to constants, class attributes and enum members."""
        if depth > _MAX_DEPTH:
            return Unknown("too many indirections")
        if isinstance(value, Ref):
            results = [self._ref_value(r, depth + 1) for r in value.refs]
            if len(results) == 1:
                return results[0]
            strs = [r for r in results if isinstance(r, Str)]
            if len(strs) == len(results) and len({s.value for s in strs}) == 1:
                return strs[0]
            return Unknown("refers to several values")
        if isinstance(value, CallVal) and self._str_call(value):
            # `Action("checkout.started")` with `class Action(str)`: the string itself.
            return self._value(value.args[0].value, depth + 1)
        if isinstance(value, CallVal) and value.refs[0].rpartition(".")[2][:1].isupper():
            printed = instances.printed(self, value)
            if printed is not None:
                return self._value(printed, depth + 1)
        if isinstance(value, Checked):
            return self._value(passthrough.resolve_checked(self, value, depth + 1), depth + 1)
        if isinstance(value, Concat):
            parts: list[Value] = []
            for part in value.parts:
                resolved = self.value(part, depth + 1)
                parts.extend(resolved.parts if isinstance(resolved, Concat) else (resolved,))
            return Concat(tuple(parts))
        return value

    def _str_call(self, value: CallVal) -> bool:
        """Whether ``value`` builds a ``str`` subclass from one positional argument."""
        if len(value.args) != 1 or value.args[0].keyword is not None or value.args[0].star:
            return False
        return any("builtins.str" in self.mro(c) for r in value.refs for c in self.canonical(r))

    def _ref_value(self, ref: str, depth: int) -> Value:
        found = self._split_module(ref)
        if found is None or not found[1]:
            return Unknown(f"`{ref}` is outside the scanned tree")
        summary, rest = found
        head, tail = rest[0], rest[1:]
        instance = head.endswith("()")
        name = head[:-2] if instance else head
        qual = f"{summary.module}.{name}"
        if qual in summary.classes:
            return self._class_value(qual, tail, depth, instance)
        symbol = summary.symbols.get(name)
        if symbol is None or not symbol.values:
            return Unknown(f"`{qual}` is not a constant")
        results: list[Value] = []
        for v in symbol.values:
            if isinstance(v, Ref):
                results.extend(self._ref_value(join_ref(r + ("()" if instance else ""), tail), depth + 1) for r in v.refs)
            elif instance:
                results.append(Unknown(f"result of calling `{qual}`"))
            elif isinstance(v, CallVal) and tail:
                results.append(instances.instance_value(self, v, tail, depth + 1))
            elif not tail:
                results.append(self.value(v, depth + 1))
            else:
                results.append(Unknown(f"attribute of `{qual}`"))
        return _one(results)

    def _class_value(self, qual: str, tail: list[str], depth: int, instance: bool = False) -> Value:
        if not tail:
            return Unknown(f"`{qual}` is a class")
        name, after = tail[0], tail[1:]
        for cls in self.mro(qual):
            info = self.class_info(cls)
            if info is not None and instance and not after and name in info.methods:
                return self._property_value(qual, f"{cls}.{name}", depth)
            if info is None or name not in info.attrs:
                continue
            # `self.event = event` in `__init__`: a parameter of that method, not of the reader's.
            values = [
                Unknown(f"`{name}` is set from a parameter") if isinstance(v, Param) else self.value(v, depth + 1)
                for v in info.attrs[name]
            ]
            value = _one(values)
            if info.is_enum:
                if after == ["name"]:
                    return Str(name)
                if isinstance(value, CallVal) and any(c == "enum.auto" for r in value.refs for c in self.canonical(r)):
                    # StrEnum's `auto()` is the lower-cased member name; other enums number theirs.
                    strenum = any(c == "enum.StrEnum" for b in info.bases for c in self.canonical(b))
                    value = Str(name.lower()) if strenum else Unknown(f"`{qual}.{name}` is `auto()` of a non-StrEnum")
                if after == ["value"]:
                    return value
                if not after:
                    return value if info.is_str_enum else Unknown(
                        f"`{qual}.{name}` is a member of a plain Enum; pass `.value`"
                    )
                return Unknown(f"`{'.'.join(after)}` of an enum member")
            return value if not after else Unknown("attribute of a class attribute")
        return Unknown(f"`{qual}` has no attribute `{name}`")

    def _property_value(self, instance_class: str, method: str, depth: int) -> Value:
        """What a property that returns one expression gives on an instance of ``instance_class``."""
        fn = self.function(method)
        if fn is None or not _is_property(fn) or len(fn.returns) != 1 or fn.returns[0].is_tuple:
            return Unknown(f"`{method}` is a method")
        returned = fn.returns[0].args[0].value
        if isinstance(returned, SelfClassName):
            return Str(instance_class.rpartition(".")[2])
        return self.value(returned, depth + 1)


def _type_arg_split(ref: str) -> tuple[str, str, list[str]]:
    """`a.b.instance(~x/y/Client).capture` -> (`a.b.instance`, `x.y.Client`, [`capture`])."""
    segs = split_ref(ref)
    at = next(i for i, seg in enumerate(segs) if TYPE_ARG in seg)
    name, _, marked = segs[at].partition(TYPE_ARG)
    return join_ref(".".join(segs[:at]), [name]) if at else name, marked[:-1].replace("/", "."), segs[at + 1 :]
