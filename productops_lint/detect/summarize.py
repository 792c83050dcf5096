"""Phase one: parse a module once with libcst and record a ModuleSummary (tracker-agnostic, cacheable)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import libcst as cst
from libcst.metadata import (
    BuiltinAssignment,
    ClassScope,
    GlobalScope,
    ImportAssignment,
)

from ..syntax import syntax_error_position, too_deeply_nested
from ..types import Span
from .definitions import (
    DATACLASS_DECORATORS,
    decorator_callee,
    is_classvar,
    narrowing_guards,
    type_arg,
)
from .exprs import ExprConverter
from .handoff import RUNNER_METHODS, ParamCall, handed_off
from .imports import ImportsMixin
from .modules import absolutize, module_name, span_of
from .passthrough import passable
from .positions import Positions
from .scopes import scopes
from .shapes import is_attribute, is_name, single_positional_arg
from .tables import LocalTables
from .unique import UNKNOWN_ROOT
from .values import (
    CallSite,
    ClassInfo,
    DictVal,
    FunctionInfo,
    Lit,
    ModuleSummary,
    Param,
    ParamInfo,
    Ref,
    ReturnSite,
    Symbol,
    Unknown,
    Value,
)
from .walk import ReadOnlyTraversal

_SELF_NAMES = frozenset({"self", "cls", "mcs", "mcls", "metacls", "klass", "_self", "_cls"})
_ENUM_BASES = ("enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag")
_STR_ENUM_BASES = ("enum.StrEnum", "builtins.str", "str")


# An enclosing function: (qualname, parameters, owning class when a method, the name of its `self`).
_Frame = tuple[str, tuple[ParamInfo, ...], str | None, str | None]


class _Context:
    """Where the visitor is: the enclosing classes and functions."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str, _Frame | None]] = []  # (kind, qualname, the function's frame)

    @property
    def function(self) -> _Frame | None:
        for kind, _qual, info in reversed(self.stack):
            if kind == "function":
                return info
        return None

    @property
    def direct_class(self) -> str | None:
        if self.stack and self.stack[-1][0] == "class":
            return self.stack[-1][1]
        return None


