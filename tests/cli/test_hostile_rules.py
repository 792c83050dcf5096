"""Hostile rule files and paths: slow user regexes, `!!python` tags and FIFOs end with `file:line: reason`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .cli_helpers import PYPROJECT, Project

# Catastrophic even for the `regex` engine: fib(40) ways to split the `a`s before the `!` fails.
SLOW = "^(a|aa)+$"
VICTIM = "a" * 40 + "!"
# Bounds the test, never asserted on: before the fix these runs never ended.
HANG_GUARD_SECONDS = 120


def _plan(pii: str, prop: str = VICTIM, pattern: str | None = None) -> str:
    declared = f"{{type: string, pattern: '{pattern}'}}" if pattern else "string"
    return textwrap.dedent(f"""\
        conventions:
          pii_patterns:
            - '{pii}'
        events:
          - name: Order Completed
            description: An order was paid.
            properties:
              {prop}: {declared}
        """)


def _cli(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """The real console script, in a subprocess with a tiny regex time bound."""
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}
    env.pop("PRODUCTOPS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "productops_lint", *args], cwd=project.root, env=env,
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )


def _project(tmp_path: Path, plan: str, code: str) -> Project:
    project = Project(tmp_path / "proj", plan=plan, pyproject=PYPROJECT)
    project.write("app/orders.py", code)
    return project


CALL = f'import analytics\n\nanalytics.track("u", "Order Completed", {{"{VICTIM}": "x"}})\n'


def test_the_issues_pii_pattern_no_longer_hangs_check_or_registry_check(tmp_path: Path) -> None:
    project = _project(tmp_path, _plan("^(a+)+$"), CALL)

    check = _cli(project, "check", "--no-cache", "--format", "json")
    registry = _cli(project, "registry", "check")

    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["diagnostics"] == []
    assert registry.returncode == 0, registry.stdout + registry.stderr
    assert "Traceback" not in check.stderr + registry.stderr


def test_a_pii_pattern_too_slow_is_reported_at_its_line_by_check(tmp_path: Path) -> None:
    project = _project(tmp_path, _plan(SLOW, prop="order_id"), CALL)

    run = _cli(project, "check", "--no-cache")

    assert run.returncode == 2, run.stdout + run.stderr
    assert "rules/plan.yaml:3:7: pattern too slow" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_pii_pattern_too_slow_is_one_problem_of_registry_check(tmp_path: Path) -> None:
    plan = _plan(SLOW).replace("              ", f"              {VICTIM}x: string\n              ", 1)
    project = _project(tmp_path, plan, CALL)

    run = _cli(project, "registry", "check")

    assert run.returncode == 1, run.stdout + run.stderr
    output = run.stdout + run.stderr
    assert output.count("pattern too slow") == 1, output
    assert "rules/plan.yaml:3:7: pattern too slow" in output


def test_a_property_value_pattern_too_slow_is_reported_at_the_property(tmp_path: Path) -> None:
    code = f'import analytics\n\nanalytics.track("u", "Order Completed", {{"code": "{VICTIM}"}})\n'
    project = _project(tmp_path, _plan("e[-_]?mail", prop="code", pattern=SLOW), code)

    run = _cli(project, "check", "--no-cache")

    assert run.returncode == 2, run.stdout + run.stderr
    assert "rules/plan.yaml:8:7: pattern too slow" in run.stderr


def _library(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )


def test_a_ticket_pattern_too_slow_stops_the_commit_msg_hook_with_exit_2(tmp_path: Path) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text(VICTIM + "\n")
    env = {**os.environ, "PRODUCTOPS_REGEX_TIMEOUT": "0.02"}

    run = subprocess.run(
        [sys.executable, "-c", "import sys; from productops_lint.hooks import ticket_main; sys.exit(ticket_main())",
         "--pattern", "(a|aa)+$", str(message)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )

    assert run.returncode == 2, run.stdout + run.stderr
    assert "pattern too slow" in run.stderr


def test_the_pr_checks_ticket_keys_and_checklist_patterns_are_bounded(tmp_path: Path) -> None:
    run = _library(tmp_path, f"""
        from productops_lint.pr.config import matcher
        from productops_lint.registry.model import TicketRules
        from productops_lint.registry.pr_rules import ChecklistItem
        from productops_lint.types import Location, UserError
        for attempt in (
            lambda: matcher(TicketRules(pattern="(a|aa)+$", location=Location("rules/t.yaml", 4, 3))).find({VICTIM!r}),
            lambda: ChecklistItem("flag", "Flag", auto="feature-flag", pattern={SLOW!r},
                                  location=Location("rules/c.yaml", 9, 5)).regex().search({VICTIM!r}),
        ):
            try:
                attempt()
            except UserError as exc:
                print(exc)
        """)

    assert run.returncode == 0, run.stderr
    assert "rules/t.yaml:4:3: pattern too slow" in run.stdout
    assert "rules/c.yaml:9:5: pattern too slow" in run.stdout


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!python/tuple [1, 2]", "!!python/tuple"),
        ("!!python/object/apply:os.system ['true']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
    ],
)
def test_a_python_tag_is_named_as_not_allowed(tmp_path: Path, value: str, tag: str) -> None:
    project = Project(tmp_path / "proj", plan=f"owner: {value}\nevents: []\n")

    run = project.run("registry", "check")

    assert run.exit_code == 1
    assert f"rules/plan.yaml:1:8: tag {tag} is not allowed" in run.output
    assert "must be" not in run.output, "the tag is named, not the type it left behind"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_on_the_command_line_is_not_a_regular_file(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj")
    os.mkfifo(project.root / "pipe.py")

    run = project.run("check", "pipe.py")

    assert run.exit_code == 2
    assert "pipe.py: not a regular file" in run.stderr


def _laughs(levels: int) -> str:
    """A "billion laughs": each of ``levels`` anchors lists the one before ten times (10**levels values)."""
    names = "abcdefghijklmnop"[:levels]
    text = f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for before, name in zip(names, names[1:]):
        text += f"{name}: &{name} [" + ", ".join([f"*{before}"] * 10) + "]\n"
    return text


def _merge_bomb(levels: int) -> str:
    """Each mapping merges the one before twice: PyYAML's merge keys expanded naively double each level."""
    text = "m0: &m0 {k: 1}\n"
    for i in range(1, levels):
        text += f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {{x: *m{i - 1}}}}}\n"
    return text


