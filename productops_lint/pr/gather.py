"""What both PR-check front ends gather the same way: base config with org defaults, the facts, the diff, the events a PR adds."""

# The App (github_app/pr_facts.py) and `productops-lint pr check` (pr/action.py) differ only in how
# they fetch trees, blobs, commits, the PR's files and the owner's `.github` files; everything decided
# from them is here, so the two reach the same conclusions on the same pull request.

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from ..config import Config, parse_config
from ..detect.roots import PACKAGING_FILES, with_inferred_roots
from ..engine import analyze
from ..registry.diff import diff_plans
from ..registry.loader import load_plan
from ..registry.model import Plan
from ..registry.paths import rule_paths_in
from ..sources import SummaryCache
from ..types import UserError
from .types import Commit, EventChange, PullRequestFacts, Tick

CONFIG_FILE = "pyproject.toml"
# Rule files in this folder of the owner's `.github` repository are every repository's defaults.
ORG_FOLDER = "productops"
# Sections of the rule files that the owner's `.github` repository may set for every repository.
# A repository that declares a section replaces the default; checklists merge by id.
INHERITED_SECTIONS = ("tickets", "epics", "checklists")


@dataclass(frozen=True)
class PullFile:
    """One entry of GitHub's `GET /repos/{owner}/{repo}/pulls/{n}/files`."""

    path: str
    status: str
    # The file's hunks; None when GitHub gives none (binary, too large, or renamed without changes).
    patch: str | None


class PullSource(Protocol):
    """Where a front end reads one pull request's repository."""

    def tree(self, sha: str) -> Mapping[str, str]:
        """path -> blob SHA of every blob of the commit."""
        ...

    def blob(self, sha: str) -> bytes: ...

    def blobs(self, shas: Sequence[str]) -> Mapping[str, bytes]:
        """Each of ``shas``, fetched together (concurrently, or from one git process)."""
        ...

    def commits(self) -> list[tuple[str, str]]:
        """(sha, message) of the PR's commits, oldest first."""
        ...

    def files(self) -> list[PullFile]:
        """The files the PR changes, with their patches, as GitHub's pull request files API lists them."""
        ...

    def owner_files(self, folder: str) -> list[tuple[str, str]] | None:
        """(path, text) of the YAML files under ``folder`` of the owner's `.github` repository."""
        ...


