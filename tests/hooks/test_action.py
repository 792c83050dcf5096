"""The GitHub Action: a valid composite action whose steps, run as the runner would, do what the docs say."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from action_runner import EXPRESSION, ActionRun, runner_env
from hook_helpers import CHECKOUT, PYTHON, HookRepo, Project

ACTION_TEXT = (CHECKOUT / "action.yml").read_text(encoding="utf-8")
ACTION: dict[str, Any] = yaml.safe_load(ACTION_TEXT)
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
INSTALL = "Install productops-lint"
BAD = 'import analytics\n\n\ndef f(uid: str) -> None:\n    analytics.track(uid, "Order Complted", {"order_id": "1"})\n'


def test_action_is_a_composite_action_with_the_required_keys() -> None:
    for key in ("name", "description", "inputs", "outputs", "runs"):
        assert key in ACTION
    assert ACTION["runs"]["using"] == "composite"
    for step in STEPS:
        assert step.get("name")
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash"
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert isinstance(spec.get("default", ""), str), f"input `{name}` default must be a string"
    for name, spec in ACTION["outputs"].items():
        assert spec.get("description") and spec.get("value"), name


def test_inputs_are_the_documented_ones() -> None:
    assert {"paths", "args", "sarif", "baseline", "version"} <= set(ACTION["inputs"])
    docs = (CHECKOUT / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in ACTION["inputs"]:
        assert f"`{name}`" in docs, f"input `{name}` is not described in docs/ci.md"


def test_every_expression_refers_to_something_declared() -> None:
    step_ids = {step["id"] for step in STEPS if "id" in step}
    expressions = EXPRESSION.findall(ACTION_TEXT)
    assert expressions
    for expression in expressions:
        for name in re.findall(r"\binputs\.([\w-]+)", expression):
            assert name in ACTION["inputs"], f"`inputs.{name}` is not a declared input"
        for step_id in re.findall(r"\bsteps\.([\w-]+)\.outputs\.", expression):
            assert step_id in step_ids, f"`steps.{step_id}` is no step id"
        for context in re.findall(r"(?<![\w.'-])([A-Za-z_][\w-]*)(?:\.[\w-]+)+", expression):
            assert context in {"inputs", "steps", "github"}, expression


def test_scripts_receive_inputs_through_env_only() -> None:
    # An input pasted into a script is a shell injection; env values are data.
    for step in STEPS:
        assert "${{" not in step.get("run", ""), step["name"]


def test_sarif_upload_is_the_codeql_action_guarded_by_the_input() -> None:
    (upload,) = [step for step in STEPS if "uses" in step]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.sarif == 'true'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory, hook_repo: HookRepo, hook_env: dict[str, str]) -> Path:
    """RUNNER_TEMP with the tool installed by the action's own install step, once for the module."""
    temp = tmp_path_factory.mktemp("runner-temp")
    # pip builds a local folder in place; a copy keeps the snapshot clean.
    action_path = temp / "action"
    shutil.copytree(hook_repo.path, action_path, ignore=shutil.ignore_patterns(".git"))
    run = ActionRun(ACTION, {"python": PYTHON}, action_path=action_path, workspace=temp, runner_temp=temp, env=runner_env(hook_env))
    install = run.run()[0]
    assert install.name == INSTALL and install.returncode == 0, install.stdout + install.stderr
    assert "productops-lint, version" in install.stdout
    return temp


def _run(project: Project, runner_temp: Path, **inputs: str) -> tuple[ActionRun, dict[str, Any]]:
    run = ActionRun(ACTION, inputs, action_path=runner_temp / "action", workspace=project.path, runner_temp=runner_temp, env=runner_env(project.env))
    results = run.run(skip=frozenset({INSTALL}))
    return run, {r.name: r for r in results}


