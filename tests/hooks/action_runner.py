"""Runs a composite action's steps the way the Actions runner would, minus `uses:` steps, for tests."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\))|([A-Za-z_][\w.\-]*(?:\(\))?))")


@dataclass
class StepResult:
    id: str | None
    name: str
    ran: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    # For a `uses:` step: the action and its evaluated `with:` inputs (it is not run).
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)


class ActionRun:
    """One run of the action: inputs, the `github` context, step outputs, and the runner's files."""

    def __init__(self, action: Mapping[str, Any], inputs: Mapping[str, str], *, action_path: Path, workspace: Path, runner_temp: Path, env: Mapping[str, str], github: Mapping[str, str] | None = None) -> None:
        declared = action.get("inputs", {})
        unknown = set(inputs) - set(declared)
        if unknown:
            raise ValueError(f"undeclared inputs: {sorted(unknown)}")
        self.action = action
        self.inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
        self.inputs.update(inputs)
        # `github.token` always exists on a runner (the job's GITHUB_TOKEN); a test passes a real one.
        self.github = {"action_path": str(action_path), "workspace": str(workspace), "token": ""}
        self.github.update(github or {})
        self.workspace, self.runner_temp, self.env = workspace, runner_temp, dict(env)
        # One summary file per run, as the runner gives each job its own.
        self.summary = Path(tempfile.mkstemp(prefix="step-summary-", suffix=".md", dir=runner_temp)[1])
        self.steps: dict[str, StepResult] = {}
        self.results: list[StepResult] = []
        self.failed = False

    # -- expressions -------------------------------------------------------------------------
    def _lookup(self, ref: str) -> Any:
        head, _, rest = ref.partition(".")
        if head == "inputs":
            return self.inputs[rest]
        if head == "github":
            return self.github[rest]
        if head == "steps":
            step_id, _, output = rest.partition(".outputs.")
            step = self.steps.get(step_id)
            return step.outputs.get(output, "") if step else ""
        raise KeyError(f"unsupported context `{ref}`")

    def evaluate(self, expression: str) -> Any:
        """A GitHub expression, for the subset actions use: literals, contexts, ==, !=, &&, ||, !."""
        python: list[str] = []
        position = 0
        while position < len(expression):
            match = _TOKEN.match(expression, position)
            if not match or match.end() == position:
                raise ValueError(f"cannot parse `{expression}` at {position}")
            literal, operator, name = match.groups()
            if literal is not None:
                python.append(repr(literal[1:-1].replace("''", "'")))
            elif operator is not None:
                python.append({"&&": " and ", "||": " or ", "!": " not "}.get(operator, f" {operator} "))
            elif name in ("true", "false", "null"):
                python.append({"true": "True", "false": "False", "null": "None"}[name])
            elif name == "always()":
                python.append("True")
            elif name == "success()":
                python.append(repr(not self.failed))
            elif name == "failure()":
                python.append(repr(self.failed))
            else:
                python.append(repr(self._lookup(name)))
            position = match.end()
        return eval("".join(python), {"__builtins__": {}}, {})  # noqa: S307 - built from parsed tokens only

    def substitute(self, text: str) -> str:
        def render(match: re.Match[str]) -> str:
            value = self.evaluate(match.group(1))
            return "true" if value is True else "false" if value is False else str(value)

        return EXPRESSION.sub(render, text)

    def _condition(self, step: Mapping[str, Any]) -> bool:
        condition = step.get("if")
        if condition is None:
            return not self.failed
        text = str(condition).strip()
        inner = EXPRESSION.fullmatch(text)
        return bool(self.evaluate(inner.group(1) if inner else text))

    # -- steps -------------------------------------------------------------------------------
    def run(self, skip: frozenset[str] = frozenset()) -> list[StepResult]:
        """Run every step; names in ``skip`` are treated as done (the install, shared by many tests)."""
        for step in self.action["runs"]["steps"]:
            result = StepResult(step.get("id"), step.get("name", ""), ran=False)
            if result.name in skip:
                pass
            elif self._condition(step):
                if "uses" in step:
                    result.uses = step["uses"]
                    result.with_ = {k: self.substitute(str(v)) for k, v in step.get("with", {}).items()}
                else:
                    self._run_script(step, result)
            self.results.append(result)
            if result.id:
                self.steps[result.id] = result
        return self.results

    def _run_script(self, step: Mapping[str, Any], result: StepResult) -> None:
        assert step.get("shell") == "bash", "composite run steps must name their shell"
        output_file = Path(tempfile.mkstemp(prefix="output-", dir=self.runner_temp)[1])
        env = {
            **self.env,
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": self.github["action_path"],
            "RUNNER_TEMP": str(self.runner_temp),
            **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()},
        }
        # The runner's own invocation of a bash step.
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", self.substitute(step["run"])],
            cwd=self.workspace, env=env, capture_output=True, text=True,
        )
        result.ran, result.returncode, result.stdout, result.stderr = True, done.returncode, done.stdout, done.stderr
        for line in output_file.read_text().splitlines():
            key, _, value = line.partition("=")
            result.outputs[key] = value
        if done.returncode != 0:
            self.failed = True


def runner_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment a step sees: the test's, without a developer's virtualenv on PATH."""
    env = dict(base)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env
