"""Bad input: broken files become one finding and the run goes on; broken config exits 2 with `file:line`."""

from __future__ import annotations

import json
import os

import pytest

from .cli_helpers import Project

FINDING = 'import analytics\n\nanalytics.track("u", "Checkout Stared")\n'


def findings(project: Project, *args: str) -> list[tuple[str, int, str]]:
    run = project.run("check", "--format", "json", *args)
    assert "Traceback" not in run.output
    return [(d["path"], d["line"], d["code"]) for d in json.loads(run.stdout)["diagnostics"]]


def test_a_syntax_error_is_one_finding_for_that_file_and_the_run_goes_on(project: Project) -> None:
    project.write("app/broken.py", 'import analytics\nanalytics.track("u", "Signed Up"\n\ndef f(:\n    pass\n')
    project.write("app/good.py", FINDING)

    found = findings(project)

    assert [(path, code) for path, _, code in found] == [("app/broken.py", "PO001"), ("app/good.py", "PO101")]


# Nesting CPython refuses: libcst's parser overflowed its stack on the first two (the process died
# with SIGSEGV) and ran for minutes on the third; the last is valid Python, too deep for the walks.
# Each imports an SDK, so the pre-filter hands it to the parser.
PATHOLOGICAL = {
    "app/brackets.py": ("x = " + "[" * 3000 + "1" + "]" * 3000, "too many nested parentheses"),
    "app/attributes.py": ("x = " + "a." * 50000 + "b", "too deeply nested for Python to parse"),
    "app/operators.py": ("x = " + "1+" * 100000 + "1", "too deeply nested for Python to parse"),
    "app/long_sum.py": ("x = " + "1+" * 2000 + "1", "too deeply nested to analyze"),
}


def test_nesting_too_deep_to_parse_is_one_finding_and_never_kills_the_run(project: Project) -> None:
    """Run in a subprocess: a regression here crashes the interpreter, which must not take pytest along."""
    import subprocess
    import sys

    for path, (text, _) in PATHOLOGICAL.items():
        project.write(path, f"import analytics\n{text}\n")
    project.write("app/good.py", FINDING)
    run = subprocess.run(
        [sys.executable, "-m", "productops_lint", "check", "--format", "json", "--no-cache", "--jobs", "1"],
        cwd=project.root, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1, run.stderr
    found = {d["path"]: (d["code"], d["message"]) for d in json.loads(run.stdout)["diagnostics"]}
    for path, (_, reason) in PATHOLOGICAL.items():
        assert found[path][0] == "PO001" and reason in found[path][1], path
    assert found["app/good.py"][0] == "PO101"


def test_undecodable_bytes_are_one_finding_for_that_file(project: Project) -> None:
    project.write("app/binary.py", b'import analytics\nanalytics.track("u", "\xff\xfe")\n')
    project.write("app/unknown_codec.py", b"# coding: no-such-codec\nimport analytics\n")
    project.write("app/good.py", FINDING)

    found = findings(project)

    assert found == [("app/binary.py", 1, "PO002"), ("app/good.py", 3, "PO101"), ("app/unknown_codec.py", 1, "PO002")]


def test_empty_and_whitespace_only_files_are_fine(project: Project) -> None:
    project.write("app/__init__.py", "")
    project.write("app/blank.py", "\n\n   \n")
    project.write("app/bom_only.py", b"\xef\xbb\xbf")

    run = project.run("check")

    assert run.exit_code == 0
    assert run.stdout == "All checks passed (3 files checked)\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
@pytest.mark.parametrize("args", [(), ("app/loop",), ("app",)], ids=["whole-project", "through-the-link", "folder"])
def test_a_folder_symlink_to_its_parent_is_not_followed_forever(project: Project, args: tuple[str, ...]) -> None:
    project.write("app/good.py", FINDING)
    os.symlink("..", project.root / "app" / "loop")

    assert findings(project, *args) == [("app/good.py", 3, "PO101")]


def test_broken_yaml_exits_2_with_file_line_and_reason(project: Project) -> None:
    project.write("rules/plan.yaml", "events:\n  - name: Order Completed\n    description: [unclosed\n")
    project.write("app/good.py", FINDING)

    run = project.run("check")

    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.startswith("error: rules/plan.yaml:4:1: invalid YAML: ")
    assert "Traceback" not in run.output


def test_invalid_rules_exit_2_listing_each_problem_with_its_line(project: Project) -> None:
    project.write(
        "rules/plan.yaml",
        "events:\n"
        "  - name: Order Completed\n"
        "    description: Paid.\n"
        "    properties:\n"
        "      revenue: {type: nubmer}\n"
        "  - name: Order Completed\n"
        "    description: Twice.\n",
    )
    project.write("app/good.py", FINDING)

    run = project.run("check")

    assert run.exit_code == 2
    assert "error: rules/plan.yaml:5:" in run.stderr and "not `nubmer` (did you mean `number`?)" in run.stderr
    assert "error: rules/plan.yaml:6:" in run.stderr
    assert "Traceback" not in run.output


def test_a_rule_file_that_is_not_utf8_exits_2(project: Project) -> None:
    project.write("rules/plan.yaml", b"events:\n  - name: Caf\xe9 Opened\n    description: x\n")

    run = project.run("check")

    assert run.exit_code == 2
    assert "error: rules/plan.yaml: not valid UTF-8" in run.stderr


def test_an_unknown_config_key_exits_2_naming_its_line_with_a_suggestion(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "shop"\n\n[tool.productops]\nregistry = ["rules"]\nselct = ["PO1"]\n')
    project.write("app/good.py", FINDING)

    run = project.run("check")

    assert run.exit_code == 2
    assert run.stderr == "error: pyproject.toml:6:1: unknown option `tool.productops.selct` (did you mean `select`?)\n"


@pytest.mark.parametrize(
    ("table", "line", "reason"),
    [
        ('registry = ["rules"]\nexclude = 3\n', 3, "`exclude` must be a list of strings"),
        ('registry = ["rules"]\ninfer-wrappers = "yes"\n', 3, "`infer-wrappers` must be true or false"),
        ('registry = ["rules"]\n\n[tool.productops.severity]\nPO101 = "fatal"\n', 5, "unknown severity `fatal`"),
    ],
)
def test_a_bad_config_value_exits_2_naming_its_line(project: Project, table: str, line: int, reason: str) -> None:
    project.write("pyproject.toml", "[tool.productops]\n" + table)

    run = project.run("check")

    assert run.exit_code == 2
    assert run.stderr.startswith(f"error: pyproject.toml:{line}:")
    assert reason in run.stderr


def test_invalid_toml_exits_2(project: Project) -> None:
    project.write("pyproject.toml", "[tool.productops\nregistry = 1\n")

    run = project.run("check")

    assert run.exit_code == 2
    assert "error: pyproject.toml" in run.stderr and "invalid TOML" in run.stderr
    assert "Traceback" not in run.output


def test_a_broken_baseline_exits_2_with_its_line(project: Project) -> None:
    project.write("app/good.py", FINDING)
    project.write("baseline.json", '{\n  "version": 1,\n  "findings": [\n    {"fingerprint": }\n  ]\n}\n')

    run = project.run("check", "--baseline", "baseline.json")

    assert run.exit_code == 2
    assert run.stderr.startswith("error: baseline.json:4:")
    assert "invalid JSON in baseline" in run.stderr
