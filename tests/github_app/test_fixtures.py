"""Webhook payloads the tests send are what GitHub sends: checked against GitHub's payload schemas."""

from __future__ import annotations

import filecmp
import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest
from app_helpers import ROOT, WEBHOOKS, check_run_payload, check_suite_payload, pull_request_payload

SHARED = Path("/work/shared/fixtures")


def derive_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("derive_fixtures", ROOT / "scripts" / "derive_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def validator(definition: str) -> jsonschema.Draft7Validator:
    schema = json.loads((WEBHOOKS / "schema.json").read_text())
    return jsonschema.Draft7Validator(derive_module().definition_schema(schema, definition))


@pytest.mark.parametrize(
    "definition, payload",
    [
        ("pull_request$edited", json.loads((WEBHOOKS / "pull_request" / "edited.derived.json").read_text())),
        ("pull_request$edited", pull_request_payload("edited", 3, "a" * 40, "b" * 40)),
        ("pull_request$synchronize", pull_request_payload("synchronize", 3, "a" * 40, "b" * 40)),
        ("check_suite$requested", check_suite_payload("requested", "a" * 40, [])),
        ("check_suite$rerequested", check_suite_payload("rerequested", "a" * 40, [3])),
        ("check_run$rerequested", check_run_payload("a" * 40, [3])),
    ],
)
def test_payloads_sent_by_the_tests_match_githubs_schema(definition: str, payload: dict) -> None:
    errors = sorted(validator(definition).iter_errors(payload), key=str)
    assert errors == []


def test_the_schema_catches_a_broken_payload() -> None:
    payload = pull_request_payload("edited", 3, "a" * 40, "b" * 40)
    del payload["changes"]
    assert list(validator("pull_request$edited").iter_errors(payload))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the third-party originals in /work/shared are not on this machine")
def test_derived_fixtures_are_up_to_date(tmp_path: Path) -> None:
    module = derive_module()
    for folder in ("github-openapi", "github-webhooks"):
        module.FIXTURE_SETS[folder](SHARED, tmp_path / folder)
        assert_same_tree(filecmp.dircmp(tmp_path / folder, ROOT / "tests" / "data" / folder))


def assert_same_tree(compared: filecmp.dircmp) -> None:  # type: ignore[type-arg]
    assert not compared.diff_files and not compared.left_only and not compared.right_only, compared.left
    for sub in compared.subdirs.values():
        assert_same_tree(sub)
