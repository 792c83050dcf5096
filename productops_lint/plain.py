"""Plain data for the cache: any of the tool's dataclasses to JSON-ready values and back, checked against their fields.

One converter, driven by each dataclass's fields and their type hints, so a field added to a
summary is stored without editing this module. Decoding checks every value against the type
its field declares; anything else (a wrong shape, a wrong type, an unknown union member) raises
``Invalid``, and the caller treats the entry as missing. Nothing here can run code: the input is
what ``json.loads`` builds (strings, numbers, booleans, None, lists, dicts), and the only objects
made from it are the declared dataclasses, enums, tuples, sets and dicts.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Literal, Union

from .types import UNKNOWN

# Bump when the encoding below changes (the dataclasses' own layouts are fingerprinted).
CODEC_VERSION = 1

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


class Invalid(ValueError):
    """A stored value does not have the shape or type its field declares."""


class Unencodable(TypeError):
    """A value the converter cannot store (the entry is then not cached)."""


def encode(kind: type, value: Any) -> Any:
    """``value`` (an instance of ``kind``) as JSON-ready plain values."""
    return _codec(kind)[0](value)


def decode(kind: type, data: Any) -> Any:
    """The ``kind`` instance ``data`` (from ``encode``) stands for; ``Invalid`` if it is not one."""
    try:
        return _codec(kind)[1](data)
    except Invalid:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise Invalid(str(exc)) from None


def fingerprint(kind: type) -> str:
    """A digest of every field layout reachable from ``kind``, and of this converter's version.

    Part of every cache key, so an entry written for other fields is never read as this shape.
    """
    found = _fingerprints.get(kind)
    if found is None:
        seen: list[str] = []
        _layout(kind, seen, set())
        text = f"{CODEC_VERSION}\0" + "\0".join(seen)
        found = _fingerprints[kind] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return found


_fingerprints: dict[type, str] = {}
_codecs: dict[Any, tuple[Encoder, Decoder]] = {}
_hints: dict[type, dict[str, Any]] = {}


def _fields(cls: type) -> list[tuple[str, Any]]:
    hints = _hints.get(cls)
    if hints is None:
        hints = _hints[cls] = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init]


def _layout(tp: Any, out: list[str], seen: set[Any]) -> None:
    out.append(repr(tp))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if tp in seen:
            return
        seen.add(tp)
        for name, hint in _fields(tp):
            out.append(f"{tp.__qualname__}.{name}")
            _layout(hint, out, seen)
    for arg in typing.get_args(tp):
        _layout(arg, out, seen)


def _codec(tp: Any) -> tuple[Encoder, Decoder]:
    found = _codecs.get(tp)
    if found is None:
        # A placeholder first: a recursive type (a value holding values) refers to itself.
        cell: list[tuple[Encoder, Decoder]] = []
        _codecs[tp] = (lambda v: cell[0][0](v), lambda d: cell[0][1](d))
        cell.append(_build(tp))
        found = _codecs[tp] = cell[0]
    return found


def _build(tp: Any) -> tuple[Encoder, Decoder]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return _any_encode, _any_decode
    if tp is type(None):
        return _identity, _exact(type(None))
    if tp in (str, bool):
        return _identity, _exact(tp)
    if tp is int:
        return _identity, _integer
    if tp is float:
        return _identity, _number
    if tp is type(UNKNOWN):
        return lambda v: 0, lambda d: UNKNOWN if d == 0 and type(d) is int else _fail(d, "UNKNOWN")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return (lambda v: v.value), (lambda d: tp(d))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if origin is Literal:
        allowed = set(args)
        return _identity, lambda d: d if d in allowed and type(d) in {type(a) for a in args} else _fail(d, repr(tp))
    if origin is Union or origin is types.UnionType:
        return _union(args)
    if tp in (list, tuple, set, frozenset):
        return _sequence(tp, _codec(Any))
    if tp is dict:
        return _mapping(_codec(Any), _codec(Any))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(tuple, _codec(args[0]))
        return _fixed_tuple([_codec(a) for a in args])
    if origin in (list, set, frozenset):
        return _sequence(origin, _codec(args[0]))
    if origin is Sequence:
        return _sequence(tuple, _codec(args[0]))
    if origin in (dict, Mapping):
        return _mapping(_codec(args[0]), _codec(args[1]), str_keys=args[0] is str)
    raise Unencodable(f"no plain form for {tp!r}")


def _identity(value: Any) -> Any:
    return value


def _fail(data: Any, wanted: str) -> Any:
    raise Invalid(f"expected {wanted}, found {type(data).__name__}")


def _exact(kind: type) -> Decoder:
    def check(data: Any) -> Any:
        return data if type(data) is kind else _fail(data, kind.__name__)

    return check


def _integer(data: Any) -> int:
    return data if type(data) is int else _fail(data, "int")  # type: ignore[no-any-return, unused-ignore]


def _number(data: Any) -> float:
    return data if type(data) in (int, float) else _fail(data, "float")  # type: ignore[no-any-return]


def _dataclass(cls: type) -> tuple[Encoder, Decoder]:
    fields = _fields(cls)
    names = [name for name, _ in fields]
    codecs = [_codec(hint) for _, hint in fields]
    count = len(fields)

    def enc(value: Any) -> Any:
        if type(value) is not cls:
            raise Unencodable(f"expected {cls.__name__}, found {type(value).__name__}")
        return [c[0](getattr(value, n)) for n, c in zip(names, codecs)]

    decoders = [c[1] for c in codecs]
    # Built as ``copy.copy`` builds an instance, from its fields' values, when the class
    # keeps them in a plain ``__dict__``: a frozen dataclass's ``__init__`` sets each field
    # through ``object.__setattr__``, which costs more than the checks above.
    direct = not hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__")
    new = object.__new__

    def dec(data: Any) -> Any:
        if type(data) is not list or len(data) != count:
            _fail(data, f"{cls.__name__} fields")
        values = [f(d) for f, d in zip(decoders, data)]
        if not direct:
            return cls(*values)
        obj: Any = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return enc, dec


def _union(members: tuple[Any, ...]) -> tuple[Encoder, Decoder]:
    others = [m for m in members if m is not type(None)]
    optional = len(others) < len(members)
    if len(others) == 1:  # `X | None`: no tag needed, X's form is never null
        inner = _codec(others[0])

        def enc_optional(value: Any) -> Any:
            return None if value is None else inner[0](value)

        def dec_optional(data: Any) -> Any:
            return None if data is None else inner[1](data)

        return enc_optional, dec_optional
    # Otherwise [member index, value]: the fingerprint covers the members' order.
    tests = [_instance_test(m) for m in others]
    codecs = [_codec(m) for m in others]

    def enc(value: Any) -> Any:
        if value is None and optional:
            return None
        for index, test in enumerate(tests):
            if test(value):
                return [index, codecs[index][0](value)]
        raise Unencodable(f"{type(value).__name__} is none of {others!r}")

    def dec(data: Any) -> Any:
        if data is None and optional:
            return None
        if type(data) is not list or len(data) != 2 or type(data[0]) is not int or not 0 <= data[0] < len(codecs):
            _fail(data, "a tagged union member")
        return codecs[data[0]][1](data[1])

    return enc, dec


def _instance_test(tp: Any) -> Callable[[Any], bool]:
    if tp is Any or tp is object:
        return lambda v: True
    kind = typing.get_origin(tp) or tp
    if kind is Literal:
        allowed = typing.get_args(tp)
        return lambda v: v in allowed
    if kind is Sequence:
        kind = tuple
    if kind is Mapping:
        kind = dict
    if kind in (int, float):  # bool is an int to isinstance, not to this converter
        return lambda v: type(v) is kind or (kind is float and type(v) is int)
    return lambda v: isinstance(v, kind)


def _sequence(kind: type, item: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    enc_item, dec_item = item

    def enc(value: Any) -> Any:
        return [enc_item(v) for v in value]

    def dec(data: Any) -> Any:
        if type(data) is not list:
            _fail(data, kind.__name__)
        items = [dec_item(d) for d in data]
        return items if kind is list else kind(items)

    return enc, dec


def _fixed_tuple(items: list[tuple[Encoder, Decoder]]) -> tuple[Encoder, Decoder]:
    def enc(value: Any) -> Any:
        if len(value) != len(items):
            raise Unencodable("tuple of another length")
        return [c[0](v) for c, v in zip(items, value)]

    def dec(data: Any) -> Any:
        if type(data) is not list or len(data) != len(items):
            _fail(data, f"a {len(items)}-tuple")
        return tuple(c[1](d) for c, d in zip(items, data))

    return enc, dec


def _mapping(key: tuple[Encoder, Decoder], value: tuple[Encoder, Decoder], str_keys: bool = False) -> tuple[Encoder, Decoder]:
    enc_key, dec_key = key
    enc_value, dec_value = value
    if str_keys:  # a JSON object

        def enc_object(mapping: Any) -> Any:
            return {k if type(k) is str else _bad_key(k): enc_value(v) for k, v in mapping.items()}

        def dec_object(data: Any) -> Any:
            if type(data) is not dict:
                _fail(data, "a mapping")
            return {k: dec_value(v) for k, v in data.items()}

        return enc_object, dec_object

    def enc(mapping: Any) -> Any:
        return [[enc_key(k), enc_value(v)] for k, v in mapping.items()]

    def dec(data: Any) -> Any:
        if type(data) is not list:
            _fail(data, "a list of pairs")
        out = {}
        for pair in data:
            if type(pair) is not list or len(pair) != 2:
                _fail(pair, "a pair")
            out[dec_key(pair[0])] = dec_value(pair[1])
        return out

    return enc, dec


def _bad_key(key: Any) -> str:
    raise Unencodable(f"a {type(key).__name__} key where str keys are declared")


# `Any` fields (a literal's value, a plan's free-form metadata): scalars as they are, containers
# tagged by kind, so that a tuple comes back a tuple and a set a set.
_SCALARS = (str, int, float, bool, type(None))


def _any_encode(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return {"l": [_any_encode(v) for v in value]}
    if kind is tuple:
        return {"t": [_any_encode(v) for v in value]}
    if kind is set or kind is frozenset:
        return {"s" if kind is set else "f": [_any_encode(v) for v in value]}
    if kind is dict:
        return {"d": [[_any_encode(k), _any_encode(v)] for k, v in value.items()]}
    if kind is bytes:
        return {"b": value.hex()}
    if kind is complex:
        return {"c": [value.real, value.imag]}
    if value is UNKNOWN:
        return {"u": 0}
    if value is Ellipsis:
        return {"e": 0}
    raise Unencodable(f"no plain form for a {kind.__name__}")


def _any_decode(data: Any) -> Any:
    kind = type(data)
    if kind in _SCALARS:
        return data
    if kind is not dict or len(data) != 1:
        _fail(data, "a plain value")
    (tag, inner), = data.items()
    if tag == "u" and inner == 0:
        return UNKNOWN
    if tag == "e" and inner == 0:
        return Ellipsis
    if tag == "b" and type(inner) is str:
        return bytes.fromhex(inner)
    if type(inner) is not list:
        _fail(inner, "a list")
    if tag == "l":
        return [_any_decode(v) for v in inner]
    if tag == "t":
        return tuple(_any_decode(v) for v in inner)
    if tag == "s":
        return {_any_decode(v) for v in inner}
    if tag == "f":
        return frozenset(_any_decode(v) for v in inner)
    if tag == "c" and len(inner) == 2:
        return complex(_number(inner[0]), _number(inner[1]))
    if tag == "d":
        out = {}
        for pair in inner:
            if type(pair) is not list or len(pair) != 2:
                _fail(pair, "a pair")
            out[_any_decode(pair[0])] = _any_decode(pair[1])
        return out
    return _fail(data, "a plain value")
