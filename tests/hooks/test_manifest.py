"""The pre-commit manifest: valid, every entry a console script of ours, every hook documented."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from hook_helpers import CHECKOUT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MANIFEST = CHECKOUT / ".pre-commit-hooks.yaml"
HOOKS = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
HOOK_IDS = [hook["id"] for hook in HOOKS]
SCRIPTS = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]


def _section(text: str, name: str) -> str:
    match = re.search(rf"<!-- section:{name} -->(.*?)<!-- /section:{name} -->", text, re.S)
    assert match, f"README has no {name} section"
    return match.group(1)


def test_pre_commit_validates_the_manifest() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_four_hooks_are_there() -> None:
    assert HOOK_IDS == ["productops-lint", "productops-fix", "productops-registry", "productops-ticket"]


@pytest.mark.parametrize("hook", HOOKS, ids=HOOK_IDS)
def test_each_hook_is_a_python_console_script_of_this_distribution(hook: dict[str, object]) -> None:
    assert str(hook["id"]).startswith("productops-")
    assert hook["language"] == "python"
    entry = str(hook["entry"])
    assert entry in SCRIPTS, f"{entry} is not in [project.scripts]"
    module, _, function = SCRIPTS[entry].partition(":")
    assert module == "productops_lint.scripts"
    import productops_lint.scripts as scripts

    assert callable(getattr(scripts, function))


def test_file_hooks_take_python_files_and_registry_takes_rule_files() -> None:
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert by_id["productops-lint"]["types"] == ["python"]
    assert by_id["productops-fix"]["types"] == ["python"]
    registry = by_id["productops-registry"]
    assert registry["pass_filenames"] is False
    pattern = re.compile(registry["files"])
    assert pattern.search("rules/plan.yaml") and pattern.search("rules/plan/checkout.yml")
    assert pattern.search("services/api/rules/events.yaml")
    assert not pattern.search(".github/workflows/ci.yml") and not pattern.search("rules/README.md")
    assert by_id["productops-ticket"]["stages"] == ["commit-msg"]


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_every_hook_id_is_documented_in_the_readme(hook_id: str) -> None:
    section = _section((CHECKOUT / "README.md").read_text(encoding="utf-8"), "hooks")
    assert re.search(rf"id: {re.escape(hook_id)}\b", section), f"`{hook_id}` is missing from the README hooks section"


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_every_hook_id_is_described_in_docs_hooks(hook_id: str) -> None:
    assert f"`{hook_id}`" in (CHECKOUT / "docs" / "hooks.md").read_text(encoding="utf-8")


def test_readme_documents_plain_hooks_and_install_hooks() -> None:
    section = _section((CHECKOUT / "README.md").read_text(encoding="utf-8"), "hooks")
    assert "install-hooks" in section
    assert "hooks/pre-commit" in section and "hooks/commit-msg" in section
