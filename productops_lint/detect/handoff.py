"""Calls handed to another thread or runner: `Thread(target=f, args=(x,))` is read as the call `f(x)`.

Telemetry is sent off the caller's thread so that it never blocks: a `threading.Thread`, an
executor's `submit`, `asyncio.to_thread`, `loop.run_in_executor`, or a project helper that takes
the function and its `*args, **kwargs` and runs it (a trampoline). For each such call the module
summary gets one more call site, at the same place, whose callee is the function handed over and
whose arguments are the ones it will receive. Wrapper inference and reporting then treat it as
any other call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .values import (
    Arg,
    CallSite,
    CallVal,
    DictVal,
    FunctionInfo,
    ListVal,
    Param,
    ParamInfo,
    Ref,
    Str,
    Value,
)

# Runners whose callable is a positional argument and whose remaining arguments are its arguments,
# by the callee's last name: `executor.submit(fn, *args, **kwargs)`, `loop.run_in_executor(ex, fn, *args)`.
_POSITIONAL = {"submit": 0, "to_thread": 0, "run_in_executor": 1, "call_soon": 0, "call_soon_threadsafe": 0}
# Runners that forward positional arguments only (their keywords are their own options).
RUNNER_METHODS = frozenset(_POSITIONAL)
_POSITIONAL_ONLY = frozenset({"run_in_executor", "call_soon", "call_soon_threadsafe"})
# Thread-like constructors: the callable's keyword and position (`Thread(group, target, ...)`,
# `Timer(interval, function, ...)`); its arguments come as an `args=` tuple and a `kwargs=` dict.
_THREADS = {"threading.Thread": ("target", 1), "multiprocessing.Process": ("target", 1), "threading.Timer": ("function", 1)}
_PARTIAL = ("functools.partial",)


@dataclass(frozen=True)
class ParamCall:
    """A call of a parameter of the enclosing function: `fn(*args, **kwargs)` inside a trampoline."""

    function: str
    param: str
    args: tuple[Arg, ...]


def handed_off(
    calls: Sequence[CallSite], runner_calls: Sequence[CallSite], param_calls: Iterable[ParamCall], functions: dict[str, FunctionInfo]
) -> list[CallSite]:
    """The call sites that runners and trampolines of this module stand for (to add to ``calls``).

    ``runner_calls`` are runner method calls on receivers of unknown type (`loop.run_in_executor`),
    which are not call sites of their own.
    """
    out = [c for c in (_through_runner(call) for call in (*calls, *runner_calls)) if c is not None]
    trampolines = _trampolines([*calls, *out], list(param_calls), functions)
    for call in [*calls, *out]:
        for ref in call.refs:
            if ref in trampolines:
                site = _through_trampoline(call, functions[ref], trampolines[ref])
                if site is not None:
                    out.append(site)
                break
    return out


def _through_runner(call: CallSite) -> CallSite | None:
    last = {ref.rpartition(".")[2] for ref in call.refs}
    thread = next((_THREADS[r] for r in call.refs if r in _THREADS), None)
    if thread is not None:
        keyword, position = thread
        target = _keyword(call.args, keyword)
        if target is None:
            positional = [a for a in call.args if a.keyword is None and not a.star]
            target = positional[position] if len(positional) > position else None
        args = _keyword(call.args, "args")
        kwargs = _keyword(call.args, "kwargs")
        forwarded = _unpacked(args, "*") + _unpacked(kwargs, "**")
        return _call_of(call, target, forwarded) if target is not None else None
    for name in sorted(last & set(_POSITIONAL)):
        at = _POSITIONAL[name]
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) <= at or any(a.star for a in positional[: at + 1]):
            return None
        rest = positional[at + 1 :]
        keywords = () if name in _POSITIONAL_ONLY else tuple(a for a in call.args if a.keyword is not None or a.star == "**")
        return _call_of(call, positional[at], (*rest, *keywords))
    return None


def _keyword(args: Sequence[Arg], name: str) -> Arg | None:
    return next((a for a in args if a.keyword == name), None)


def _unpacked(arg: Arg | None, star: str) -> tuple[Arg, ...]:
    """`args=(a, b)` as two positional arguments, `kwargs={"k": v}` as keywords; else a splat."""
    if arg is None:
        return ()
    value = arg.value
    if star == "*" and isinstance(value, ListVal):
        return tuple(Arg(None, item, arg.span, arg.source) for item in value.items)
    if star == "**" and isinstance(value, DictVal) and not value.spreads:
        out = []
        for item in value.items:
            if not isinstance(item.key, Str):
                return (Arg(None, value, arg.span, arg.source, "**"),)
            out.append(Arg(item.key.value, item.value, item.value_span, arg.source))
        return tuple(out)
    return (Arg(None, value, arg.span, arg.source, star),)


def _call_of(call: CallSite, target: Arg, args: Sequence[Arg]) -> CallSite | None:
    """The call of ``target`` (a function, or `functools.partial(f, *bound)`) with ``args``."""
    value: Value = target.value
    if isinstance(value, CallVal) and any(r in _PARTIAL for r in value.refs) and value.args:
        inner = value.args[0].value
        bound = value.args[1:]
        positional = [a for a in bound if a.keyword is None]
        keywords = [a for a in bound if a.keyword is not None]
        return _call_of(call, Arg(None, inner, target.span, target.source), (*positional, *args, *keywords))
    if not isinstance(value, Ref):
        return None
    return CallSite(call.span, value.refs, tuple(args), call.function, target.source)


def _trampolines(calls: Sequence[CallSite], param_calls: list[ParamCall], functions: dict[str, FunctionInfo]) -> dict[str, ParamInfo]:
    """Functions of this module that run one of their parameters with their own `*args, **kwargs`."""
    found: dict[str, ParamInfo] = {}
    for pc in param_calls:
        fn = functions.get(pc.function)
        param = _param(fn, pc.param) if fn else None
        if fn is not None and param is not None and _only_splats(pc.args, fn):
            found[fn.qualname] = param
    changed = True
    while changed:  # a trampoline handing its function to another one: `_submit` -> `_run_suppressed`
        changed = False
        for call in calls:
            fn = functions.get(call.function or "")
            if fn is None or fn.qualname in found:
                continue
            for ref in call.refs:
                if ref not in found or ref not in functions:
                    continue
                at, rest = _forwarded(call.args, functions[ref], found[ref])
                if at is not None and isinstance(at.value, Param) and not at.value.star:
                    mine = _param(fn, at.value.name)
                    if mine is not None and mine.index is not None and _only_splats(rest, fn):
                        found[fn.qualname] = mine
                        changed = True
                break
    return found


def _param(fn: FunctionInfo | None, name: str) -> ParamInfo | None:
    return next((p for p in fn.params if p.name == name and not p.star), None) if fn else None


def _arg_for(args: Sequence[Arg], param: ParamInfo) -> Arg | None:
    keyword = _keyword(args, param.name)
    if keyword is not None:
        return keyword
    positional = [a for a in args if a.keyword is None]
    if param.index is None or len(positional) <= param.index or any(a.star for a in positional[: param.index + 1]):
        return None
    return positional[param.index]


def _only_splats(args: Sequence[Arg], fn: FunctionInfo) -> bool:
    """Whether ``args`` are exactly the function's own `*args` and/or `**kwargs`, passed on."""
    stars = {p.star: p.name for p in fn.params if p.star}
    if not args:
        return False
    return all(a.star and isinstance(a.value, Param) and a.value.name == stars.get(a.star) for a in args)


def _forwarded(args: Sequence[Arg], fn: FunctionInfo, param: ParamInfo) -> tuple[Arg | None, list[Arg]]:
    """At a call of trampoline ``fn``: the function it runs, and the arguments that function gets."""
    target = _arg_for(args, param)
    if target is None:
        return None, []
    own = {p.name for p in fn.params if not p.star}
    positional = [a for a in args if a.keyword is None and a.star != "**"]
    if target.keyword is None:
        rest = positional[(param.index or 0) + 1 :]
    else:  # passed by keyword: positional arguments fill the trampoline's own parameters first
        rest = positional[sum(1 for p in fn.params if p.index is not None and not p.star) :]
    keywords = [a for a in args if (a.keyword is not None and a.keyword not in own) or a.star == "**"]
    return target, [*rest, *keywords]


def _through_trampoline(call: CallSite, fn: FunctionInfo, param: ParamInfo) -> CallSite | None:
    target, forwarded = _forwarded(call.args, fn, param)
    return _call_of(call, target, forwarded) if target is not None else None
