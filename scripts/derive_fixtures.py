"""Copy or derive third-party test data into tests/data/, one function per fixture set.

Usage: python scripts/derive_fixtures.py [name...]   (no names: every set)

Each set reads from the fixture source folder (``--source``, default below) and writes under
``tests/data/<name>/`` (or, for data a package ships, where ``DESTINATIONS`` says). The tests use only the in-repo copies, so they run without the source.
To add a set, write a ``derive_<name>(source: Path, dest: Path) -> None`` function and list it
in ``FIXTURE_SETS``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
DEFAULT_SOURCE = Path("/work/shared/fixtures")

# The official SARIF 2.1.0 schema must stay byte-for-byte as published; tests check this digest too.
SARIF_SCHEMA_NAME = "sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


class FixtureError(Exception):
    """A source file is missing or not what we expect."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(source: Path, dest: Path, names: list[str]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not (source / name).is_file():
            raise FixtureError(f"missing {source / name}")
        shutil.copyfile(source / name, dest / name)


def derive_sarif(source: Path, dest: Path) -> None:
    """The SARIF 2.1.0 JSON Schema, unmodified, with its README (origin) and LICENSE."""
    folder = source / "sarif"
    if (folder / SARIF_SCHEMA_NAME).is_file() and _sha256(folder / SARIF_SCHEMA_NAME) != SARIF_SCHEMA_SHA256:
        raise FixtureError(f"{folder / SARIF_SCHEMA_NAME} is not the published schema (digest differs)")
    _copy(folder, dest, [SARIF_SCHEMA_NAME, "README.md", "LICENSE"])


# The REST operations the GitHub App makes (github_app/github.py); the stand-in GitHub server in
# tests/standins rejects any request that matches none of them.
GITHUB_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("get", "/app"),
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("patch", "/repos/{owner}/{repo}/pulls/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"),
    ("get", "/repos/{owner}/{repo}/git/blobs/{file_sha}"),
    ("post", "/repos/{owner}/{repo}/check-runs"),
    ("patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
    ("get", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    # The PR checks (epic link, launch checklist) and the PR comment commands.
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/commits"),
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    # GitHub Issues as the epic check's tracker (productops_lint/pr/trackers/github_issues.py).
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/parent"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues"),
)

# Webhook examples the GitHub App tests deliver, copied byte for byte: (folder, file).
WEBHOOK_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("pull_request", "opened.payload.json"),
    ("pull_request", "synchronize.payload.json"),
    ("pull_request", "reopened.payload.json"),
    ("pull_request", "ready_for_review.with-installation.payload.json"),
    ("pull_request", "closed.payload.json"),
    ("check_suite", "requested.payload.json"),
    ("check_suite", "rerequested.payload.json"),
    ("check_run", "rerequested.payload.json"),
    ("check_run", "requested_action.payload.json"),
    ("pull_request", "labeled.payload.json"),
    ("pull_request", "unlabeled.payload.json"),
    ("issue_comment", "created.with-installation.payload.json"),
)

# Payload schemas the tests validate derived payloads against (plus everything they reference).
WEBHOOK_DEFINITIONS: tuple[str, ...] = (
    "pull_request$edited",
    "pull_request$opened",
    "pull_request$synchronize",
    "check_suite$requested",
    "check_suite$rerequested",
    "check_run$rerequested",
    "check_run$requested_action",
    "issue_comment$created",
)


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _closure(document: dict[str, Any], roots: list[Any]) -> set[str]:
    """Every local ``$ref`` reachable from ``roots``."""
    seen: set[str] = set()
    todo = [ref for root in roots for ref in _refs(root)]
    while todo:
        ref = todo.pop()
        if ref in seen or not ref.startswith("#/"):
            continue
        seen.add(ref)
        todo.extend(_refs(_resolve(document, ref)))
    return seen


def _load_json(path: Path) -> Any:
    if not path.is_file():
        raise FixtureError(f"missing {path}")
    return json.loads(path.read_text())


