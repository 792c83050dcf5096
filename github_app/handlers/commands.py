"""`/productops recheck | explain CODE | config` in PR comments, from users with write permission only."""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import TYPE_CHECKING, Any

import yaml

from productops_lint.pr.gather import ORG_FOLDER, CommitFiles, PrConfig, load_pr_config

from ..github import RepoClient
from ..pr_facts import AppPullSource
from ..render import MARKER_PREFIX, MAX_COMMENT_CHARS, clip
from ..routing import Router
from ..webhook import Event
from .epic_link import run_pr_checks

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger(__name__)
router = Router()

# GitHub's legacy `permission` field folds maintain into write and triage into read.
WRITERS = frozenset({"admin", "maintain", "write"})
_COMMAND = re.compile(r"^\s*/productops\s+(?P<verb>[\w-]+)(?:[ \t]+(?P<arg>\S+))?", re.MULTILINE)
ACK, UNKNOWN = "+1", "confused"


@dataclasses.dataclass(frozen=True)
class Command:
    verb: str
    arg: str | None = None


def parse_command(body: str) -> Command | None:
    """The first `/productops VERB [ARG]` line of a comment (outside quotes), or None."""
    for match in _COMMAND.finditer(body):
        line_start = body.rfind("\n", 0, match.start()) + 1
        if body[line_start:match.start()].strip().startswith(">"):
            continue
        return Command(match.group("verb").lower(), match.group("arg"))
    return None


def answer_marker(command: Command) -> str:
    """One answer comment per question: asking again edits it instead of posting another."""
    key = command.verb + (f":{command.arg.upper()}" if command.arg else "")
    return f"{MARKER_PREFIX}answer:{key} -->"


@router.register("issue_comment", action="created")
def on_comment(ctx: "Context", event: Event) -> None:
    issue = event.payload.get("issue") or {}
    comment = event.payload.get("comment") or {}
    author = (comment.get("user") or {}).get("login") or ""
    if not issue.get("pull_request") or event.installation_id is None or event.repo is None:
        return  # a comment on an issue, not a pull request
    command = parse_command(str(comment.get("body") or ""))
    if command is None or author == ctx.github.bot_login() or (comment.get("user") or {}).get("type") == "Bot":
        return
    repo = ctx.github.repo(event.installation_id, event.repo)
    number = int(issue["number"])
    permission = repo.permission(author)
    if permission not in WRITERS:
        log.info("%s#%d: /productops %s from %s (%s permission) ignored", repo.full_name, number, command.verb, author, permission)
        return
    known = command.verb in ("recheck", "explain", "config")
    repo.add_reaction(number, int(comment["id"]), ACK if known else UNKNOWN)
    if command.verb == "recheck":
        run_pr_checks(ctx, repo, number)
    elif command.verb == "explain":
        answer(repo, number, command, explain(command.arg), ctx.github.bot_login())
    elif command.verb == "config":
        answer(repo, number, command, config_answer(repo, number), ctx.github.bot_login())


def answer(repo: RepoClient, number: int, command: Command, markdown: str, bot: str) -> None:
    marker = answer_marker(command)
    body = clip(f"{markdown.rstrip()}\n\n{marker}\n", MAX_COMMENT_CHARS - len(marker) - 2)
    if marker not in body:
        body = body.rstrip("\n") + f"\n{marker}\n"
    for existing in repo.issue_comments(number):
        if existing.author == bot and marker in existing.body:
            if existing.body != body:
                repo.edit_issue_comment(number, existing.id, body)
            return
    repo.create_issue_comment(number, body)


def explain(code: str | None) -> str:
    from productops_lint.checks.docs import find_rule, render_rule_page

    found = find_rule(code) if code else None
    if found is None:
        return f"No check is called `{code or ''}`. `productops-lint rule --all` lists them."
    return render_rule_page(found)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "location"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def config_markdown(pr: PrConfig) -> str:
    if pr.error is not None or pr.plan is None:
        return f"The base branch's PR-check configuration is invalid:\n\n```text\n{pr.error}\n```"
    lines = ["**Effective PR-check configuration** (base branch over the owner's `.github` defaults)", "",
             "| Setting | Comes from |", "| --- | --- |"]
    lines += [f"| `{name}` | {where} |" for name, where in pr.origins.items()]
    values = {name: _plain(getattr(pr.plan, name)) for name in pr.origins if hasattr(pr.plan, name)}
    lines += ["", "```yaml", yaml.safe_dump(values, sort_keys=False).rstrip(), "```"]
    return "\n".join(lines)


def config_answer(repo: RepoClient, number: int) -> str:
    pull = repo.pull_data(number)
    source = AppPullSource(repo, number)
    base = CommitFiles(source.tree(str(pull["base"]["sha"])), source.blob)
    owner = repo.full_name.split("/", 1)[0]
    return config_markdown(load_pr_config(base, source.owner_files(ORG_FOLDER), f"{owner}/.github"))
