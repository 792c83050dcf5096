"""`check --fix` / `--diff` on realistic files: only the flagged strings change, and files keep their bytes' style."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import libcst as cst
import pytest
from cli.cli_helpers import Project, python_files

from productops_lint import files

EVENTS = '''\
"""Event names, in one place."""

CHECKOUT_STARTED = "Checkout Stared"  # spelt as in the spec
ORDER_COMPLETED = 'order_completed'
'''

CHECKOUT = '''\
"""Checkout flow."""

import analytics

from app.events import CHECKOUT_STARTED


def complete(user_id, order):
    total   =   order.total  # odd spacing stays as it is
    analytics.track(
        user_id,
        "order completed",  # the name ProductOps chose
        {
            "order_id": order.id,
            "revenu": total,  # sic
        },
    )


def start(user_id, cart):
    analytics.track(user_id, CHECKOUT_STARTED, {"cart_value": cart.value})
'''

CART = """\
import analytics
from app import events
from app.events import CHECKOUT_STARTED


def open_checkout(user_id):
    analytics.track(user_id, CHECKOUT_STARTED)


def pay(user_id, order_id):
    analytics.track(user_id, events.ORDER_COMPLETED, {"order_id": order_id})
"""


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def shop(project: Project) -> None:
    project.write_files(
        {"app/__init__.py": "", "app/events.py": EVENTS, "app/checkout.py": CHECKOUT, "app/cart.py": CART}
    )


def test_fix_rewrites_only_the_flagged_strings_of_a_multiline_call_and_keeps_comments(project: Project) -> None:
    shop(project)

    run = project.run("check", "--fix", "--unsafe-fixes")

    # The key is flagged only once the event is known, and the same run fixes it too.
    assert project.read("app/checkout.py") == replaced(
        CHECKOUT, ('"order completed"', '"Order Completed"'), ('"revenu"', '"revenue"')
    )
    assert run.exit_code == 0, run.output
    assert "Fixed 5 problems in 2 files" in run.stderr


def test_constant_in_another_module_is_fixed_once_at_its_definition(project: Project) -> None:
    shop(project)
    before = project.snapshot()

    project.run("check", "--fix", "--unsafe-fixes")

    # Two call sites read CHECKOUT_STARTED, one reads ORDER_COMPLETED: each definition changes once.
    assert project.read("app/events.py") == replaced(
        EVENTS, ('"Checkout Stared"', '"Checkout Started"'), ("'order_completed'", "'Order Completed'")
    )
    assert project.read_bytes("app/cart.py") == before["app/cart.py"]


def test_constant_also_used_for_something_else_is_not_fixed_and_the_note_says_why(project: Project) -> None:
    project.write_files(
        {
            "app/__init__.py": "",
            "app/events.py": 'SHARED = "Checkout Startd"\n',
            "app/flow.py": (
                "import analytics\n"
                "import logging\n\n"
                "from app.events import SHARED\n\n\n"
                "def go(user_id):\n"
                "    analytics.track(user_id, SHARED)\n"
                '    logging.info("step %s", SHARED)\n'
            ),
        }
    )
    before = project.snapshot()

    fixing = project.run("check", "--fix", "--unsafe-fixes")
    listing = project.run("check")

    assert project.snapshot() == before
    assert fixing.exit_code == 1
    assert "note: The constant `app.events.SHARED` is also used elsewhere (1 place), so it is not renamed" in listing.stdout
    assert "[*]" not in listing.stdout


def test_constant_also_read_through_its_module_is_not_fixed(project: Project) -> None:
    project.write_files(
        {
            "app/__init__.py": "",
            "app/events.py": 'SHARED = "Checkout Startd"\n',
            "app/flow.py": (
                "import analytics\n"
                "from app import events\n\n\n"
                "def go(user_id):\n"
                "    analytics.track(user_id, events.SHARED)\n"
                "    print(events.SHARED)\n"
            ),
        }
    )
    before = project.snapshot()

    project.run("check", "--fix", "--unsafe-fixes")

    assert project.snapshot() == before


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_are_preserved(project: Project, newline: str) -> None:
    source = CHECKOUT.replace("\n", newline)
    project.write_files({"app/__init__.py": "", "app/events.py": EVENTS, "app/checkout.py": source})

    project.run("check", "--fix", "--unsafe-fixes")

    fixed = project.read_bytes("app/checkout.py")
    assert fixed == replaced(source, ('"order completed"', '"Order Completed"'), ('"revenu"', '"revenue"')).encode()
    assert fixed.count(newline.encode()) == source.count(newline)


def test_latin1_file_with_a_coding_cookie_keeps_its_encoding(project: Project) -> None:
    source = (
        "# -*- coding: latin-1 -*-\n"
        "import analytics\n\n"
        "# Café: the shop's own spelling, in latin-1 bytes.\n"
        'analytics.track("u", "Signed Up", {"plan": "\xe9t\xe9"})\n'
    )
    project.write("app.py", source.encode("latin-1"))

    run = project.run("check", "--fix")

    assert run.exit_code == 0, run.output
    assert project.read_bytes("app.py") == replaced(source, ('"Signed Up"', '"Account Created"')).encode("latin-1")


def test_utf8_bom_is_kept(project: Project) -> None:
    source = 'import analytics\n\nanalytics.track("u", "Signed Up")  # é\n'
    project.write("app.py", b"\xef\xbb\xbf" + source.encode())

    project.run("check", "--fix")

    assert project.read_bytes("app.py") == b"\xef\xbb\xbf" + replaced(source, ('"Signed Up"', '"Account Created"')).encode()


def test_fix_the_files_encoding_cannot_spell_is_left_out_with_a_warning(project: Project) -> None:
    project.write("rules/plan.yaml", "events:\n  - name: Reward Earned \u2605\n    description: A star was earned.\n")
    source = '# coding: latin-1\nimport analytics\n# \xe9\nanalytics.track("u", "Reward Earned")\n'
    project.write("app.py", source.encode("latin-1"))

    run = project.run("check", "--fix", "--unsafe-fixes")

    assert project.read_bytes("app.py") == source.encode("latin-1")
    assert "fix for PO101 not applied: the new text cannot be written in the encoding of `app.py` (iso-8859-1)" in run.stderr
    assert run.exit_code == 1
    assert "Traceback" not in run.output


def test_file_changed_on_disk_between_read_and_write_is_not_overwritten(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(project)
    someone_elses = "# edited in the editor meanwhile\n" + CHECKOUT
    real_write = files.write_source_if_unchanged

    def edit_then_write(path: Path, text: str, expected: str) -> None:
        if path.name == "checkout.py":
            path.write_text(someone_elses, encoding="utf-8")
        real_write(path, text, expected)

    monkeypatch.setattr(files, "write_source_if_unchanged", edit_then_write)

    run = project.run("check", "--fix", "--unsafe-fixes")

    assert project.read("app/checkout.py") == someone_elses
    assert "warning: app/checkout.py changed while it was being checked; not fixed" in run.stderr
    # The other file was not in the way and was fixed; what is left is reported from disk.
    assert '"Checkout Started"' in project.read("app/events.py")
    assert "app/checkout.py:13:9: PO101" in run.stdout
    assert run.exit_code == 1


def test_diff_writes_nothing_and_prints_the_fix_as_a_unified_diff(project: Project) -> None:
    shop(project)
    before = project.snapshot()

    run = project.run("check", "--diff", "--unsafe-fixes")

    assert project.snapshot() == before
    assert run.exit_code == 1
    assert run.stdout.startswith("--- a/app/checkout.py\n+++ b/app/checkout.py\n@@ ")
    changed = [line for line in run.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        '-        "order completed",  # the name ProductOps chose',
        '+        "Order Completed",  # the name ProductOps chose',
        '-            "revenu": total,  # sic',
        '+            "revenue": total,  # sic',
        '-CHECKOUT_STARTED = "Checkout Stared"  # spelt as in the spec',
        "-ORDER_COMPLETED = 'order_completed'",
        '+CHECKOUT_STARTED = "Checkout Started"  # spelt as in the spec',
        "+ORDER_COMPLETED = 'Order Completed'",
    ]
    assert "Would fix 5 problems" in run.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to apply the patch")
def test_applying_the_diff_gives_what_fix_writes(tmp_path: Path) -> None:
    dry, real = Project(tmp_path / "dry"), Project(tmp_path / "real")
    for p in (dry, real):
        shop(p)
        # A last line without a newline needs the diff's `\ No newline at end of file` marker.
        p.write("app/tail.py", 'import analytics\nanalytics.track("u", "Coupon Applied")')

    patch = dry.run("check", "--diff", "--unsafe-fixes").stdout
    real.run("check", "--fix", "--unsafe-fixes")
    applied = subprocess.run(["git", "apply", "-"], input=patch.encode(), cwd=dry.root, capture_output=True)

    assert applied.returncode == 0, applied.stderr.decode()
    assert "\\ No newline at end of file" in patch
    assert python_files(dry) == python_files(real)


def test_diff_with_nothing_to_fix_prints_nothing_and_exits_0(project: Project) -> None:
    project.write("app.py", 'import analytics\nanalytics.track("u", "Order Completed", {"order_id": "1"})\n')

    run = project.run("check", "--diff", "--unsafe-fixes")

    assert (run.exit_code, run.stdout) == (0, "")


def test_unsafe_fixes_apply_only_with_the_flag(project: Project) -> None:
    shop(project)

    safe = project.run("check", "--fix")
    after_safe = project.snapshot()
    project.run("check", "--fix", "--unsafe-fixes")

    # Safe: a case/separator variant of a plan event. Unsafe: a misspelt event and a misspelt key.
    assert '"Order Completed"' in after_safe["app/checkout.py"].decode()
    assert b'"revenu"' in after_safe["app/checkout.py"]
    assert b'"Checkout Stared"' in after_safe["app/events.py"]
    # Both call sites of CHECKOUT_STARTED, and the key.
    assert "3 fixable with `--fix --unsafe-fixes`" in safe.stdout
    assert safe.exit_code == 1
    assert b'"revenue"' in project.read_bytes("app/checkout.py")
    assert b'"Checkout Started"' in project.read_bytes("app/events.py")


def test_fixing_twice_changes_nothing_the_second_time(project: Project) -> None:
    shop(project)
    project.run("check", "--fix", "--unsafe-fixes")
    once = project.snapshot()

    again = project.run("check", "--fix", "--unsafe-fixes")

    assert project.snapshot() == once
    assert "Fixed" not in again.stderr
    assert again.exit_code == 0


def test_fixing_the_example_project_leaves_every_file_parsing_and_nothing_more_to_fix(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "shop"
    project = Project(tmp_path / "shop", plan=None, pyproject=None)
    shutil.copytree(example, project.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".productops_cache"))
    before = python_files(project)

    project.run("check", "--fix", "--unsafe-fixes")
    after = python_files(project)
    second = project.run("check", "--diff", "--unsafe-fixes")

    assert after != before
    for rel, data in after.items():
        compile(data, rel, "exec")
        cst.parse_module(data)
    assert second.stdout == ""
    # Only string literals changed: the syntax trees differ in constants alone.
    for rel in after:
        old, new = ast.parse(before[rel]), ast.parse(after[rel])
        assert _without_strings(old) == _without_strings(new), rel


def _without_strings(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def test_form_feed_and_line_separator_do_not_move_the_edit(project: Project) -> None:
    # str.splitlines would count these as line breaks; Python's parser does not.
    source = 'import analytics\n\x0c\n# a \u2028 b\nanalytics.track("u", "Signed Up")\n'
    project.write("app.py", source)

    run = project.run("check", "--fix")

    assert project.read("app.py") == replaced(source, ('"Signed Up"', '"Account Created"'))
    assert run.exit_code == 0, run.output


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlinked_file_is_fixed_through_its_link_which_stays_a_link(project: Project) -> None:
    source = 'import analytics\nanalytics.track("u", "Signed Up")\n'
    project.write("app/real.py", source)
    os.symlink("real.py", project.root / "app" / "link.py")

    run = project.run("check", "--fix")

    assert (project.root / "app" / "link.py").is_symlink()
    assert project.read("app/real.py") == replaced(source, ('"Signed Up"', '"Account Created"'))
    assert run.exit_code == 0, run.output