class CommitFiles:
    """One commit's files as the engine reads them; blobs fetched once, on demand or all together."""

    def __init__(
        self, tree: Mapping[str, str], fetch: Callable[[str], bytes], cache: dict[str, bytes] | None = None,
        fetch_many: Callable[[Sequence[str]], Mapping[str, bytes]] | None = None,
    ) -> None:
        self.tree = dict(tree)
        self._fetch = fetch
        self._fetch_many = fetch_many
        self._cache = cache if cache is not None else {}
        self._lock = threading.Lock()

    def prefetch(self) -> None:
        """Fetch together what an analysis reads: the pre-filter reads every Python file, and the
        import roots come from the packaging files. One at a time, a large tree is a GET per file."""
        if self._fetch_many is None:
            return
        wanted = [*self.paths(), *self.packaging_paths()]
        with self._lock:
            missing = list(dict.fromkeys(self.tree[p] for p in wanted if self.tree[p] not in self._cache))
        if missing:
            got = self._fetch_many(missing)
            with self._lock:
                self._cache.update(got)

    def paths(self) -> Iterable[str]:
        return sorted(p for p in self.tree if p.endswith(".py"))

    def read(self, path: str) -> bytes | None:
        sha = self.tree.get(path)
        if sha is None:
            return None
        with self._lock:
            if sha not in self._cache:
                self._cache[sha] = self._fetch(sha)
            return self._cache[sha]

    def text(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def packaging_paths(self) -> list[str]:
        return [p for p in self.tree if p.rpartition("/")[2] in PACKAGING_FILES]

    def packaging(self) -> dict[str, str]:
        return {p: t for p in self.packaging_paths() if (t := self.text(p)) is not None}


@dataclass(frozen=True)
class PrConfig:
    """The PR checks' effective rules, where each section came from, or why they could not be read."""

    plan: Plan | None
    config: Config = field(default_factory=Config)
    # section -> `file:line` (or `default`) it was taken from.
    origins: Mapping[str, str] = field(default_factory=dict)
    # Invalid config or rule files, one `file:line:col: reason` per line.
    error: str | None = None


def rule_paths(paths: Iterable[str], config: Config) -> list[str]:
    """The rule files ``config.registry`` names among ``paths`` (none is not an error here)."""
    return rule_paths_in(paths, config)


def _declared(value: Any) -> bool:
    if isinstance(value, (tuple, list, dict)):
        return bool(value)
    return getattr(value, "location", None) is not None


def _where(value: Any, fallback: str) -> str:
    location = getattr(value, "location", None)
    return str(location) if location is not None else fallback


def _merge_checklists(org: Sequence[Any], repo: Sequence[Any]) -> tuple[Any, ...]:
    ours = {getattr(c, "id", None) for c in repo}
    return tuple([c for c in org if getattr(c, "id", None) not in ours] + list(repo))


def merge_org_defaults(repo: Plan, org: Plan | None, org_label: str) -> tuple[Plan, dict[str, str]]:
    """``repo`` with the owner's defaults for each inherited section it does not declare."""
    origins: dict[str, str] = {}
    changes: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(repo)}
    for section in INHERITED_SECTIONS:
        if section not in names:
            continue  # a section this version of the rule files does not have
        mine = getattr(repo, section)
        theirs = getattr(org, section) if org is not None else None
        if section == "checklists" and theirs:
            changes[section] = _merge_checklists(theirs, mine or ())
            origins[section] = ", ".join(
                f"`{getattr(c, 'id', '?')}` from {org_label if c in theirs and c not in (mine or ()) else 'this repository'}"
                f" ({_where(c, '?')})" for c in changes[section]
            )
        elif _declared(mine) or not _declared(theirs):
            origins[section] = _where(mine, "default") if _declared(mine) else "default"
        else:
            changes[section] = theirs
            origins[section] = f"{org_label} ({_where(theirs, '?')})"
    return (dataclasses.replace(repo, **changes) if changes else repo), origins


def load_pr_config(base: CommitFiles, org_files: list[tuple[str, str]] | None, org_label: str) -> PrConfig:
    """The base branch's rules (a PR cannot loosen its own checks) over the owner's defaults."""
    try:
        config = parse_config(base.text(CONFIG_FILE) or "", CONFIG_FILE) if CONFIG_FILE in base.tree else Config()
        files = [(p, base.text(p) or "") for p in rule_paths(base.tree, config)]
        plan = load_plan(files)
    except UserError as exc:
        return PrConfig(None, error="\n".join(str(p) for p in exc.problems))
    org: Plan | None = None
    if org_files:
        try:
            org = load_plan([(f"{org_label}/{p}", t) for p, t in org_files])
        except UserError as exc:
            return PrConfig(None, config, error="\n".join(str(p) for p in exc.problems))
    merged, origins = merge_org_defaults(plan, org, org_label)
    origins = {"registry": f"{config.source or 'default'}: {', '.join(config.registry)}", **origins}
    return PrConfig(merged, config, origins)


def _calls_events(provider: CommitFiles, config: Config, plan: Plan, targets: Sequence[str] | None,
                  cache: SummaryCache | None) -> set[str]:
    provider.prefetch()
    if not config.src:
        config = with_inferred_roots(config, list(provider.paths()), provider.packaging())
    result = analyze(provider, config, plan, targets=targets, cache=cache)
    return {c.event for c in result.calls if c.event is not None}


