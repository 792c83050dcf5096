"""The GitHub Action: a valid composite action whose steps, run as the runner would, do what the docs say."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

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


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in STEPS if s["name"] == name]
    return step


def test_sarif_upload_is_the_codeql_action_guarded_by_the_input() -> None:
    upload = _step("Upload SARIF to code scanning")
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


def _run(project: Project, runner_temp: Path, sha: str = "0" * 40, **inputs: str) -> tuple[ActionRun, dict[str, Any]]:
    # RUNNER_OS and GITHUB_SHA are set on every runner; the cache key names them.
    env = {**runner_env(project.env), "RUNNER_OS": "Linux", "GITHUB_SHA": sha}
    run = ActionRun(ACTION, inputs, action_path=runner_temp / "action", workspace=project.path, runner_temp=runner_temp, env=env)
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
    # The cache steps still know where the folder is (the default place) and do not fail the job.
    assert steps["Locate the cache"].returncode == 0
    assert steps["Restore the cache"].with_["path"] == str(project.path / ".productops_cache")


def test_a_cache_that_cannot_be_located_is_skipped_and_the_check_still_runs(project: Project, runner_temp: Path) -> None:
    # A venv whose python fails `productops_lint.ci cache-key` (and runs everything else for real).
    real = runner_temp / "productops-lint-venv" / "bin"
    temp = runner_temp / "locate-fails"
    bin_dir = temp / "productops-lint-venv" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nif [ "$3" = "cache-key" ]; then echo broken >&2; exit 1; fi\nexec "{real / "python"}" "$@"\n')
    python.chmod(0o755)
    if not (bin_dir / "productops-lint").exists():
        (bin_dir / "productops-lint").symlink_to(real / "productops-lint")
    env = {**runner_env(project.env), "RUNNER_OS": "Linux", "GITHUB_SHA": "0" * 40}
    run = ActionRun(ACTION, {}, action_path=runner_temp / "action", workspace=project.path, runner_temp=temp, env=env)
    steps = {r.name: r for r in run.run(skip=frozenset({INSTALL}))}
    locate = steps["Locate the cache"]
    assert locate.ran and locate.returncode == 0 and locate.outputs == {}
    assert "goes without a cache" in locate.stderr
    assert not steps["Restore the cache"].uses and not steps["Save the cache"].uses
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    assert steps["Fail on findings"].returncode == 0


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


# -- the cache (`cache: true`, the default) -----------------------------------------------------
RESTORE, SAVE, LOCATE, CHECK = "Restore the cache", "Save the cache", "Locate the cache", "Check tracking calls"


def test_cache_is_restored_before_the_check_and_saved_before_the_job_can_fail() -> None:
    names = [step["name"] for step in STEPS]
    assert names.index(LOCATE) < names.index(RESTORE) < names.index(CHECK) < names.index(SAVE) < names.index("Fail on findings")
    restore, save = _step(RESTORE), _step(SAVE)
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    for step in (_step(LOCATE), restore, save):
        assert "inputs.cache == 'true'" in step["if"]
    # Never overwrite an entry the exact key restored (actions/cache refuses to anyway).
    assert "steps.cache-restore.outputs.cache-hit != 'true'" in save["if"]
    assert restore["with"]["path"] == save["with"]["path"] == "${{ steps.cache-key.outputs.path }}"
    assert restore["with"]["key"] == save["with"]["key"] == "${{ steps.cache-key.outputs.key }}"


def _cache_steps(steps: dict[str, Any]) -> tuple[Any, Any]:
    restore, save = steps[RESTORE], steps[SAVE]
    assert restore.uses and save.uses, "the cache steps did not run"
    return restore, save


def _entries(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def test_the_cached_folder_is_the_one_the_tool_writes(project: Project, runner_temp: Path) -> None:
    _, steps = _run(project, runner_temp)
    restore, save = _cache_steps(steps)
    folder = project.path / ".productops_cache"
    assert restore.with_["path"] == save.with_["path"] == str(folder)
    assert _entries(folder), "the check wrote nothing where the cache steps look"
    key = restore.with_["key"]
    prefix, fallback = restore.with_["restore-keys"].split()
    assert key == save.with_["key"] and key.startswith(prefix) and prefix.startswith(fallback)
    assert fallback.startswith("productops-lint-Linux-") and key.endswith("-" + "0" * 40)


def test_a_configured_cache_dir_is_the_cached_folder(project: Project, runner_temp: Path) -> None:
    project.write("pyproject.toml", '[tool.productops]\nregistry = ["rules"]\ncache-dir = "build/po-cache"\n')
    _, steps = _run(project, runner_temp)
    restore, _ = _cache_steps(steps)
    assert restore.with_["path"] == str(project.path / "build" / "po-cache")
    assert _entries(project.path / "build" / "po-cache")
    assert not (project.path / ".productops_cache").exists()


def test_the_key_follows_rule_files_and_commits_and_the_restore_keys_span_commits(project: Project, runner_temp: Path) -> None:
    def keys(sha: str) -> tuple[str, str, str]:
        restore, _ = _cache_steps(_run(project, runner_temp, sha=sha)[1])
        prefix, fallback = restore.with_["restore-keys"].split()
        return restore.with_["key"], prefix, fallback

    first = keys("a" * 40)
    second = keys("b" * 40)
    assert first[0] != second[0] and first[1:] == second[1:]  # a PR after main restores main's cache
    project.write("rules/plan.yaml", (project.path / "rules/plan.yaml").read_text() + "\n# changed\n")
    third = keys("b" * 40)
    assert third[1] != second[1] and third[2] == second[2]


def test_a_restored_cache_in_another_checkout_gives_the_same_findings(project: Project, runner_temp: Path, tmp_path: Path) -> None:
    project.write("shop/checkout.py", BAD)
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "bad call")
    _, first = _run(project, runner_temp)
    saved = Path(first[SAVE].with_["path"])
    # Another job: a fresh clone elsewhere, one file changed, the saved folder unpacked where the
    # restore step puts it (as actions/cache does), then the check.
    clone = Project(tmp_path / "clone", project.env, project.hook_repo)
    git_clone = ["git", "clone", "-q", str(project.path), str(clone.path)]
    assert project.run(*git_clone).returncode == 0
    clone.write("shop/more.py", BAD.replace("Order Complted", "Order Compleetd"))
    target = clone.path / ".productops_cache"
    shutil.copytree(saved, target)
    _, second = _run(clone, runner_temp)
    assert second[RESTORE].with_["path"] == str(target)
    check = second[CHECK]
    assert check.outputs["exit-code"] == "1"
    fresh = clone.run(str(Path(PYTHON).parent / "productops-lint"), "check", "--no-cache", "--format", "github")
    assert sorted(check.stdout.splitlines()) == sorted(fresh.stdout.splitlines())
    assert "shop/more.py" in check.stdout and "shop/checkout.py" in check.stdout


def test_cache_false_skips_the_cache_steps(project: Project, runner_temp: Path) -> None:
    _, steps = _run(project, runner_temp, cache="false")
    assert not steps[LOCATE].ran and not steps[RESTORE].uses and not steps[SAVE].uses
    assert steps[CHECK].outputs["exit-code"] == "0"


# -- the PR checks step (`pr-checks: true`) ----------------------------------------------------
# The stand-in GitHub and the shop PR of the App's tests (as tests/cli/test_pr_check.py uses them).
_TESTS = CHECKOUT / "tests"
for _folder in (_TESTS, _TESTS / "github_app"):
    if str(_folder) not in sys.path:
        sys.path.append(str(_folder))

from app_helpers import INSTALLATION  # noqa: E402
from pr_helpers import NUMBER, REPO, PrShop, make_pr, pull_payload  # noqa: E402
from standins.github_fake_repos import GitHubStandIn  # noqa: E402
from tracker_setup import epic_with_story  # noqa: E402

PR_STEP = "Check epic link and launch checklist"


@pytest.fixture
def standin() -> Iterator[GitHubStandIn]:
    # Only installation tokens are used (issued directly), never the App's JWT, so no key is needed.
    server = GitHubStandIn(4242, "unused").start()
    yield server
    server.stop()
    assert server.violations == [], "requests that break GitHub's API description:\n" + "\n".join(server.violations)


def _run_pr_checks(shop: PrShop, standin: GitHubStandIn, runner_temp: Path, env: dict[str, str], **inputs: str) -> tuple[ActionRun, dict[str, Any]]:
    """The action in a `pull_request` job: $GITHUB_EVENT_PATH holds the saved payload, the checkout is the PR's head."""
    event = shop.path.parent / "event.json"
    event.write_text(json.dumps(pull_payload(shop, "opened")))
    token, _ = standin.issue_token(INSTALLATION, 3600)
    # As on a runner: GITHUB_API_URL and GITHUB_EVENT_PATH are in the environment, the token is
    # only `github.token` (the step must pass it on itself).
    job_env = {**runner_env(env), "GITHUB_API_URL": standin.url, "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": REPO}
    job_env.pop("GITHUB_TOKEN", None)
    # `--exit-zero`: the example shop's own findings must not decide the job here.
    run = ActionRun(ACTION, {"args": "--exit-zero", **inputs}, action_path=runner_temp / "action", workspace=shop.path,
                    runner_temp=runner_temp, env=job_env, github={"token": token})
    return run, {r.name: r for r in run.run(skip=frozenset({INSTALL}))}


