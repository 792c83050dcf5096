"""Abstract values: what a module summary records about expressions, picklable and free of CST nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..types import UNKNOWN, Span, StaticValue

# In a callee ref, a call segment naming the class passed first: `instance(~pkg/mod/Client)` (see
# `RefFinder._type_arg_refs`); resolution keeps it only for a `Type[T] -> T` callee.
TYPE_ARG = "(~"


@dataclass(frozen=True)
class Str:
    """A string literal; ``const`` is the qualified name of the constant it is bound to, if any."""

    value: str
    span: Span | None = None
    source: str = ""
    path: str = ""
    const: str | None = None


@dataclass(frozen=True)
class Lit:
    """A non-string literal (int, float, bool, None)."""

    value: Any


@dataclass(frozen=True)
class Concat:
    """Parts joined into one string (``+``, implicit concatenation, f-string with simple holes)."""

    parts: tuple["Value", ...]


@dataclass(frozen=True)
class Template:
    """A string built at run time (``%``, ``.format``, or an f-string with complex holes)."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Param:
    """A parameter of the enclosing function; ``index`` is its position as callers see it.

    ``attrs`` is an attribute path read off it: ``event.name`` is ``Param("event", 0, attrs=("name",))``.
    """

    name: str
    index: int | None
    star: str = ""
    attrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Returned:
    """What calling the enclosing decorator's parameter returns: ``output = func(*args, **kwargs)``."""

    param: str


@dataclass(frozen=True)
class DecoratedName:
    """``func.__name__`` of the enclosing decorator's parameter: the decorated function's name."""

    param: str


@dataclass(frozen=True)
class SelfClassName:
    """``self.__class__.__name__`` or ``type(self).__name__``: the name of the instance's class."""


@dataclass(frozen=True)
class Ref:
    """A reference to module-level names (qualified), resolved across modules later."""

    refs: tuple[str, ...]


@dataclass(frozen=True)
class DictItem:
    key: "Value"
    key_span: Span
    key_source: str
    value: "Value"
    value_span: Span


@dataclass(frozen=True)
class DictVal:
    """A dict whose keys are (mostly) visible; ``spreads`` holds ``**x`` parts."""

    items: tuple[DictItem, ...]
    spreads: tuple["Value", ...] = ()


@dataclass(frozen=True)
class ListVal:
    items: tuple["Value", ...]


@dataclass(frozen=True)
class Arg:
    """One argument at a call: keyword (or None), star ("", "*", "**"), value, where it is."""

    keyword: str | None
    value: "Value"
    span: Span
    source: str
    star: str = ""


@dataclass(frozen=True)
class CallVal:
    """A call used as a value, e.g. ``BaseEvent(...)`` passed to ``track``."""

    refs: tuple[str, ...]
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Unknown:
    reason: str = ""


@dataclass(frozen=True)
class Element:
    """Element ``index`` of what a call returns: ``a, b = check(a, b)`` binds ``b`` to ``Element(call, 1)``."""

    call: CallVal
    index: int


@dataclass(frozen=True)
class Checked:
    """A parameter rebound to what calls given it return (``action = check(action)``, or an
    ``Element`` of a tuple-returning validator): the parameter itself when each call returns that
    argument unchanged, as read from the callee's ``return`` (see ``passthrough.py``)."""

    param: Param
    through: tuple["CallVal | Element", ...]


Value = (
    Str | Lit | Concat | Template | Param | Ref | DictVal | ListVal | CallVal | Returned | DecoratedName
    | SelfClassName | Unknown | Element | Checked
)


def static_value(value: Value) -> StaticValue:
    """The Python value when it is fully known, else UNKNOWN (only literal shapes; refs stay unknown)."""
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Lit):
        literal: int | float | bool | None = value.value
        return literal
    if isinstance(value, Concat):
        parts = [static_value(p) for p in value.parts]
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)  # type: ignore[arg-type]
        return UNKNOWN
    if isinstance(value, ListVal):
        items = [static_value(i) for i in value.items]
        return UNKNOWN if any(i is UNKNOWN for i in items) else items
    if isinstance(value, DictVal):
        if value.spreads:
            return UNKNOWN
        out: dict[Any, Any] = {}
        for item in value.items:
            k, v = static_value(item.key), static_value(item.value)
            if k is UNKNOWN:
                return UNKNOWN
            out[k] = v
        return out
    return UNKNOWN