def event_changes(base: CommitFiles, head: CommitFiles, pr: PrConfig, changed: Sequence[str],
                  cache: SummaryCache | None = None) -> tuple[EventChange, ...]:
    """Events the PR adds or changes in the plan, and events its code newly tracks; ``cache`` keeps
    the files' summaries (the App shares one with its tracking-plan check)."""
    if pr.plan is None:
        return ()
    base_plan, config = pr.plan, pr.config
    try:
        head_plan = load_plan([(p, head.text(p) or "") for p in rule_paths(head.tree, config)])
    except UserError:
        head_plan = base_plan  # the tracking-plan check reports broken rule files; judge by the base
    out: dict[str, EventChange] = {}

    def change(name: str, kind: str) -> EventChange:
        spec = head_plan.get(name) or base_plan.get(name)
        return EventChange(
            name, kind, epic=getattr(spec, "epic", None), owner=getattr(spec, "owner", None),
            description=getattr(spec, "description", None) or None, status=getattr(spec, "status", None),
            registered=spec is not None,
        )

    diff = diff_plans(base_plan, head_plan)
    for c in diff.changes:
        if c.kind == "event_added" or (c.kind == "event_renamed"):
            out.setdefault(c.event, change(c.event, "plan-added"))
        elif c.kind != "event_removed":
            out.setdefault(c.event, change(c.event, "plan-changed"))
    python = [p for p in changed if p.endswith(".py")]
    head_targets = [p for p in python if p in head.tree]
    if head_targets:
        sent = _calls_events(head, config, head_plan, head_targets, cache)
        base_targets = [p for p in python if p in base.tree]
        # New files only: the base has nothing to compare, and an empty list of targets still
        # works out the whole project's picture.
        before = _calls_events(base, config, base_plan, base_targets, cache) if base_targets else set()
        candidates = sent - before - set(out)
        if candidates:
            # Sent from an unchanged file of the base too: not new. Only paid when a PR adds a call.
            candidates -= _calls_events(base, config, base_plan, None, cache)
        for name in sorted(candidates):
            out[name] = change(name, "tracked")
    return tuple(out[name] for name in sorted(out))


def joined_diff(files: Sequence[PullFile]) -> tuple[str, tuple[str, ...]]:
    """The PR's diff as `checklist.added_lines` reads it, and the files that have no patch to read."""
    parts: list[str] = []
    unread: list[str] = []
    for f in files:
        if f.patch is None:
            if f.status != "removed":  # a removed file adds no line the flag could be on
                unread.append(f.path)
            continue
        parts.append(f"+++ b/{f.path}\n{f.patch}\n")
    return "".join(parts), tuple(unread)


def facts_from_pull(
    repo: str, pull: Mapping[str, Any], commits: Sequence[tuple[str, str]], changed: Sequence[str],
    events: Sequence[EventChange] = (), ticks: Sequence[Tick] = (),
    diff_text: str | None = None, diff_unread: Sequence[str] = (),
) -> PullRequestFacts:
    """PullRequestFacts from GitHub's pull request JSON (the REST answer, or a webhook's `pull_request`)."""
    user = pull.get("user") or {}
    login = str(user.get("login") or "")
    return PullRequestFacts(
        repo=repo, number=int(pull["number"]), title=str(pull.get("title") or ""), body=str(pull.get("body") or ""),
        branch=str((pull.get("head") or {}).get("ref") or ""), base_branch=str((pull.get("base") or {}).get("ref") or ""),
        author=login, author_is_bot=user.get("type") == "Bot" or login.endswith("[bot]"),
        labels=tuple(str(label.get("name")) for label in pull.get("labels") or [] if label.get("name")),
        commits=tuple(Commit(sha, message) for sha, message in commits),
        changed_paths=tuple(changed), size=int(pull.get("additions") or 0) + int(pull.get("deletions") or 0),
        events=tuple(events), ticks=tuple(ticks), diff_text=diff_text, diff_unread=tuple(diff_unread),
    )


@dataclass(frozen=True)
class Gathered:
    facts: PullRequestFacts
    config: PrConfig


def gather(
    repo: str, pull: Mapping[str, Any], source: PullSource, ticks: Sequence[Tick] = (),
    cache: SummaryCache | None = None,
) -> Gathered:
    """Everything the checks read about ``pull``: config from its base, facts from its head."""
    blobs: dict[str, bytes] = {}
    base = CommitFiles(source.tree(str(pull["base"]["sha"])), source.blob, blobs, source.blobs)
    head = CommitFiles(source.tree(str(pull["head"]["sha"])), source.blob, blobs, source.blobs)
    owner = repo.split("/", 1)[0]
    pr_config = load_pr_config(base, source.owner_files(ORG_FOLDER), f"{owner}/.github")
    files = source.files()
    changed = [f.path for f in files]
    diff_text, unread = joined_diff(files)
    events = event_changes(base, head, pr_config, changed, cache)
    facts = facts_from_pull(repo, pull, source.commits(), changed, events, ticks, diff_text, unread)
    return Gathered(facts, pr_config)
