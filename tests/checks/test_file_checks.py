"""PO001-PO003 are checks like any other: in the catalogue, explained by `rule`, selectable by code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from productops_lint.checks import all_checks, code_problem
from productops_lint.cli import main
from productops_lint.engine import syntax_error_position
from productops_lint.sources import oversized_message


@pytest.mark.parametrize(("code", "name"), [("PO001", "unparsable-file"), ("PO002", "undecodable-file"), ("PO003", "oversized-file")])
def test_rule_explains_each_file_check(code: str, name: str) -> None:
    run = CliRunner().invoke(main, ["rule", code])

    assert run.exit_code == 0, run.output
    assert run.output.startswith(f"# {code} {name}\n")
    assert "the check inspects no tracking call itself" in run.output


def test_rule_all_lists_the_file_checks_first() -> None:
    run = CliRunner().invoke(main, ["rule", "--all"])

    assert [line.split()[0] for line in run.output.splitlines()[:3]] == ["PO001", "PO002", "PO003"]


def test_file_checks_never_report_on_a_call() -> None:
    # The engine emits them from reading and parsing; their per-call entry point has nothing to add.
    from check_helpers import example_plan, make_call

    from productops_lint.checks.base import CheckContext

    for code in ("PO001", "PO002", "PO003"):
        assert list(all_checks()[code]().check_call(make_call("Order Completed"), CheckContext(example_plan()))) == []


@pytest.mark.parametrize("code", ["PO001", "PO0", "PO", "PO3", "PO302"])
def test_codes_and_prefixes_that_match_a_check_pass(code: str) -> None:
    assert code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("P0002", "`P0002` matches no check (did you mean `PO002`?)"),
        ("PO9", "`PO9` matches no check"),
        ("po101", "`po101` matches no check (did you mean `PO101`?)"),
        ("", "empty code"),
    ],
)
def test_codes_that_match_nothing_say_so_with_a_hint(code: str, problem: str) -> None:
    assert code_problem(code) == problem


def test_syntax_error_position_uses_pythons_own_position_and_wording() -> None:
    source = 'import analytics\n\nanalytics.track("user-1", "Order Completed"))\n'

    assert syntax_error_position(source) == (3, 44, "unmatched ')'")


def test_syntax_error_position_of_valid_source_is_none() -> None:
    assert syntax_error_position("import analytics\n\nanalytics.track('user-1', 'Order Completed')\n") is None


def test_syntax_error_position_of_a_null_byte_is_the_start_of_the_file() -> None:
    line, col, message = syntax_error_position("import analytics\n\0\n")  # type: ignore[misc]

    assert (line, col) == (1, 0) and "null bytes" in message


@pytest.mark.parametrize(
    ("limit", "size"), [(4 * 1024 * 1024, "4 MiB"), (512 * 1024, "512 KiB"), (64, "64 bytes"), (1536, "1536 bytes")]
)
def test_oversized_message_names_the_limit_in_a_readable_unit(limit: int, size: str) -> None:
    assert oversized_message(limit) == f"File is larger than {size} and was not analyzed"


def test_syntax_error_position_is_not_misled_by_warnings(recwarn: pytest.WarningsRecorder) -> None:
    import warnings

    source = 'import re\n\nPATTERN = re.compile("\\d+")\nif True\n    pass\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under `python -W error`
        found = syntax_error_position(source)

    assert found is not None and found[0] == 4 and found[2] == "expected ':'"
    assert not recwarn.list
