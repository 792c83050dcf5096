"""What an object built by a constructor call holds: its dataclass fields, properties computed from them, and what `str()` of it gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .values import CallVal, ClassInfo, Concat, FunctionInfo, Ref, Str, Unknown, Value

if TYPE_CHECKING:
    from .resolve import Index


def printed(index: "Index", value: CallVal) -> Value | None:
    """`Action("checkout.started")` where `Action.__str__` (or `__repr__`) returns `self.name`:
    the argument that sets `name`, as `str()` of the instance gives it."""
    # Only classes already read: every value that is a constructor call passes through here, and
    # reading each one's module would parse much of the tree.
    with index.without_loading():
        for canon in sorted({c for r in value.refs for c in index.canonical(r)}):
            chain = [info for c in index.mro(canon) if (info := index.class_info(c)) is not None]
            attr = next((info.str_attr for info in chain if info.str_attr), None)
            if attr is not None:
                return _field_arg(value, chain, attr)
    return None

def instance_value(index: "Index", call: CallVal, tail: list[str], depth: int) -> Value:
    """An attribute of a module-level instance (`SCHEMA = Schema("cli_event", "1-0-1")`):
    a dataclass field set by the constructor, or a property computed from those fields."""
    for canon in sorted({c for r in call.refs for c in index.canonical(r)}):
        chain = [(c, info) for c in index.mro(canon) if (info := index.class_info(c)) is not None]
        if not chain or len(tail) != 1:
            continue
        name = tail[0]
        field = _field_value(index, call, chain, name, depth)
        if field is not None:
            return field
        method = next((f"{c}.{name}" for c, info in chain if name in info.methods), None)
        fn = index.function(method) if method else None
        if fn is None or not is_property(fn) or len(fn.returns) != 1 or fn.returns[0].is_tuple:
            return Unknown(f"`{name}` of an instance of `{canon}`")
        returned = fn.returns[0].args[0].value
        selves = {f"{c}()." for c, _ in chain}
        parts = returned.parts if isinstance(returned, Concat) else (returned,)
        bound: list[Value] = []
        for part in parts:
            ref = part.refs[0] if isinstance(part, Ref) and len(part.refs) == 1 else ""
            head, _, attr = ref.rpartition(").")
            if ref and f"{head})." in selves and "." not in attr:
                part = _field_value(index, call, chain, attr, depth) or Unknown(f"`self.{attr}`")
            bound.append(part)
        return index.value(Concat(tuple(bound)) if isinstance(returned, Concat) else bound[0], depth + 1)
    return Unknown("attribute of an instance")

def _field_value(index: "Index", call: CallVal, chain: list[tuple[str, ClassInfo]], name: str, depth: int) -> Value | None:
    """The value of field ``name`` on the instance ``call`` builds: its argument, or the default."""
    infos = [info for _, info in chain]
    if not any(name in info.fields for info in infos):
        return None
    arg = _field_arg(call, infos, name)
    if arg is not None:
        return index.value(arg, depth + 1)
    for info in infos:
        if name in info.attrs:
            return one([index.value(v, depth + 1) for v in info.attrs[name]])
    return Unknown(f"field `{name}` is not set")


def _field_arg(call: CallVal, chain: list[ClassInfo], attr: str) -> Value | None:
    """The argument of constructor ``call`` that sets field ``attr`` (by keyword, or by the
    position of the field among the dataclass fields, base classes' first)."""
    arg = next((a for a in call.args if a.keyword == attr), None)
    if arg is not None:
        return arg.value
    fields = [f for info in reversed(chain) for f in info.fields]
    if attr not in fields:
        return None
    position = fields.index(attr)
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in positional[: position + 1]) or len(positional) <= position:
        return None
    return positional[position].value


def is_property(fn: FunctionInfo) -> bool:
    """Whether ``fn`` is read as an attribute (`@property`, `@cached_property`)."""
    return any(r.rpartition(".")[2] in ("property", "cached_property") for refs in fn.decorators for r in refs)


def one(values: list[Value]) -> Value:
    """The one value several bindings agree on, or Unknown."""
    if not values:
        return Unknown("no value")
    first = values[0]
    if all(v == first for v in values):
        return first
    if all(isinstance(v, Str) for v in values) and len({v.value for v in values}) == 1:  # type: ignore[union-attr]
        return first
    return Unknown("bound to several values")
