"""Where nodes are: PositionProvider's syntactic ranges, kept as source offsets, turned into lines on demand.

libcst's ``PositionProvider`` runs a code generation pass that splits every token on newlines and
builds a ``CodeRange`` for every node: about 2.3 times the cost of parsing on the benchmark's
tracking modules. The summary asks for the position of a few hundred nodes per module. This
provider runs the same pass with the same rules (``record_syntactic_position`` overrides, an
existing range is never overwritten) but only adds token lengths and stores ``(start, end)``
offsets. A test checks that every node gets exactly the range ``PositionProvider`` gives it.

It builds on ``CodegenState``, the class ``PositionProvider`` itself extends.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

# Line ends as libcst numbers lines.
_NEWLINE = re.compile(r"\r\n|\r|\n")


class _Syntactic:
    """``record_syntactic_position`` without a generator: it runs for most nodes of a module."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: "_OffsetState", node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = state.offset

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> Literal[False]:
        spans = self.state.spans
        start = spans[id(self.start_node)][0] if self.start_node is not None else self.start
        end = spans[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        spans[id(self.node)] = (start, end)
        return False


@dataclass
class _OffsetState(CodegenState):
    """PositionProvidingCodegenState's bookkeeping with offsets in place of lines and columns."""

    # Keyed by id(): a node's own __hash__ is a Python call, and this runs for every node. The
    # tree keeps every node alive while the spans are in use.
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    offset: int = 0
    popped: str = ""
    _stack: list[int] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        key = id(node)
        if key not in self.spans:  # a syntactic range recorded inside wins, as in PositionProvider
            self.spans[key] = (start, self.offset)

    def pop_trailing_newline(self) -> None:
        # The module's last newline, generated and then dropped for a file without one, still
        # moved PositionProvider's line count: remember it so offsets past the text map the same.
        if self.tokens:
            self.popped = self.tokens[-1]
        super().pop_trailing_newline()

    # A plain context manager where libcst declares its generator-based one: the same protocol
    # without a generator frame per node.
    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class Positions:
    """``positions[node]`` as ``PositionProvider`` would answer it; ``text_of(node)`` slices the source."""

    def __init__(self, module: cst.Module, text: str) -> None:
        state = _OffsetState(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(state)
        self._spans = state.spans
        self._text = text
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text + state.popped)]

    def _position(self, offset: int) -> CodePosition:
        line = bisect_right(self._starts, offset)
        return CodePosition(line, offset - self._starts[line - 1])

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        start, end = self._spans[id(node)]
        return CodeRange(self._position(start), self._position(end))

    def text_of(self, node: cst.CSTNode) -> str:
        start, end = self._spans[id(node)]
        return self._text[start:end]
