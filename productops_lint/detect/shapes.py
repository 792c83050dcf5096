"""Small named predicates over libcst nodes, for the detection hot path.

They stand in for `libcst.matchers`, which costs about 0.24 s to import (it defines a class for
every node type): that alone would double a one-file run as pre-commit makes it. Each predicate
says in its name what shape it accepts, as a matcher would.
"""

from __future__ import annotations

from typing import TypeGuard

import libcst as cst


def is_name(node: cst.CSTNode, *values: str) -> TypeGuard[cst.Name]:
    """A bare name, optionally one of ``values``."""
    return isinstance(node, cst.Name) and (not values or node.value in values)


def is_attribute(node: cst.CSTNode, attr: str | None = None) -> TypeGuard[cst.Attribute]:
    """``x.attr`` (any ``x``), optionally with the given attribute name."""
    return isinstance(node, cst.Attribute) and (attr is None or node.attr.value == attr)


def is_negative_number(node: cst.CSTNode) -> bool:
    """``-1``, ``-2.5``."""
    return (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, (cst.Integer, cst.Float))
    )


def is_binary(node: cst.CSTNode, operator: type[cst.BaseBinaryOp]) -> bool:
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, operator)


def is_boolean(node: cst.CSTNode, operator: type[cst.BaseBooleanOp]) -> bool:
    return isinstance(node, cst.BooleanOperation) and isinstance(node.operator, operator)


def is_string_method(node: cst.CSTNode, method: str) -> bool:
    """``"literal".method`` (e.g. ``"{}".format``)."""
    return is_attribute(node, method) and isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString))


def is_class_name_of(node: cst.CSTNode, self_name: str) -> bool:
    """``self.__class__.__name__`` or ``type(self).__name__``."""
    if not is_attribute(node, "__name__"):
        return False
    inner = node.value
    if is_attribute(inner, "__class__") and is_name(inner.value, self_name):
        return True
    return (
        isinstance(inner, cst.Call)
        and is_name(inner.func, "type")
        and len(inner.args) == 1
        and is_name(inner.args[0].value, self_name)
    )


def is_optional_subscript(node: cst.CSTNode) -> bool:
    """``Optional[...]`` or ``typing.Optional[...]``."""
    return isinstance(node, cst.Subscript) and (is_name(node.value, "Optional") or is_attribute(node.value, "Optional"))


def is_name_method_call(node: cst.CSTNode, method: str) -> bool:
    """``name.method(...)`` on a bare name (``props.update(...)``)."""
    return isinstance(node, cst.Call) and is_attribute(node.func, method) and isinstance(node.func.value, cst.Name)


def single_index_of_name(node: cst.CSTNode) -> tuple[cst.Name, cst.BaseExpression] | None:
    """``name[key]`` with one plain index (``props["key"]``): the name and the key, else None."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            return node.value, index.value
    return None


def single_positional_arg(node: cst.CSTNode, func: str) -> cst.BaseExpression | None:
    """``func(x)`` with one positional argument (``str(self.name)``): ``x``, else None."""
    if isinstance(node, cst.Call) and is_name(node.func, func) and len(node.args) == 1:
        arg = node.args[0]
        if arg.keyword is None and not arg.star:
            return arg.value
    return None


def type_subscript_of(node: cst.CSTNode) -> cst.Name | None:
    """``Type[T]``, ``type[T]`` or ``typing.Type[T]`` with a bare name: ``T``, else None."""
    if not (isinstance(node, cst.Subscript) and (is_name(node.value, "Type", "type") or is_attribute(node.value, "Type"))):
        return None
    if len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.Name):
            return index.value
    return None


def not_equal_to_string(node: cst.CSTNode) -> tuple[cst.BaseExpression, cst.BaseString] | None:
    """``name != "text"`` or ``obj.attr != "text"``: the subject and the string, else None."""
    if isinstance(node, cst.Comparison) and isinstance(node.left, (cst.Name, cst.Attribute)) and len(node.comparisons) == 1:
        target = node.comparisons[0]
        if isinstance(target.operator, cst.NotEqual) and isinstance(target.comparator, cst.SimpleString):
            return node.left, target.comparator
    return None