class _Collector(ReadOnlyTraversal, ImportsMixin, cst.CSTVisitor):
    """Walks the module once, read-only, filling the summary tables."""

    def __init__(self, tree: cst.Module, source: str, path: str, module: str, is_package: bool) -> None:
        super().__init__()
        self.path, self.module, self.is_package = path, module, is_package
        self.scopes = scopes(tree)
        self.source_module = tree
        self.text = source  # what tree.code would regenerate: libcst round-trips byte for byte
        self.positions = Positions(tree, self.text)
        self.tables = LocalTables.of(tree)
        self.ctx = _Context()
        self.conv = ExprConverter(self)
        self.symbols: dict[str, list[Value]] = {}
        self.symbol_kinds: dict[str, str] = {}
        self.classes: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.calls: list[CallSite] = []
        self.param_calls: list[ParamCall] = []
        self.runner_calls: list[CallSite] = []
        # Function -> (expression source, the string it equals, the guard's last line).
        self.narrowed: dict[str, list[tuple[str, cst.BaseExpression, int]]] = {}
        self.imports: dict[str, str] = {}
        self.attr_reads: dict[str, int] = {}
        self.imported_locals: set[str] = set()
        self.def_quals: dict[int, str] = {}
        self._import_cache: dict[tuple[int, str], tuple[str, ...]] = {}
        self.returns: dict[str, list[ReturnSite]] = {}
        self.return_refs: dict[str, set[str]] = {}
        self.return_dicts: dict[str, Value] = {}
        self.return_count: dict[str, int] = {}
        # Function -> the values its returns hand back, when built from its parameters (`passes`).
        self.return_passes: dict[str, list[Value | None]] = {}
        # Names each function declares `global`: assigning them binds the module's name.
        self.globals: dict[str, set[str]] = {}
        # The `self`/`cls` parameter of each method -> its class, for nested functions and lambdas.
        self.self_params: dict[int, str] = {}

    def close(self) -> None:
        """Drop the converter, which points back here.

        The two would otherwise form a cycle that keeps the whole tree, its positions and tables
        alive until the cycle collector finds them: half of what a worker's collections scan.
        """
        del self.conv

    # -- helpers the expression converter uses -------------------------------------------
    def span(self, node: cst.CSTNode) -> Span:
        return span_of(self.positions[node])

    def code(self, node: cst.CSTNode) -> str:
        # A slice of the original text: regenerating code for every argument costs a codegen pass.
        return self.positions.text_of(node)

    def _qual(self, name: str) -> str:
        outer = self.ctx.stack[-1][1] if self.ctx.stack else self.module
        return f"{outer}.{name}"

    # -- definitions ---------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qual = self._qual(node.name.value)
        self.def_quals[id(node)] = qual
        bases: list[str] = []
        for base in node.bases:
            bases.extend(self.conv.refs(base.value))
            if is_name(base.value, "str"):
                bases.append("builtins.str")
        is_enum = any(b.endswith(_ENUM_BASES) or b in _ENUM_BASES for b in bases)
        self.classes[qual] = {
            "bases": tuple(bases),
            "attrs": {},
            "methods": [],
            "is_enum": is_enum,
            "is_str_enum": is_enum and any(b in _STR_ENUM_BASES for b in bases),
            "fields": [],
            "is_dataclass": any(
                r in DATACLASS_DECORATORS for d in node.decorators for r in self._decorator_refs(decorator_callee(d.decorator))
            ),
            "str_attr": None,
        }
        if not self.ctx.stack:
            self.symbol_kinds[node.name.value] = "class"
            self.symbols.setdefault(node.name.value, [])
        self.ctx.stack.append(("class", qual, None))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.ctx.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qual = self._qual(node.name.value)
        self.def_quals[id(node)] = qual
        owner = self.ctx.direct_class
        is_static = any(is_name(d.decorator, "staticmethod") for d in node.decorators)
        is_classmethod = any(is_name(d.decorator, "classmethod") for d in node.decorators)
        first = node.params.params[0].name.value if node.params.params else (
            node.params.posonly_params[0].name.value if node.params.posonly_params else ""
        )
        # A function in a class body whose first parameter is not `self`/`cls` is used as a plain
        # function (a decorator applied as `@Track.decorator`), not as a method.
        plain = not is_classmethod and first not in _SELF_NAMES
        shift = 1 if owner and not is_static and not plain else 0
        params: list[ParamInfo] = []
        positional = [*node.params.posonly_params, *node.params.params]
        for i, p in enumerate(positional):
            params.append(ParamInfo(p.name.value, i - shift if i >= shift else None))
        if isinstance(node.params.star_arg, cst.Param):
            params.append(ParamInfo(node.params.star_arg.name.value, None, "*"))
        for p in node.params.kwonly_params:
            params.append(ParamInfo(p.name.value, None))
        if node.params.star_kwarg is not None:
            params.append(ParamInfo(node.params.star_kwarg.name.value, None, "**"))
        decorators = tuple(self._decorator_refs(d.decorator) for d in node.decorators)
        return_types = self.conv.annotation_refs(node.returns.annotation) if node.returns else ()
        info = FunctionInfo(
            qual, tuple(params), self.span(node), decorators, (), return_types,
            decorator_spans=tuple(self.span(d) for d in node.decorators),
            type_arg=type_arg(node, positional, shift),
        )
        self.functions[qual] = info
        if owner:
            self.classes[owner]["methods"].append(node.name.value)
        if not self.ctx.stack:
            self.symbol_kinds[node.name.value] = "function"
            self.symbols.setdefault(node.name.value, [])
        self_name = positional[0].name.value if shift and positional else None
        if self_name and owner:
            self.self_params[id(positional[0])] = owner
        self.ctx.stack.append(("function", qual, (qual, tuple(params), owner if self_name else None, self_name)))
        self._narrowings(qual, node)

    def _narrowings(self, qual: str, node: cst.FunctionDef) -> None:
        for subject, literal, stmt in narrowing_guards(node):
            self.narrowed.setdefault(qual, []).append((self.code(subject), literal, self.span(stmt).end_line))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        qual = self.ctx.stack.pop()[1]
        if qual in self.returns:
            self.functions[qual] = replace(self.functions[qual], returns=tuple(self.returns.pop(qual)))
        if qual in self.return_refs:
            self.functions[qual] = replace(self.functions[qual], return_refs=tuple(sorted(self.return_refs.pop(qual))))
        returned = self.return_dicts.pop(qual, None)
        if isinstance(returned, DictVal) and self.return_count.get(qual) == 1:
            self.functions[qual] = replace(self.functions[qual], return_dict=returned)
        passes = self.return_passes.pop(qual, None)
        if passes and passes[0] is not None and all(p == passes[0] for p in passes):
            self.functions[qual] = replace(self.functions[qual], passes=passes[0])

    def visit_Global(self, node: cst.Global) -> None:
        func = self.ctx.function
        if func is not None:
            self.globals.setdefault(func[0], set()).update(n.name.value for n in node.names)

    def _decorator_refs(self, node: cst.BaseExpression) -> tuple[str, ...]:
        refs = self.conv.refs(node)
        if not refs and isinstance(node, cst.Name):
            return (node.value,)  # a builtin: `property`, `staticmethod`
        return refs

    def visit_Return(self, node: cst.Return) -> None:
        func = self.ctx.function
        if func is None or node.value is None:
            return
        if is_name(node.value, "None"):
            return  # `return None` on a failure path leaves the dict the builder returns otherwise
        self.return_count[func[0]] = self.return_count.get(func[0], 0) + 1
        returned: Value | None = None
        if isinstance(node.value, (cst.Dict, cst.Name, cst.Call, cst.Tuple)):
            # `return {...}`, `return event` (a local dict), `return cast(T, {...})`: a payload builder.
            returned = self.conv.value(node.value)
            if isinstance(returned, DictVal):
                self.return_dicts[func[0]] = returned
        # `return item`, `return a, b`: what a validator hands back of what it was given.
        self.return_passes.setdefault(func[0], []).append(returned if returned is not None and passable(returned) else None)
        # What a getter hands back: `return _client`, `return cls._instance`, `return Posthog(key)`.
        refs = self.conv.refs(node.value)
        if refs:
            self.return_refs.setdefault(func[0], set()).update(refs)
        self._str_attr(func, node.value)
        # Only decorated functions: their returns feed event-sending decorators and properties.
        if not self.functions[func[0]].decorators:
            return
        value = node.value
        elements = value.elements if isinstance(value, cst.Tuple) else None
        nodes = [e.value for e in elements] if elements is not None else [value]
        args = self.conv.args([cst.Arg(n) for n in nodes])
        site = ReturnSite(self.span(node), args, elements is not None)
        self.returns.setdefault(func[0], []).append(site)

    def _str_attr(self, func: _Frame, value: cst.BaseExpression) -> None:
        """`def __str__(self): return self.name` (or `__repr__`): the attribute an instance prints as."""
        qual, _, owner, self_name = func
        method = qual.rpartition(".")[2]
        if not owner or method not in ("__str__", "__repr__") or not self_name:
            return
        value = single_positional_arg(value, "str") or value
        if is_attribute(value) and is_name(value.value, self_name):
            info = self.classes[owner]
            # `__str__` wins over `__repr__`, as `str()` looks it up first.
            if method == "__str__" or info["str_attr"] is None or info["str_attr"][0] != "__str__":
                info["str_attr"] = (method, value.attr.value)

    # -- bindings ------------------------------------------------------------------------
    def _bound_value(self, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None, const: str | None) -> Value | None:
        """What a name or attribute is bound to; an object of unknown origin falls back to its type.

        ``self.client = client`` (an annotated parameter) and ``client: Posthog`` (declared, assigned
        elsewhere) both tell which class the attribute holds, which is what callee resolution needs.
        """
        literal = self.conv.literal_annotation(annotation, const) if annotation is not None else None
        if literal is not None:
            return literal  # `EVENT: Literal["Order Completed"] = ...`: what a type checker holds it to
        converted = self.conv.value(value, const=const) if value is not None else None
        # `client: Optional[Posthog] = None` is a placeholder: the annotation says what it will hold.
        if converted is not None and not isinstance(converted, (Param, Unknown)) and converted != Lit(None):
            return converted
        refs = self.conv.refs(value) if value is not None else ()
        if not refs and annotation is not None:
            refs = tuple(f"{r}()" for r in self.conv.annotation_refs(annotation))
        if refs:
            return Ref(refs)
        return converted

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            func = self.ctx.function
            declared_global = func is not None and target.value in self.globals.get(func[0], ())
            if not self.ctx.stack or declared_global:
                bound = self._bound_value(value, annotation, f"{self.module}.{target.value}")
                if bound is not None:
                    self.symbols.setdefault(target.value, []).append(bound)
            elif self.ctx.direct_class:
                cls = self.ctx.direct_class
                bound = self._bound_value(value, annotation, f"{cls}.{target.value}")
                if bound is not None:
                    self.classes[cls]["attrs"].setdefault(target.value, []).append(bound)
        elif is_attribute(target) and isinstance(target.value, cst.Name):
            func = self.ctx.function
            if func and func[2] and target.value.value == func[3]:
                bound = self._bound_value(value, annotation, None)
                if isinstance(bound, Param) and (bound.star or not func[0].endswith(".__init__")):
                    # Only a constructor's parameters are filled where the class is built.
                    bound = Unknown("set from a method's parameter")
                if bound is not None:
                    attrs = self.classes[func[2]]["attrs"]
                    attrs.setdefault(target.attr.value, []).append(bound)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        cls = self.ctx.direct_class
        if cls and isinstance(node.target, cst.Name) and not is_classvar(node.annotation.annotation):
            self.classes[cls]["fields"].append(node.target.value)  # a dataclass field, in order
        self._bind(node.target, node.value, node.annotation.annotation)

    def _super_init(self, node: cst.Call) -> None:
        """`super().__init__(action=X)` in `__init__`: the instance's attribute `action` is X.

        Event classes pass their fixed name to the base class (a dataclass field, or a base
        `__init__` that stores its parameters under their own names).
        """
        func = self.ctx.function
        if func is None or not func[2] or not func[0].endswith(".__init__"):
            return
        callee = node.func
        if not (is_attribute(callee, "__init__") and isinstance(callee.value, cst.Call)):
            return
        if not is_name(callee.value.func, "super"):
            return
        attrs = self.classes[func[2]]["attrs"]
        for arg in node.args:
            if arg.keyword is not None and not arg.star:
                attrs.setdefault(arg.keyword.value, []).append(self.conv.value(arg.value))

    def visit_Call(self, node: cst.Call) -> None:
        self._super_init(node)
        refs = self.conv.refs(node.func)
        func = self.ctx.function
        if not refs:
            if func is not None and isinstance(node.func, cst.Name):
                called = self.conv.value(node.func)
                if isinstance(called, Param) and not called.star:  # `fn(*args, **kwargs)`: a trampoline
                    self.param_calls.append(ParamCall(func[0], called.name, self.conv.args(node.args)))
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in RUNNER_METHODS:
                # `loop.run_in_executor(None, send, ...)` on an object of unknown type: still a hand-off.
                site = CallSite(self.span(node), (node.func.attr.value,), self.conv.args(node.args), func[0] if func else None)
                self.runner_calls.append(site)
                return
            refs = self._untyped_chain(node.func)
            if not refs:
                return
        self.calls.append(
            CallSite(
                span=self.span(node),
                refs=refs,
                args=self.conv.args(node.args),
                function=func[0] if func else None,
                func_source=self.code(node.func),
            )
        )

    def _untyped_chain(self, func: cst.BaseExpression) -> tuple[str, ...]:
        """`telemetry.log_api` on an untyped parameter, `order.user.analytics.track` on a local of
        unknown origin: the ref `?.log_api` (`?.user.analytics.track`), resolved by unique name."""
        segs: list[str] = []
        node, called = func, ""
        while isinstance(node, (cst.Attribute, cst.Call)):
            if isinstance(node, cst.Call):
                if called:
                    return ()
                node, called = node.func, "()"
                continue
            segs.insert(0, node.attr.value + called)
            node, called = node.value, ""
        if called:
            return ()
        if not segs or not isinstance(node, cst.Name):
            return ()
        scope = self.scopes.get(node)
        if scope is None or any(isinstance(a, (BuiltinAssignment, ImportAssignment)) for a in scope[node.value]):
            return ()  # a builtin or an import is a known object, not an untyped one
        return (UNKNOWN_ROOT + ".".join(segs),)

    # -- result --------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        # Only names bound by an import: `events.SHARED` reads the constant `SHARED` of `events`.
        base = node.value
        if isinstance(base, cst.Name) and base.value in self.imported_locals:
            for module in self.import_names(base):
                key = f"{module}.{node.attr.value}"
                self.attr_reads[key] = self.attr_reads.get(key, 0) + 1

    def reads(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for scope in set(self.scopes.values()):
            if isinstance(scope, GlobalScope):
                for assignment in scope.assignments:
                    if isinstance(assignment, BuiltinAssignment):
                        continue
                    counts[assignment.name] = counts.get(assignment.name, 0) + len(assignment.references)
                break
        return counts

    def summary(self) -> ModuleSummary:
        classes = {
            q: ClassInfo(
                qualname=q,
                bases=c["bases"],
                attrs={k: tuple(v) for k, v in c["attrs"].items()},
                methods=tuple(c["methods"]),
                is_enum=c["is_enum"],
                is_str_enum=c["is_str_enum"],
                fields=tuple(c["fields"]) if c["is_dataclass"] else (),
                str_attr=c["str_attr"][1] if c["str_attr"] else None,
            )
            for q, c in self.classes.items()
        }
        symbols = {k: Symbol(tuple(v), self.symbol_kinds.get(k, "value")) for k, v in self.symbols.items()}
        return ModuleSummary(
            path=self.path,
            module=self.module,
            symbols=symbols,
            classes=classes,
            functions=self.functions,
            calls=(*self.calls, *handed_off(self.calls, self.runner_calls, self.param_calls, self.functions)),
            reads=self.reads(),
            imports=self.imports,
            attr_reads=self.attr_reads,
        )


def summarize(path: str, module: str, source: str) -> ModuleSummary:
    """Parse ``source`` and summarize it; a syntax error yields an empty summary carrying the error."""
    is_package = path.endswith("__init__.py")
    nesting = too_deeply_nested(source)
    if nesting is not None:
        # libcst's parser crashes the process, or runs for minutes, on some of these.
        return ModuleSummary(path, module, {}, {}, {}, (), {}, {}, error=nesting)
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        message = exc.message if hasattr(exc, "message") else str(exc).splitlines()[0]
        # CPython names the real cause and place; libcst lists the tokens it expected instead.
        error = syntax_error_position(source) or (exc.raw_line, exc.raw_column, message)
        return ModuleSummary(path, module, {}, {}, {}, (), {}, {}, error=error)
    except RecursionError:
        return ModuleSummary(path, module, {}, {}, {}, (), {}, {}, error=(1, 0, "too deeply nested to parse"))
    try:
        # The metadata walks run in the constructor; any of them may hit the recursion limit.
        collector = _Collector(tree, source, path, module, is_package)
        try:
            tree.visit(collector)
            return collector.summary()
        finally:
            collector.close()
    except RecursionError:
        return ModuleSummary(path, module, {}, {}, {}, (), {}, {}, error=(1, 0, "too deeply nested to analyze"))


__all__ = ["summarize", "module_name", "absolutize", "span_of", "ClassScope", "ImportAssignment"]