def params_in(value: Value) -> list[Param]:
    """Parameters that flow into a string value (directly or as a part)."""
    if isinstance(value, Param):
        return [value]
    if isinstance(value, Concat):
        return [p for part in value.parts for p in params_in(part)]
    return []


@dataclass(frozen=True)
class ParamInfo:
    name: str
    index: int | None  # position as callers see it (self/cls excluded); None for keyword-only
    star: str = ""


@dataclass(frozen=True)
class ReturnSite:
    """A ``return`` of a decorated function: a returned tuple is split into one Arg per element."""

    span: Span
    args: tuple[Arg, ...]
    is_tuple: bool


@dataclass(frozen=True)
class FunctionInfo:
    qualname: str
    params: tuple[ParamInfo, ...]
    span: Span
    # Each decorator's possible qualified names (a builtin such as `property` by its bare name).
    decorators: tuple[tuple[str, ...], ...] = ()
    # Returns are recorded for decorated functions only: event-returning decorators and properties.
    returns: tuple[ReturnSite, ...] = ()
    # Classes the return annotation names, so `make_client().track` can be followed.
    return_types: tuple[str, ...] = ()
    # What the `return`s of an unannotated function refer to (`return _client`, `return Posthog()`).
    return_refs: tuple[str, ...] = ()
    # The dict a payload builder returns, when its one `return` is a dict display.
    return_dict: "DictVal | None" = None
    # Where each decorator is written (a decorator that sends an event is reported there).
    decorator_spans: tuple[Span, ...] = ()
    # `def instance(self, type: Type[T]) -> T`: the caller's position of the parameter whose class
    # the call returns an instance of (dependency-injection containers).
    type_arg: int | None = None
    # What every `return` hands back when that is built from the parameters (`return item`,
    # `return a, b`, `return check(x)`): how a validator or identity function passes its input on.
    passes: "Value | None" = None


@dataclass(frozen=True)
class CallSite:
    """A call in a module: the possible callees (qualified refs) and its arguments."""

    span: Span
    refs: tuple[str, ...]
    args: tuple[Arg, ...]
    function: str | None
    func_source: str = ""


@dataclass(frozen=True)
class ClassInfo:
    qualname: str
    bases: tuple[str, ...]
    attrs: dict[str, tuple[Value, ...]] = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    is_enum: bool = False
    is_str_enum: bool = False
    # A dataclass's (or attrs class's) fields in order: the constructor's positional parameters.
    fields: tuple[str, ...] = ()
    # The attribute `__str__` (or a hand-written `__repr__`) returns: what `str(instance)` gives.
    str_attr: str | None = None


@dataclass(frozen=True)
class Symbol:
    """A module-level name: the values bound to it (each a Value; refs go through ``Ref``)."""

    values: tuple[Value, ...]
    kind: str = "value"  # "value", "function", "class", "import"


@dataclass(frozen=True)
class ModuleSummary:
    """Everything later phases need from one module, so a module is parsed once (and cached)."""

    path: str
    module: str
    symbols: dict[str, Symbol]
    classes: dict[str, ClassInfo]
    functions: dict[str, FunctionInfo]
    calls: tuple[CallSite, ...]
    # Name -> how many times this module reads it (module-level names and imported names).
    reads: dict[str, int]
    # Imported qualified name -> local name, to count reads of other modules' constants.
    imports: dict[str, str]
    error: tuple[int, int, str] | None = None
    # `module.NAME` read through an imported module (`events.SHARED`) -> how many times.
    attr_reads: dict[str, int] = field(default_factory=dict)