@pytest.mark.parametrize(
    ("body", "epic", "status"),
    [("Closes #5", "success", 0), ("Closes #9", "failure", 1)],
    ids=["story-of-an-epic", "lone-issue"],
)
def test_pr_checks_input_runs_the_epic_and_checklist_checks_on_the_event(
    standin: GitHubStandIn, tmp_path: Path, runner_temp: Path, hook_env: dict[str, str], body: str, epic: str, status: int
) -> None:
    epic_with_story(standin)  # #5's parent #1 is an epic; #9 has no parent
    shop = make_pr(tmp_path, standin, body=body)
    run, steps = _run_pr_checks(shop, standin, runner_temp, hook_env, **{"pr-checks": "true"})
    check = steps[PR_STEP]
    assert check.ran and check.returncode == 0, check.stdout + check.stderr  # the step never fails by itself
    assert check.outputs == {"exit-code": str(status)}, check.stdout + check.stderr
    conclusions = dict(re.findall(r"^(productops/[\w-]+): (\w+):", check.stdout, re.M))
    assert conclusions.keys() == {"productops/epic-link", "productops/launch-checklist"}, check.stdout
    assert conclusions["productops/epic-link"] == epic
    assert conclusions["productops/launch-checklist"] == "neutral"  # the shop has no checklist rules
    assert f"## productops/epic-link: {epic}" in run.summary.read_text()
    # It asked the stand-in about this PR and the linked issue, with the job's token.
    paths = {c.path for c in standin.calls if c.status == 200}
    assert f"/repos/{REPO}/pulls/{NUMBER}/files" in paths
    assert f"/repos/{REPO}/issues/{body[-1]}" in paths
    verdict = steps["Fail on findings"]
    assert steps["Check tracking calls"].outputs["exit-code"] == "0"
    assert verdict.ran and verdict.returncode == status, verdict.stderr
    if status:
        assert "productops-lint pr check exited with 1" in verdict.stderr


def test_pr_checks_step_does_not_run_when_the_input_is_off(
    standin: GitHubStandIn, tmp_path: Path, runner_temp: Path, hook_env: dict[str, str]
) -> None:
    epic_with_story(standin)
    shop = make_pr(tmp_path, standin, body="Closes #9")  # would fail the epic check
    run, steps = _run_pr_checks(shop, standin, runner_temp, hook_env)
    assert not steps[PR_STEP].ran and steps[PR_STEP].outputs == {}
    assert standin.calls == []
    assert "productops/epic-link" not in run.summary.read_text()
    assert steps["Fail on findings"].ran and steps["Fail on findings"].returncode == 0
