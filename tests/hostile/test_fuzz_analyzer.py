"""Generated sources and mutated standard-library files through `check`, `calls` and `check --fix`.

Whatever the input: no traceback, an exit code the docs list, every fixed file parses again, and a
second `--fix` changes nothing.
"""

from __future__ import annotations

import json
import sysconfig
import tempfile
from pathlib import Path

import libcst as cst
from cli.cli_helpers import Project, python_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Fixed and reproducible in CI: the same examples every run, nothing remembered between runs.
BOUNDED = settings(
    max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Names the small plan of cli_helpers knows, misspells, renames or never heard of.
EVENTS = ("Order Completed", "order completed", "Checkout Stared", "Signed Up", "Coupon Applied", "Nope Happened")
KEYS = ("order_id", "revenu", "cart_valu", "plan", "plann", "email")


@st.composite
def tracking_calls(draw: st.DrawFn) -> str:
    """One tracking call, in single quotes so that it also fits inside a double-quoted f-string."""
    event = repr(draw(st.sampled_from(EVENTS))).replace('"', "'")
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=2, unique=True))
    props = "{" + ", ".join(f"'{k}': 1" for k in keys) + "}"
    shape = draw(st.sampled_from(["plain", "props", "kw", "posthog", "star", "starstar", "starlist", "chained"]))
    return {
        "plain": f"analytics.track('u', {event})",
        "props": f"analytics.track('u', {event}, {props})",
        "kw": f"analytics.track(user_id='u', event={event}, properties={props})",
        "posthog": f"posthog.capture('u', event={event}, properties={props})",
        "star": f"analytics.track(*args, {event})",
        "starstar": f"analytics.track('u', {event}, **{props})",
        "starlist": f"analytics.track(*['u', {event}], {props})",
        "chained": f"analytics.track('u', {event}).result",
    }[shape]


# Each context puts the call (`CALL`) where Python allows an expression; each leading `~` is one indent.
CONTEXTS = (
    "CALL",
    "def outer():\n~def inner():\n~~return CALL\n~return inner",
    "handler = lambda *args: CALL",
    "items = [CALL for _ in range(2)]",
    "items = {k: CALL for k in 'ab' if CALL}",
    "items = list(CALL for _ in ())",
    "@register(CALL)\ndef decorated():\n~pass",
    "class Model:\n~sent = CALL\n~def method(self, x=CALL):\n~~CALL",
    'label = f"{CALL!r:>10}"',
    "if (result := CALL) is not None:\n~print(result)",
    "match command:\n~case {'k': value} if CALL:\n~~CALL\n~case [first, *rest]:\n~~CALL\n~case _:\n~~pass",
    "async def handler():\n~await CALL\n~async with lock:\n~~CALL\n~async for x in feed():\n~~CALL",
    "try:\n~CALL\nexcept (KeyError, ValueError) as exc:\n~CALL\nelse:\n~CALL\nfinally:\n~CALL",
    "try:\n~pass\nexcept* OSError:\n~CALL",
    "with open('f') as f, lock:\n~CALL",
    "while pending:\n~CALL\nelse:\n~CALL",
    "def gen():\n~yield CALL\n~yield from [CALL]",
    "value: int = CALL",
    "x = CALL if ready else CALL",
    "assert CALL, CALL",
    "def f(*args, **kwargs):\n~global counter\n~return CALL[0:1]",
)


@st.composite
def generated_sources(draw: st.DrawFn) -> str:
    """A module of a few contexts, each call drawn on its own."""
    indent = draw(st.sampled_from(["    ", "\t"]))
    blocks = []
    for context in draw(st.lists(st.sampled_from(CONTEXTS), min_size=1, max_size=4)):
        pieces = context.split("CALL")
        text = pieces[0] + "".join(draw(tracking_calls()) + rest for rest in pieces[1:])
        blocks.append("\n".join(indent * (len(line) - len(line.lstrip("~"))) + line.lstrip("~") for line in text.split("\n")))
    return "import analytics\nimport posthog\n\n" + "\n\n".join(blocks) + "\n"


def _stdlib_files() -> list[Path]:
    """Small, plain modules of the running interpreter's standard library, in a fixed order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.glob("*.py") if 2_000 < p.stat().st_size < 40_000)


STDLIB = _stdlib_files()


@st.composite
def mutated_stdlib(draw: st.DrawFn) -> str:
    """A real module with lines deleted, duplicated or swapped, a call inserted, or its tail cut off."""
    source = draw(st.sampled_from(STDLIB)).read_text(encoding="utf-8", errors="surrogateescape")
    source = source.encode("utf-8", "replace").decode("utf-8")
    lines = source.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "insert", "swap", "truncate"]))
        if op == "delete":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "insert":
            # Indented as the line it goes before, so it often lands inside a function or class.
            line = lines[at]
            lines.insert(at, line[: len(line) - len(line.lstrip())] + draw(tracking_calls()) + "\n")
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
            del lines[at + 1 :]
    return "import analytics\nimport posthog\n" + "".join(lines)


def _run(project: Project, *args: str) -> str:
    run = project.run(*args, "--no-cache", "--format", "json")
    assert "Traceback" not in run.output, run.output
    # 0 clean, 1 findings; 2 (usage, config, rule files) cannot come from a source file.
    assert run.exit_code in (0, 1), run.output
    json.loads(run.stdout)
    return run.stdout


def _check_everything(files: dict[str, str]) -> list[dict[str, object]]:
    """Every property of a run over ``files``; returns what `calls` listed."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "proj")
        project.write_files(files)
        before = python_files(project)

        _run(project, "check")
        calls: list[dict[str, object]] = json.loads(_run(project, "calls"))
        _run(project, "check", "--fix", "--unsafe-fixes")
        once = python_files(project)
        _run(project, "check", "--fix", "--unsafe-fixes")
        twice = python_files(project)

        for rel, data in once.items():
            if data != before[rel]:
                cst.parse_module(data)  # raises if a fix broke the file
        assert twice == once, "a second --fix changed what the first left"
        return calls


@BOUNDED
@given(st.lists(generated_sources(), min_size=1, max_size=2))
def test_generated_tracking_calls_in_every_context_never_crash_and_fix_idempotently(sources: list[str]) -> None:
    files = {f"app/m{i}.py": text for i, text in enumerate(sources)}
    for rel, text in files.items():
        compile(text, rel, "exec")  # the generator itself only writes valid Python
    calls = _check_everything(files)
    written = sum(text.count("analytics.track(") + text.count("posthog.capture(") for text in sources)
    assert len(calls) == written, "every call written, in whatever context, is found"


@BOUNDED
@given(mutated_stdlib())
def test_mutated_standard_library_modules_never_crash_and_fix_idempotently(source: str) -> None:
    _check_everything({"app/mod.py": source})
