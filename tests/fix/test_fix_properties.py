"""Fixing generated code through the CLI: whatever the layout, it gives the intended code, and a second pass does nothing.

Each generated scenario renders twice: as written (misspelt, deprecated and removed names, misspelt
keys) and as the fixes should leave it. The second rendering is the oracle for the first after
`check --fix --unsafe-fixes`, byte for byte.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from cli.cli_helpers import Project, python_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# (as written, what the fixes make of it): case/separator variants and lifecycle renames are safe
# fixes, a close misspelling is unsafe.
NAMES = (
    ("order completed", "Order Completed"),
    ("order_completed", "Order Completed"),
    ("ORDER-COMPLETED", "Order Completed"),
    ("Checkout Stared", "Checkout Started"),
    ("Signed Up", "Account Created"),
    ("Coupon Applied", "Checkout Started"),
    ("Order Completed", "Order Completed"),
    ("Account Created", "Account Created"),
)
# Per plan event: required keys, then optional ones, each as (as written, intended, value source).
KEYS: dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]] = {
    "Order Completed": ((("order_id", "order_id", '"o-1"'),), (("revenu", "revenue", "12.5"), ("revenue", "revenue", "3"))),
    "Checkout Started": ((), (("cart_valu", "cart_value", "1.0"), ("cart_value", "cart_value", "2"))),
    "Account Created": ((), (("plann", "plan", '"pro"'), ("plan", "plan", '"free"'))),
}
WRAPPER = "def track_event(name, props=None):{nl}{i}analytics.track(\"user-1\", name, props){nl}"
BLOCKS = (
    "def handler(user_id):",
    "if ready:",
    "for item in items:",
    "with lock:",
    "async def handler():",
    "while pending:",
)
EXTRAS = (
    "x   =   [1,2 ,3]  # odd spacing stays",
    'note = "order completed"  # a string, not a tracking call',
    "text = \"analytics.track('u', 'Signed Up')\"",
    "# Signed Up is mentioned in this comment only",
    "pass",
    "total = (1 +{nl}{i}2)",
    # Not line breaks to Python, though str.splitlines treats them as such.
    "# page break \x0c here",
    "# a line separator \u2028 in a comment",
)


@dataclass(frozen=True)
class Literal:
    prefix: str
    quote: str
    # Implicit concatenation of two halves (not one literal, so never rewritten).
    concatenated: bool

    def render(self, value: str) -> str:
        if not self.concatenated:
            return f"{self.prefix}{self.quote}{value}{self.quote}"
        cut = len(value) // 2
        return f"{self.prefix}{self.quote}{value[:cut]}{self.quote} {self.quote}{value[cut:]}{self.quote}"


@dataclass(frozen=True)
class Call:
    name: tuple[str, str]
    literal: Literal
    # "literal" at the call, "local" constant, "imported" from app.events, "attribute" events.NAME.
    where: str
    # The constant is also printed, so it must not be renamed.
    shared: bool
    shape: str  # segment, posthog, wrapper
    keys: tuple[tuple[str, str, str], ...]
    key_quote: str  # a quote, or "dict" for dict(key=value)
    exploded: bool
    comment: bool
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    calls: tuple[Call, ...]
    newline: str
    indent: str
    extras: tuple[str, ...]
    final_newline: bool

    def name_fixed(self, call: Call) -> bool:
        return not call.literal.concatenated and not call.shared

    def files(self, fixed: bool) -> dict[str, str]:
        nl, ind = self.newline, self.indent
        head = ['"""Generated module."""', "import analytics", "import posthog"]
        constants, events, shared, body = [], ['"""Event names."""'], [], []
        imported = []
        for n, call in enumerate(self.calls):
            written, intended = call.name
            final = intended if fixed and self.name_fixed(call) else written
            event = call.literal.render(final)
            const = f"EVENT_{n}"
            if call.where == "local":
                constants.append(f"{const} = {event}")
                event = const
            elif call.where in ("imported", "attribute"):
                events.append(f"{const} = {event}")
                event = const if call.where == "imported" else f"events.{const}"
                if call.where == "imported":
                    imported.append(const)
            if call.shared:
                shared.append(f"print({event})")
            keys_fixed = fixed and final == intended
            body.append(self._call(call, event, keys_fixed))
        if imported:
            head.append(f"from app.events import {', '.join(imported)}")
        if any(c.where == "attribute" for c in self.calls):
            head.append("from app import events")
        wrapper = [WRAPPER.format(nl=nl, i=ind).rstrip(nl)] if any(c.shape == "wrapper" for c in self.calls) else []
        extras = [e.format(nl=nl, i=ind) for e in self.extras]
        parts = head + constants + wrapper + shared + extras + body
        main = nl.join(parts) + (nl if self.final_newline else "")
        files = {"app/__init__.py": "", "app/main.py": main}
        if len(events) > 1:
            files["app/events.py"] = nl.join(events) + nl
        return files

    def _call(self, call: Call, event: str, keys_fixed: bool) -> str:
        nl, ind = self.newline, self.indent
        depth = len(call.blocks)
        args: list[str]
        props = self._props(call, keys_fixed, depth + 1) if call.keys or call.shape != "wrapper" else None
        if call.shape == "segment":
            func, args = "analytics.track", ['"user-1"', event] + ([props] if props else [])
        elif call.shape == "posthog":
            func, args = "posthog.capture", ['"user-1"', f"event={event}"] + ([f"properties={props}"] if props else [])
        else:
            func, args = "track_event", [event] + ([props] if props else [])
        if call.exploded:
            inner = ind * (depth + 1)
            lines = []
            for a in args:
                note = "  # the name ProductOps chose" if call.comment and event in a else ""
                lines.append(f"{inner}{a},{note}")
            if call.comment:
                lines.insert(0, f"{inner}# sent once per checkout")
            text = f"{func}({nl}" + nl.join(lines) + f"{nl}{ind * depth})"
        else:
            text = f"{func}({', '.join(args)})"
        lines = [f"{ind * i}{b}" for i, b in enumerate(call.blocks)]
        return nl.join(lines + [ind * depth + text])

    def _props(self, call: Call, keys_fixed: bool, depth: int) -> str:
        pairs = [(intended if keys_fixed else written, value) for written, intended, value in call.keys]
        if call.key_quote == "dict":
            return "dict(" + ", ".join(f"{k}={v}" for k, v in pairs) + ")"
        q = call.key_quote
        items = [f"{q}{k}{q}: {v}" for k, v in pairs]
        if call.exploded and items:
            inner = self.indent * (depth + 1)
            return "{" + self.newline + "".join(f"{inner}{item},{self.newline}" for item in items) + self.indent * depth + "}"
        return "{" + ", ".join(items) + "}"


@st.composite
def calls(draw: st.DrawFn) -> Call:
    name = draw(st.sampled_from(NAMES))
    literal = Literal(
        prefix=draw(st.sampled_from(["", "", "r", "u", "R", "U"])),
        quote=draw(st.sampled_from(['"', "'", '"""', "'''"])),
        concatenated=draw(st.booleans()) and draw(st.booleans()),
    )
    where = draw(st.sampled_from(["literal", "literal", "local", "imported", "attribute"]))
    shared = where in ("local", "imported") and draw(st.booleans()) and draw(st.booleans())
    required, optional = KEYS[name[1]]
    keys = required + tuple(draw(st.lists(st.sampled_from(optional), max_size=1)))
    blocks = tuple(draw(st.lists(st.sampled_from(BLOCKS), max_size=2)))
    return Call(
        name=name,
        literal=literal,
        where=where,
        shared=shared,
        shape=draw(st.sampled_from(["segment", "posthog", "wrapper"])),
        keys=keys,
        key_quote=draw(st.sampled_from(['"', "'", "dict"])),
        exploded=draw(st.booleans()),
        comment=draw(st.booleans()),
        blocks=blocks,
    )


scenarios = st.builds(
    Scenario,
    calls=st.lists(calls(), min_size=1, max_size=3).map(tuple),
    newline=st.sampled_from(["\n", "\r\n"]),
    indent=st.sampled_from(["    ", "  ", "\t"]),
    extras=st.lists(st.sampled_from(EXTRAS), max_size=3).map(tuple),
    final_newline=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios)
def test_fixing_gives_the_intended_code_which_parses_and_a_second_pass_changes_nothing(scenario: Scenario) -> None:
    written, intended = scenario.files(fixed=False), scenario.files(fixed=True)
    for rel, text in written.items():
        compile(text, rel, "exec")  # the generator itself only writes valid Python
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "proj")
        project.write_files(written)

        first = project.run("check", "--fix", "--unsafe-fixes", "--no-cache")
        fixed = python_files(project)
        second = project.run("check", "--fix", "--unsafe-fixes", "--no-cache")

        assert "Traceback" not in first.output and "not applied" not in first.stderr, first.output
        assert fixed == {rel: text.encode() for rel, text in intended.items()}
        for rel, data in fixed.items():
            compile(data, rel, "exec")
            cst.parse_module(data)
        assert python_files(project) == fixed
        assert "Fixed" not in second.stderr
