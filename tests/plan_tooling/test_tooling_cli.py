"""The coverage, diff, docs, export and import commands, with rule files and calls injected."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from plan_tooling_helpers import call

from productops_lint.registry.tooling_cli import ToolingIO, install_io, register_tooling

WORKING = """
events:
  - name: Order Completed
    description: A customer paid for an order.
    owner: checkout
    properties:
      order_id: {type: string, required: true}
  - name: Cart Viewed
    description: Looked at the cart.
    owner: checkout
"""
MAIN = WORKING + """
  - name: Banner Clicked
    description: A promotional banner was clicked.
"""
CALLS = [call("Order Completed", "shop/pay.py", 10), call("Banner Clicked", "web/banner.py", 4)]


def _group(io: ToolingIO) -> click.Group:
    @click.group()
    @click.pass_context
    def registry(ctx: click.Context) -> None:
        install_io(ctx, io)

    register_tooling(registry)
    return registry


def _io(rules=None, calls=CALLS, inputs=None) -> ToolingIO:
    rules = rules or {None: WORKING, "main": MAIN}

    def read_rule_files(spec):
        if spec not in rules:
            from productops_lint.types import UserError

            raise UserError(f"no rule files at `{spec}`")
        return [("rules/plan.yaml", rules[spec])]

    def read_calls():
        if calls is None:
            raise AssertionError("calls were read although --no-calls was given")
        return calls

    return ToolingIO(read_rule_files, read_calls, lambda name: (inputs or {})[name])


def run(args, **io_args):
    return CliRunner().invoke(_group(_io(**io_args)), args)


def test_coverage_text_and_fail_under():
    result = run(["coverage"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Coverage: 50.0% (1 of 2 active events tracked)")
    assert "Banner Clicked  web/banner.py:4" in result.stdout
    failed = run(["coverage", "--fail-under", "75"])
    assert failed.exit_code == 1
    assert "Coverage 50.0% is under 75%" in failed.stderr
    assert run(["coverage", "--fail-under", "50"]).exit_code == 0


def test_coverage_json():
    data = json.loads(run(["coverage", "--format", "json"]).stdout)
    assert data["dead"] == ["Cart Viewed"]


def test_diff_against_a_revision_flags_removed_events_still_tracked():
    result = run(["diff", "main"])
    assert result.exit_code == 0
    assert "! Event `Banner Clicked` removed (still tracked at web/banner.py:4)" in result.stdout
    assert run(["diff", "main", "--fail-on-breaking"]).exit_code == 1


def test_diff_without_calls_does_not_read_them_and_cannot_see_breakage():
    result = run(["diff", "main", "--no-calls", "--fail-on-breaking"], calls=None)
    assert result.exit_code == 0, result.output
    assert "Call sites were not checked" in result.stdout


def test_diff_markdown_between_two_given_plans():
    result = run(["diff", "main", "main", "--format", "markdown"])
    assert result.stdout == "### Tracking plan changes\n\nNo changes to the tracking plan.\n"
    md = run(["diff", "main", "--format", "markdown", "--limit", "1"]).stdout
    assert "#### ⚠️ Breaking" in md


def test_docs_prints_the_catalog():
    out = run(["docs"]).stdout
    assert out.startswith("# Tracking plan\n")
    assert "Tracked at:\n- `shop/pay.py:10`" in out
    assert "Tracked at" not in run(["docs", "--no-calls"], calls=None).stdout


def test_export_formats():
    data = json.loads(run(["export"]).stdout)
    assert [e["name"] for e in data["events"]] == ["Order Completed", "Cart Viewed"]
    csv_text = run(["export", "--format", "csv"]).stdout
    assert csv_text.splitlines()[1].startswith("Order Completed,")


def test_import_prints_yaml_and_reports_on_stderr():
    inputs = {"sheet.csv": "event,property,type\nSearch Run,query,string\nSearch Run,page,int\n"}
    result = run(["import", "sheet.csv"], inputs=inputs)
    assert result.exit_code == 0
    assert result.stdout.startswith("events:\n- name: Search Run\n  description: 'TODO: describe'\n")
    assert "row 3: unknown type `int` of `page`; typed as `string`" in result.stderr
    assert run(["import", "sheet.csv", "--strict"], inputs=inputs).exit_code == 1


def test_import_reads_stdin_by_name_and_needs_a_format_it_can_tell():
    calls_json = json.dumps([{"path": "a.py", "line": 1, "event": "Help Opened", "properties": []}])
    result = run(["import", "-"], inputs={"-": calls_json})
    assert result.exit_code == 0 and "name: Help Opened" in result.stdout
    assert "<stdin>: imported 1 event, everything mapped" in result.stderr
    unknown = run(["import", "notes.txt"], inputs={"notes.txt": "hello"})
    assert unknown.exit_code == 2 and "pass --from" in unknown.stderr


def test_unusable_rule_files_exit_2_with_their_location():
    result = run(["coverage"], rules={None: "events:\n  - name: A\n"})
    assert result.exit_code == 2
    assert "rules/plan.yaml:2" in result.stderr and "description" in result.stderr
    missing = run(["diff", "v0.1"])
    assert missing.exit_code == 2 and "no rule files at `v0.1`" in missing.stderr


def test_commands_refuse_to_run_without_injected_readers():
    group = click.Group("registry")
    register_tooling(group)
    result = CliRunner().invoke(group, ["coverage"])
    assert result.exit_code == 2 and "no ToolingIO" in result.stderr


@pytest.mark.parametrize("name", ["coverage", "diff", "docs", "export", "import"])
def test_every_command_documents_itself(name):
    result = run([name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout
