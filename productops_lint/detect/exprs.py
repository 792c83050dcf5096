"""Turn libcst expressions into abstract values and callee references, using scope analysis."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any, Sequence

import libcst as cst
from libcst.metadata import BuiltinAssignment, ClassScope, GlobalScope, ImportAssignment

from .combine import CYCLE, checked, combine, empty_default, flatten, static_parts
from .refs import RefFinder
from .shapes import (
    is_attribute,
    is_boolean,
    is_class_name_of,
    is_name,
    is_negative_number,
    is_string_method,
)
from .tables import LocalTables
from .values import (
    Arg,
    CallVal,
    Concat,
    DecoratedName,
    DictItem,
    DictVal,
    Element,
    ListVal,
    Lit,
    Param,
    Ref,
    Returned,
    SelfClassName,
    Str,
    Template,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from .summarize import _Collector

# Re-exported: the summarizer imports it from here.
__all__ = ["ExprConverter", "LocalTables"]

_MAX_DEPTH = 8  # also in refs.py
_PERCENT_HOLE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]")
_TYPING = ("typing", "typing_extensions")
_FORMAT_HOLE = re.compile(r"\{[^{}]*\}")


class ExprConverter(RefFinder):
    """Expression -> Value / refs, in the context of the collector's current position."""

    def __init__(self, collector: "_Collector") -> None:
        super().__init__(collector)
        self._evaluating: set[int] = set()

    # -- values --------------------------------------------------------------------------
    def value(self, node: cst.BaseExpression, const: str | None = None, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return Unknown("too many indirections")
        if isinstance(node, (cst.Name, cst.Attribute)):
            narrowed = self._narrowed(node)
            if narrowed is not None:
                return self.value(narrowed, None, depth + 1)
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            if isinstance(text, bytes):
                return Unknown("bytes literal")
            return Str(text, self.c.span(node), self.c.code(node), self.c.path, const)
        if isinstance(node, cst.ConcatenatedString):
            return flatten(self.value(node.left, None, depth), self.value(node.right, None, depth))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, depth)
        if isinstance(node, (cst.Integer, cst.Float)):
            return Lit(ast.literal_eval(node.value))
        if is_name(node, "True", "False", "None"):
            return Lit({"True": True, "False": False, "None": None}[node.value])
        if is_negative_number(node):
            return Lit(-ast.literal_eval(node.expression.value))  # type: ignore[attr-defined]
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return flatten(self.value(node.left, None, depth + 1), self.value(node.right, None, depth + 1))
            if isinstance(node.operator, cst.Modulo):
                left = self.value(node.left, None, depth + 1)
                if isinstance(left, Str):
                    return Template(static_parts(_PERCENT_HOLE, left.value))
            return Unknown("arithmetic")
        if is_boolean(node, cst.Or):
            left = self.value(node.left, None, depth + 1)  # type: ignore[attr-defined]
            right = self.value(node.right, None, depth + 1)  # type: ignore[attr-defined]
            if isinstance(left, Param) and empty_default(right):
                return left  # `props or {}`: the parameter, defaulted
            return Unknown("boolean expression")
        if isinstance(node, cst.Call):
            return self._call_value(node, depth)
        if isinstance(node, cst.Dict):
            return self._dict(node, depth)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return ListVal(tuple(self.value(el.value, None, depth + 1) for el in node.elements))
        if isinstance(node, cst.Name):
            return self._name_value(node, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute_value(node, depth)
        return Unknown(type(node).__name__)

    def _narrowed(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The string a guard above this use pins the expression to (`if x.name != "A": return`)."""
        func = self.c.ctx.function
        guards = self.c.narrowed.get(func[0]) if func else None
        if not guards:
            return None
        code = self.c.code(node)
        line = self.c.span(node).start_line
        return next((literal for subject, literal, after in guards if subject == code and line > after), None)

    def _attribute_value(self, node: cst.Attribute, depth: int) -> Value:
        func = self.c.ctx.function
        self_name = func[3] if func else None
        if self_name and is_class_name_of(node, self_name):
            return SelfClassName()
        if node.attr.value == "__name__" and isinstance(node.value, cst.Name) and self._outer_param(node.value):
            return DecoratedName(node.value.value)
        # `event.name` on a parameter: the attribute of whatever each caller passes, so wrappers
        # that take an event object can be followed (an annotation would only name the base class).
        path: list[str] = []
        base: cst.BaseExpression = node
        while isinstance(base, cst.Attribute):
            path.insert(0, base.attr.value)
            base = base.value
        if isinstance(base, cst.Name) and base.value != self_name:
            root = self._name_value(base, depth + 1)
            if isinstance(root, Param) and not root.star:
                return Param(root.name, root.index, attrs=(*root.attrs, *path))
        refs = self.refs(node, depth)
        return Ref(refs) if refs else Unknown("attribute of an unknown object")

    def _fstring(self, node: cst.FormattedString, depth: int) -> Value:
        parts: list[Value] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Str(part.value.replace("{{", "{").replace("}}", "}")))
            elif not isinstance(part, cst.FormattedStringExpression) or part.conversion or part.format_spec:
                parts.append(Unknown("formatted hole"))
            else:
                parts.append(self.value(part.expression, None, depth + 1))
        if not parts:
            return Str("", self.c.span(node), self.c.code(node), self.c.path)
        # Mark f-strings so a fully static one still reads as a template when a hole is unknown.
        return Concat(tuple(parts)) if len(parts) > 1 else flatten(parts[0])

    def _call_value(self, node: cst.Call, depth: int) -> Value:
        func = node.func
        if is_string_method(func, "format"):
            fmt = self.value(func.value, None, depth + 1)  # type: ignore[attr-defined]
            if isinstance(fmt, Str):
                return Template(static_parts(_FORMAT_HOLE, fmt.value))
            return Unknown("format of a non-literal")
        if is_name(func, "dict") and self._is_builtin(func):
            items: list[DictItem] = []
            spreads: list[Value] = []
            for arg in node.args:
                if arg.keyword is not None:
                    items.append(self._item(arg.keyword, Str(arg.keyword.value), arg.value, depth))
                else:
                    spreads.append(self.value(arg.value, None, depth + 1))
            return DictVal(tuple(items), tuple(spreads))
        if is_name(func, "str") and self._is_builtin(func) and len(node.args) == 1 and not node.args[0].star:
            # `str(event.action)`: a string (or str subclass) stays what it is.
            return self.value(node.args[0].value, None, depth + 1)
        if is_attribute(func, "encode") and isinstance(func.value, cst.Call):
            # `json.dumps(payload).encode()`: the bytes say what the string says.
            return self.value(func.value, None, depth + 1)
        if isinstance(func, cst.Name) and self._outer_param(func):
            return Returned(func.value)
        refs = self.refs(func, depth)
        if refs == ("typing.cast",) and len(node.args) == 2 and not node.args[1].star:
            return self.value(node.args[1].value, None, depth + 1)  # `cast(T, value)` is `value`
        if refs:
            return CallVal(refs, self.args(node.args, depth + 1))
        return Unknown("result of a call")

    def _outer_param(self, node: cst.Name) -> bool:
        """Whether ``node`` is a parameter of an enclosing function (a decorator's ``func``)."""
        scope = self.c.scopes.get(node)
        if scope is None:
            return False
        found = list(scope[node.value])
        return len(found) == 1 and isinstance(getattr(found[0], "node", None), cst.Param) and found[0].scope is not scope

    def _item(self, key_node: cst.CSTNode, key: Value, value_node: cst.BaseExpression, depth: int) -> DictItem:
        return DictItem(
            key=key,
            key_span=self.c.span(key_node),
            key_source=self.c.code(key_node),
            value=self.value(value_node, None, depth + 1),
            value_span=self.c.span(value_node),
        )

    def _dict(self, node: cst.Dict, depth: int) -> DictVal:
        items: list[DictItem] = []
        spreads: list[Value] = []
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                items.append(self._item(el.key, self.value(el.key, None, depth + 1), el.value, depth))
            else:
                spreads.append(self.value(el.value, None, depth + 1))
        return DictVal(tuple(items), tuple(spreads))

    def _is_builtin(self, node: cst.Name) -> bool:
        scope = self.c.scopes.get(node)
        return scope is not None and all(isinstance(a, BuiltinAssignment) for a in scope[node.value])

    def _name_value(self, node: cst.Name, depth: int) -> Value:
        scope = self.c.scopes.get(node)
        if scope is None:
            return Unknown("no scope")
        values: list[Value] = []
        local_scope = None
        for a in scope[node.value]:
            if isinstance(a, BuiltinAssignment):
                values.append(Unknown("builtin"))
            elif isinstance(a, ImportAssignment):
                names = self.c.import_names(node)
                values.append(Ref(names) if names else Unknown("import"))
            elif isinstance(a.scope, GlobalScope):
                values.append(Ref((f"{self.c.module}.{node.value}",)))
            elif isinstance(a.scope, ClassScope):
                qual = self.c.def_quals.get(id(a.scope.node))
                values.append(Ref((f"{qual}.{node.value}",)) if qual else Unknown("class attribute"))
            else:
                local_scope = a.scope
                values.append(self._local_value(node, a, depth))
        combined = checked(values) or combine(values)
        if isinstance(combined, Element):
            return Unknown("bound by unpacking")  # only a validator's rebinding is followed
        if local_scope is not None:
            # `props[KEY] = v` / `props.update(...)` after binding: keys added to whatever was bound,
            # a parameter included (then the function adds KEY to what its caller gave).
            if isinstance(combined, Param) and not combined.star and not combined.attrs:
                added = self._with_additions(DictVal((), (combined,)), node.value, local_scope, depth)
                return added if added.items else combined
            if isinstance(combined, DictVal):
                return self._with_additions(combined, node.value, local_scope, depth)
            if isinstance(combined, CallVal):
                # `payload = build(...); payload["event"] = X`: keys set over what the builder returns.
                added = self._with_additions(DictVal((), (combined,)), node.value, local_scope, depth)
                return added if added.items else combined
        return combined

    def literal_annotation(self, node: cst.BaseExpression, const: str | None = None) -> Value | None:
        """The one string `Literal["x"]` (or `Final[Literal["x"]]`) allows: what the name holds."""
        if not isinstance(node, cst.Subscript) or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        kinds = {r.rpartition(".")[2] for r in self.refs(node.value) if r.partition(".")[0] in _TYPING}
        inner = node.slice[0].slice.value
        if "Final" in kinds:
            return self.literal_annotation(inner, const)
        if "Literal" in kinds and isinstance(inner, cst.SimpleString) and isinstance(inner.evaluated_value, str):
            return self.value(inner, const)
        return None

    def _local_value(self, node: cst.Name, a: Any, depth: int) -> Value:
        bound = a.node
        if isinstance(bound, cst.Param) and bound.annotation is not None:
            literal = self.literal_annotation(bound.annotation.annotation)
            if literal is not None:
                return literal  # `event: Literal["Signed Up"]`: callers can pass nothing else
        if isinstance(bound, cst.Param):
            func = self.c.ctx.function
            if func is None or a.scope is not self.c.scopes.get(node):
                return Unknown("parameter of an enclosing function")
            qual, params, owner, self_name = func
            if owner and bound.name.value == self_name:
                return Ref((f"{owner}()",))
            for p in params:
                if p.name == bound.name.value:
                    return Param(p.name, p.index, p.star)
            return Unknown("parameter")
        if isinstance(bound, (cst.FunctionDef, cst.ClassDef)):
            qual = self.c.def_quals.get(id(bound))
            return Ref((qual,)) if qual else Unknown("local definition")
        annotation = self.c.tables.annotated.get(id(bound))
        literal = self.literal_annotation(annotation) if annotation is not None else None
        if literal is not None:
            return literal  # `name: Literal["Signed Up"] = pick()`
        expr = self.c.tables.assigned.get(id(bound))
        unpacked = self.c.tables.unpacked.get(id(bound)) if expr is None else None
        if unpacked is not None:
            return self._element(bound, *unpacked, depth)
        if expr is None:
            return Unknown("bound by a loop, `with` or unpacking")
        if id(bound) in self._evaluating:
            return CYCLE  # `props = props or {}` reads the name it binds
        self._evaluating.add(id(bound))
        try:
            return self.value(expr, None, depth + 1)
        finally:
            self._evaluating.discard(id(bound))

    def _element(self, bound: cst.CSTNode, expr: cst.BaseExpression, at: int, depth: int) -> Value:
        """`a, b = f(a, b)`: element ``at`` of the call's result, or of a tuple written out."""
        if id(bound) in self._evaluating:
            return CYCLE
        self._evaluating.add(id(bound))
        try:
            value = self.value(expr, None, depth + 1)
        finally:
            self._evaluating.discard(id(bound))
        if isinstance(value, ListVal) and isinstance(expr, (cst.Tuple, cst.List)) and at < len(value.items):
            return value.items[at]
        return Element(value, at) if isinstance(value, CallVal) else Unknown("bound by unpacking")

    def _with_additions(self, value: DictVal, name: str, scope: Any, depth: int) -> DictVal:
        items = list(value.items)
        for target, key, added, key_node in self.c.tables.dict_additions:
            if target.value != name or self.c.scopes.get(target) is not scope:
                continue
            key_value = Str(key_node.value) if key is None else self.value(key, None, depth + 1)  # type: ignore[attr-defined]
            items.append(self._item(key_node, key_value, added, depth))
        return DictVal(tuple(items), value.spreads)

    def args(self, args: Sequence[cst.Arg], depth: int = 0) -> tuple[Arg, ...]:
        out: list[Arg] = []
        for a in args:
            arg = Arg(
                keyword=a.keyword.value if a.keyword else None,
                value=self.value(a.value, None, depth),
                span=self.c.span(a.value),
                source=self.c.code(a.value),
                star=a.star if isinstance(a.star, str) else "",
            )
            out.extend(_spread_keywords(arg))
        return tuple(out)


def _spread_keywords(arg: Arg) -> tuple[Arg, ...]:
    """`f(**error)` with `error = dict(action=..., total=...)` visible: the keywords it spreads."""
    value = arg.value
    if arg.star != "**" or not isinstance(value, DictVal) or value.spreads or not value.items:
        return (arg,)
    keys = [item.key.value if isinstance(item.key, Str) and item.key.value.isidentifier() else None for item in value.items]
    if None in keys or len(set(keys)) != len(keys):
        return (arg,)
    return tuple(Arg(key, item.value, item.value_span, item.key_source) for key, item in zip(keys, value.items))