def test_findings_annotate_summarise_upload_sarif_and_fail_the_job(project: Project, runner_temp: Path) -> None:
    project.write("shop/checkout.py", BAD)
    run, steps = _run(project, runner_temp, sarif="true")
    check = steps["Check tracking calls"]
    assert check.returncode == 0, check.stderr
    assert "::error file=shop/checkout.py,line=5,col=26," in check.stdout
    assert "title=PO101::Event `Order Complted` is not in the tracking plan" in check.stdout
    assert check.outputs["exit-code"] == "1"

    summary = run.summary.read_text()
    assert ":x: 1 error in 1 file." in summary
    assert "| `PO101` | unknown-event | 1 |" in summary
    assert "`shop/checkout.py:5:26`" in summary

    sarif = json.loads(Path(check.outputs["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PO101"]
    upload = steps["Upload SARIF to code scanning"]
    assert upload.uses and upload.uses.startswith("github/codeql-action/upload-sarif@")
    assert upload.with_ == {"sarif_file": check.outputs["sarif-file"], "category": "productops-lint"}

    verdict = steps["Fail on findings"]
    assert verdict.ran and verdict.returncode == 1


def test_clean_project_passes_without_upload(project: Project, runner_temp: Path) -> None:
    run, steps = _run(project, runner_temp)
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    assert steps["Check tracking calls"].stdout.strip() == ""
    assert ":white_check_mark: No findings." in run.summary.read_text()
    assert not steps["Upload SARIF to code scanning"].uses  # `sarif` is false: skipped
    assert steps["Fail on findings"].returncode == 0


def test_baseline_hides_recorded_findings_for_warn_first_adoption(project: Project, runner_temp: Path) -> None:
    project.write("shop/checkout.py", BAD)
    project.run(str(Path(PYTHON).parent / "productops-lint"), "baseline", "--baseline", ".productops-baseline.json", check=True)
    _, steps = _run(project, runner_temp, baseline=".productops-baseline.json")
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    assert steps["Fail on findings"].returncode == 0
    # A new finding still fails.
    project.write("shop/more.py", BAD.replace("Order Complted", "Order Compleetd"))
    _, steps = _run(project, runner_temp, baseline=".productops-baseline.json")
    assert steps["Check tracking calls"].outputs["exit-code"] == "1"
    assert "shop/more.py" in steps["Check tracking calls"].stdout
    assert "shop/checkout.py" not in steps["Check tracking calls"].stdout


def test_paths_and_args_reach_the_check(project: Project, runner_temp: Path) -> None:
    project.write("shop/checkout.py", BAD)
    _, steps = _run(project, runner_temp, paths="shop/cart.py shop/__init__.py")
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    _, steps = _run(project, runner_temp, args="--select PO2")
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    _, steps = _run(project, runner_temp, args="--select PO1")
    assert steps["Check tracking calls"].outputs["exit-code"] == "1"


def test_a_run_that_cannot_start_says_so_and_fails(project: Project, runner_temp: Path) -> None:
    project.write("pyproject.toml", "[tool.productops]\nregistry = 3\n")
    run, steps = _run(project, runner_temp, sarif="true")
    check = steps["Check tracking calls"]
    assert check.outputs["exit-code"] == "2"
    assert "`registry` must be a list of strings" in check.stderr
    assert "could not run (exit status 2)" in run.summary.read_text()
    assert steps["Fail on findings"].returncode == 2


STUB_PYTHON = """#!/bin/sh
# Stands in for python: records how the install step calls it, installs nothing.
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$1 $2" = "-m venv" ]; then
    mkdir -p "$3/bin"
    cp "$0" "$3/bin/python"
    printf '#!/bin/sh\\necho "productops-lint, version stub"\\n' > "$3/bin/productops-lint"
    chmod +x "$3/bin/productops-lint"
fi
"""


@pytest.mark.parametrize(("version", "spec"), [("", "{action_path}"), ("0.1.0", "productops-lint==0.1.0")])
def test_install_step_takes_the_version_input_or_the_actions_own_checkout(tmp_path: Path, version: str, spec: str) -> None:
    stub = tmp_path / "python-stub"
    stub.write_text(STUB_PYTHON)
    stub.chmod(0o755)
    log = tmp_path / "calls.log"
    action_path = tmp_path / "action"
    action_path.mkdir()
    env = {**runner_env(dict(os.environ)), "STUB_LOG": str(log)}
    run = ActionRun(ACTION, {"python": str(stub), "version": version}, action_path=action_path, workspace=tmp_path, runner_temp=tmp_path, env=env)
    install = run.run()[0]
    assert install.returncode == 0, install.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == f"python-stub -m venv {tmp_path}/productops-lint-venv"
    assert calls[1] == "python -m pip install --quiet --disable-pip-version-check " + spec.format(action_path=action_path)


def test_expression_helper_agrees_with_github_semantics(tmp_path: Path) -> None:
    run = ActionRun(ACTION, {"sarif": "true"}, action_path=tmp_path, workspace=tmp_path, runner_temp=tmp_path, env={})
    assert run.evaluate("inputs.sarif == 'true' && steps.check.outputs.sarif-file != ''") is False
    assert run.evaluate("inputs.sarif == 'true'") is True
    assert run.substitute("x-${{ inputs.paths }}-y") == "x--y"