def derive_github_openapi(source: Path, dest: Path) -> None:
    """GitHub's REST description trimmed to the App's operations and the components they reference."""
    folder = source / "github-openapi"
    full = _load_json(folder / "api.github.com.json")
    paths: dict[str, dict[str, Any]] = {}
    for method, path in GITHUB_OPERATIONS:
        item = full["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method] = item[method]
    trimmed: dict[str, Any] = {
        "openapi": full["openapi"], "info": full["info"], "servers": full["servers"],
        "paths": paths, "components": {},
    }
    for ref in sorted(_closure(full, [paths])):
        _, section, kind, name = ref.split("/", 3)
        trimmed[section].setdefault(kind, {})[name] = _resolve(full, ref)
    _copy(folder, dest, ["LICENSE"])
    (dest / "README.md").write_text(
        "# Trimmed GitHub REST API description (third-party test data)\n\n"
        "`trimmed.json` is derived by `scripts/derive_fixtures.py github-openapi` from GitHub's official\n"
        "OpenAPI description (`api.github.com.json` of the npm package `@octokit/openapi` 23.0.2; upstream\n"
        "https://github.com/github/rest-api-description). Only the operations the GitHub App makes are\n"
        "kept, with every component they reference; nothing else is changed. License: MIT, see LICENSE.\n"
    )
    (dest / "trimmed.json").write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")


def definition_schema(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A schema that validates one event payload (``pull_request$edited``) against ``schema``."""
    return {"$schema": schema["$schema"], "definitions": schema["definitions"], "$ref": f"#/definitions/{name}"}


def _pull_request_edited(opened: dict[str, Any]) -> dict[str, Any]:
    # GitHub publishes no `edited` example; it is `opened` plus the `changes` it reports.
    edited = copy.deepcopy(opened)
    edited["action"] = "edited"
    edited["changes"] = {"body": {"from": "The body before the edit"}}
    return edited


def derive_github_webhooks(source: Path, dest: Path) -> None:
    """The webhook examples the App tests deliver, a derived `pull_request.edited`, a trimmed schema."""
    import jsonschema

    folder = source / "github-webhooks"
    for event, name in WEBHOOK_EXAMPLES:
        _copy(folder / event, dest / event, [name])
    _copy(folder, dest, ["LICENSE"])
    full_schema = _load_json(source / "github-webhook-schemas" / "schema.json")
    roots = [{"$ref": f"#/definitions/{name}"} for name in WEBHOOK_DEFINITIONS]
    keep = {ref.rsplit("/", 1)[1] for ref in _closure(full_schema, roots)}
    schema = {
        "$schema": full_schema["$schema"],
        "definitions": {k: v for k, v in full_schema["definitions"].items() if k in keep},
        "oneOf": roots,
    }
    (dest / "schema.json").write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    shutil.copyfile(source / "github-webhook-schemas" / "LICENSE", dest / "schema.LICENSE")
    edited = _pull_request_edited(_load_json(folder / "pull_request" / "opened.payload.json"))
    try:
        jsonschema.validate(edited, definition_schema(schema, "pull_request$edited"))
    except jsonschema.ValidationError as exc:
        raise FixtureError(f"derived pull_request.edited does not match the schema: {exc.message}") from None
    (dest / "pull_request" / "edited.derived.json").write_text(json.dumps(edited, indent=2) + "\n")
    (dest / "README.md").write_text(
        "# GitHub webhook example payloads (third-party test data)\n\n"
        "Unmodified copies of example payloads from https://github.com/octokit/webhooks\n"
        "(`payload-examples/api.github.com/`, commit 3a58428aa5c399cf5aa12c8663aea1fb1f515254), made by\n"
        "`scripts/derive_fixtures.py github-webhooks`. `pull_request/edited.derived.json` is derived from\n"
        "`opened.payload.json` (action `edited` plus a `changes` object) and validated against\n"
        "`schema.json`, trimmed from `@octokit/webhooks-schemas` 7.6.1 to the events the App handles.\n"
        "License: MIT, see LICENSE (payloads) and schema.LICENSE (schema).\n"
    )


# The events and actions github_app/handlers route (tests/github_app/test_shapes.py holds them equal).
APP_ROUTES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pull_request", ("edited", "labeled", "opened", "ready_for_review", "reopened", "synchronize", "unlabeled")),
    ("check_suite", ("requested", "rerequested")),
    ("check_run", ("requested_action", "rerequested")),
    ("issue_comment", ("created",)),
)
APP_SCHEMA_DIR = REPO / "github_app" / "webhook_schema"


# Fields GitHub added to repositories and comments in recent years: older deliveries and the REST
# shapes of the same objects (which tests and some proxies forward) lack them, and the App reads none.
NEWER_FIELDS = frozenset({"custom_properties", "is_template", "visibility", "web_commit_signoff_required",
                          "performed_via_github_app", "reactions"})


def _relax(node: Any, key: str = "") -> Any:
    """``node`` without `additionalProperties: false`, enums other than `action`'s, NEWER_FIELDS required,
    or fields pinned to null by the action.

    GitHub adds payload fields and enum values (new events an App can subscribe to, new
    `author_association`s) without notice; the App checks the shape of what it reads, so a new
    field or value must not turn a real delivery away.
    """
    if isinstance(node, list):
        return [_relax(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for name, value in node.items():
        if name == "additionalProperties" and value is False:
            continue
        if name == "enum" and key != "action" and isinstance(value, list):
            continue
        if name == "required" and isinstance(value, list) and key != "properties":
            value = [field for field in value if field not in NEWER_FIELDS]
        if key == "properties" and value == {"type": "null"}:
            continue  # what the action implies (`opened`: not merged nor locked) is state, not shape
        out[name] = _relax(value, name)
    return out


def _require_what_examples_carry(definitions: dict[str, Any], examples: Path) -> None:
    """Drop from every `required` list the fields that one of GitHub's own example payloads omits.

    The schemas require fields that GitHub added later (`custom_properties`, `reactions`) and that
    its published examples, like older deliveries, do not carry. Each example of a routed event is
    tried as every routed action of it; only `required` failures count, others are the example's.
    """
    import jsonschema

    for _ in range(20):
        dropped = 0
        for event, actions in APP_ROUTES:
            for path in sorted((examples / event).glob("*.json")):
                payload = _load_json(path)
                for action in actions:
                    validator = jsonschema.Draft7Validator(
                        {"definitions": definitions, "$ref": f"#/definitions/{event}${action}"}
                    )
                    for error in validator.iter_errors({**payload, "action": action}):
                        for node in [error, *(error.context or [])]:
                            if node.validator == "required":
                                name = node.message.split("'")[1]
                                if name in node.schema.get("required", []):
                                    node.schema["required"].remove(name)
                                    dropped += 1
        if not dropped:
            return
    raise FixtureError("required fields kept changing while relaxing the webhook schemas")


def derive_app_webhook_schema(source: Path, dest: Path) -> None:
    """What the GitHub App validates deliveries against: the routed events' schemas, relaxed (see _relax)."""
    full_schema = _load_json(source / "github-webhook-schemas" / "schema.json")
    names = [f"{event}${action}" for event, actions in APP_ROUTES for action in actions]
    missing = [name for name in names if name not in full_schema["definitions"]]
    if missing:
        raise FixtureError(f"no webhook schema for {', '.join(missing)}")
    keep = {ref.rsplit("/", 1)[1] for ref in _closure(full_schema, [{"$ref": f"#/definitions/{n}"} for n in names])}
    definitions = {k: _relax(v) for k, v in full_schema["definitions"].items() if k in keep}
    _require_what_examples_carry(definitions, source / "github-webhooks")
    dest.mkdir(parents=True, exist_ok=True)
    document = {"$schema": full_schema["$schema"], "definitions": definitions}
    (dest / "schema.json").write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    shutil.copyfile(source / "github-webhook-schemas" / "LICENSE", dest / "LICENSE")
    (dest / "README.md").write_text(
        "# Webhook payload schemas the App checks deliveries against (third-party data)\n\n"
        "`schema.json` is derived by `scripts/derive_fixtures.py app-webhook-schema` from `@octokit/webhooks-schemas`\n"
        "7.6.1 (upstream https://github.com/octokit/webhooks): only the events and actions the App routes\n"
        "(`APP_ROUTES`), with the definitions they reference, without `additionalProperties: false`, without\n"
        "enums other than `action`'s, and not requiring fields that one of GitHub's example payloads omits, so\n"
        "that fields and values GitHub adds later are accepted and older ones are not required. License: MIT,\n"
        "see LICENSE.\n"
    )


# Sets that ship inside a package rather than under tests/data.
DESTINATIONS: dict[str, Path] = {"app-webhook-schema": APP_SCHEMA_DIR}

FIXTURE_SETS: dict[str, Callable[[Path, Path], None]] = {
    "app-webhook-schema": derive_app_webhook_schema,
    "sarif": derive_sarif,
    "github-openapi": derive_github_openapi,
    "github-webhooks": derive_github_webhooks,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="name", help=f"fixture sets: {', '.join(FIXTURE_SETS)}")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder holding the originals")
    args = parser.parse_args(argv)
    names = args.names or list(FIXTURE_SETS)
    unknown = [n for n in names if n not in FIXTURE_SETS]
    if unknown:
        parser.error(f"unknown fixture set(s): {', '.join(unknown)} (known: {', '.join(FIXTURE_SETS)})")
    for name in names:
        try:
            FIXTURE_SETS[name](args.source, DESTINATIONS.get(name, DATA / name))
        except FixtureError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: wrote {DESTINATIONS.get(name, DATA / name).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