EVENT = "  - name: Order Completed\n    description: An order was paid.\n"

# (rule file, where and what `registry check` and `check` report). Each stops in bounded time and
# memory: the alias bombs would expand to 10**10 values, the nesting would overflow PyYAML's
# recursive composer.
HOSTILE_RULES = {
    "malformed-yaml": (
        "events:\n  - name: Order Completed\n   description: x\n",
        "rules/plan.yaml:3:4: invalid YAML: expected <block end>, but found '<block mapping start>'",
    ),
    "wrong-type": ("events: 3\n", "rules/plan.yaml:1:9: `events` must be a list, not a number"),
    "wrong-type-inside": (
        "events:\n" + EVENT + "    properties: [order_id]\n",
        "rules/plan.yaml:4:17: `properties` of event `Order Completed` must be a mapping or empty, not a list",
    ),
    "duplicate-keys": (
        "events:\n" + EVENT + "    description: Again.\n",
        "rules/plan.yaml:4:5: duplicate key `description` (first at line 3)",
    ),
    "billion-laughs": (_laughs(10) + "events: []\n", "rules/plan.yaml:5:1: `e` expands to more than 100000 values through aliases"),
    "merge-key-bomb": (_merge_bomb(40) + "events: []\n", "rules/plan.yaml:11:1: `m10` expands to more than 100000 values through aliases"),
    "deep-flow-lists": ("events: " + "[" * 5000 + "]" * 5000 + "\n", "rules/plan.yaml:1:72: nested more than 64 levels deep"),
    "deep-flow-mappings": ("events: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "rules/plan.yaml:1:261: nested more than 64 levels deep"),
    "deep-block-mappings": (
        "".join("  " * i + f"k{i}:\n" for i in range(3000)) + "  " * 3000 + "v\n",
        "rules/plan.yaml:65:129: nested more than 64 levels deep",
    ),
    "binary-tag": ("owner: !!binary aGVsbG8=\nevents: []\n", "rules/plan.yaml:1:8: unsupported YAML tag `!!binary`"),
    "nul-character": ("events: []\n\x00\n", "rules/plan.yaml:2:1: invalid YAML: special characters are not allowed"),
    "enormous": ("# " + "x" * 1000 + "\n" + ("#" * 1023 + "\n") * 17 * 1024 + "events: []\n",
                 "rules/plan.yaml:1:1: the rule file is 17 MB; the limit is 16 MB"),
}


@pytest.mark.parametrize("name", list(HOSTILE_RULES))
def test_a_hostile_rule_file_is_one_located_error_for_registry_check_and_check(tmp_path: Path, name: str) -> None:
    text, expected = HOSTILE_RULES[name]
    project = Project(tmp_path / "proj", plan=text)
    project.write("app/orders.py", 'import analytics\n\nanalytics.track("u", "Order Completed")\n')

    registry = project.run("registry", "check")
    check = project.run("check", "--no-cache")

    assert registry.exit_code == 1, registry.output
    assert registry.stdout.startswith(expected), registry.output
    assert check.exit_code == 2, check.output
    assert check.stderr.startswith(f"error: {expected}"), check.output
    assert "Traceback" not in registry.output + check.output


def test_a_plan_of_50000_events_loads_and_its_mistakes_are_located(tmp_path: Path) -> None:
    """Before, a plan this size was refused as if it were an alias bomb (more than 200,000 values)."""
    events = "".join(f"  - name: Event Number {i}\n    description: Event {i}.\n    owner: shop\n" for i in range(50_000))
    mistakes = "  - name: Event Number 7\n    description: Again.\n  - name: Odd One\n    description: 3\n"
    project = Project(tmp_path / "proj", plan="events:\n" + events + mistakes)

    run = project.run("registry", "check")

    assert run.exit_code == 1, run.output[:2000]
    last = 1 + 3 * 50_000
    assert run.stdout.splitlines() == [
        f"rules/plan.yaml:{last + 1}:11: event `Event Number 7` is declared twice (first at rules/plan.yaml:23:11)",
        f"rules/plan.yaml:{last + 4}:18: `description` of event `Odd One` must be text, not a number",
        "Found 2 errors in 1 rule file",
    ], run.output[:2000]


def _limited_memory() -> None:
    """Run in the child before it starts: a regression that unrolls a pattern fails there, not the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


# 19 characters the `regex` engine would unroll into four billion items (it died of MemoryError), and
# a nesting that overflowed the recursive compilers of both `re` and `regex` (an internal error).
UNROLLED = "(?:x{65535}){65535}"
NESTED = "(a|b|" * 5000 + "c" + ")" * 5000
TOO_LARGE = "is too large: more than 100000 items once its counted repeats `{n}` are unrolled"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="bounds the child's memory with setrlimit")
@pytest.mark.parametrize(
    ("pattern", "reason"), [(UNROLLED, TOO_LARGE), (NESTED, "is nested too deeply to compile")], ids=["unrolled", "nested"]
)
def test_a_pattern_too_large_or_deep_to_compile_is_located_by_registry_check_and_check(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    plan = _plan(pattern, prop="code", pattern=pattern)
    project = _project(tmp_path, plan, 'import analytics\n\nanalytics.track("u", "Order Completed", {"code": "x"})\n')
    env = {k: v for k, v in os.environ.items() if k != "PRODUCTOPS_DEBUG"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "productops_lint", *args], cwd=project.root, env=env,
                              capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, preexec_fn=_limited_memory)

    registry, check = cli("registry", "check"), cli("check", "--no-cache")

    assert registry.returncode == 1, registry.stdout + registry.stderr
    assert registry.stdout.splitlines()[:2] == [
        f"rules/plan.yaml:3:7: `conventions.pii_patterns[0]` {reason}",
        f"rules/plan.yaml:8:37: `pattern` of property `code` of event `Order Completed` {reason}",
    ]
    assert check.returncode == 2, check.stderr
    assert check.stderr.startswith(f"error: rules/plan.yaml:3:7: `conventions.pii_patterns[0]` {reason}")
    assert "Traceback" not in registry.stderr + check.stderr and "internal error" not in check.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="bounds the child's memory with setrlimit")
def test_a_ticket_pattern_too_large_stops_the_commit_msg_hook_with_exit_2(tmp_path: Path) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("SHOP-1 fix\n")

    run = subprocess.run(
        [sys.executable, "-c", "import sys; from productops_lint.hooks import ticket_main; sys.exit(ticket_main())",
         "--pattern", UNROLLED, str(message)],
        cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, preexec_fn=_limited_memory,
    )

    assert run.returncode == 2, run.stdout + run.stderr
    assert f"ticket pattern `{UNROLLED}` {TOO_LARGE}" in run.stderr
