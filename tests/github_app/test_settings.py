"""Settings come from the environment once; a bad one stops start-up naming the setting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import ROOT

from github_app.settings import ENVIRONMENT, SettingsError, from_env


@pytest.fixture
def env(app_key: tuple[str, str]) -> dict[str, str]:
    return {"GITHUB_APP_ID": "12", "GITHUB_PRIVATE_KEY": app_key[0], "GITHUB_WEBHOOK_SECRET": "s"}


def problems(environ: dict[str, str]) -> dict[str, str]:
    with pytest.raises(SettingsError) as caught:
        from_env(environ)
    return dict(caught.value.problems)


def test_defaults(env: dict[str, str]) -> None:
    settings = from_env(env)
    assert settings.app_id == 12 and settings.api_url == "https://api.github.com"
    assert settings.backend == "sqlite" and settings.redis_url is None
    assert settings.max_inline_comments == 20


def test_private_key_with_escaped_newlines_and_from_a_file(env: dict[str, str], tmp_path: Path) -> None:
    escaped = {**env, "GITHUB_PRIVATE_KEY": env["GITHUB_PRIVATE_KEY"].replace("\n", "\\n")}
    assert from_env(escaped).private_key.startswith("-----BEGIN PRIVATE KEY-----\n")
    key = tmp_path / "app.pem"
    key.write_text(env["GITHUB_PRIVATE_KEY"])
    by_path = {k: v for k, v in env.items() if k != "GITHUB_PRIVATE_KEY"} | {"GITHUB_PRIVATE_KEY_PATH": str(key)}
    assert from_env(by_path).private_key == env["GITHUB_PRIVATE_KEY"]


def test_ghes_api_url_and_redis(env: dict[str, str]) -> None:
    settings = from_env({**env, "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
                         "PRODUCTOPS_REDIS_URL": "redis://cache:6379/2"})
    assert settings.api_url == "https://ghe.example.com/api/v3"
    assert settings.backend == "redis"


def test_every_missing_required_setting_is_named() -> None:
    assert set(problems({})) == {"GITHUB_APP_ID", "GITHUB_WEBHOOK_SECRET", "GITHUB_PRIVATE_KEY"}


@pytest.mark.parametrize(
    "name, value",
    [
        ("GITHUB_APP_ID", "twelve"),
        ("GITHUB_APP_ID", "-3"),
        ("GITHUB_PRIVATE_KEY", "not a key"),
        ("GITHUB_PRIVATE_KEY_PATH", "/nonexistent/key.pem"),
        ("GITHUB_API_URL", "ftp://example.com"),
        ("PRODUCTOPS_REDIS_URL", "http://cache:6379"),
        ("PRODUCTOPS_QUEUE_PATH", "/nonexistent/folder/queue.db"),
        ("PRODUCTOPS_MAX_INLINE_COMMENTS", "many"),
        ("PRODUCTOPS_JOB_LEASE_SECONDS", "0"),
    ],
)
def test_invalid_setting_is_named(env: dict[str, str], name: str, value: str) -> None:
    environ = {**env, name: value}
    if name == "GITHUB_PRIVATE_KEY_PATH":
        del environ["GITHUB_PRIVATE_KEY"]
    assert list(problems(environ)) == [name]


def test_start_up_with_a_missing_setting_names_it_without_a_traceback(tmp_path: Path) -> None:
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "GITHUB_APP_ID": "x"}
    for command in ("serve", "worker"):
        done = subprocess.run([sys.executable, "-m", "github_app", command], cwd=tmp_path, env=environ,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert "GITHUB_APP_ID" in done.stderr and "GITHUB_WEBHOOK_SECRET" in done.stderr
        assert "Traceback" not in done.stderr


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "github-app.md").read_text()
    documented = set(re.findall(r"`((?:GITHUB|PRODUCTOPS)_[A-Z0-9_]+)`", doc))
    assert documented == set(ENVIRONMENT)
    read = set(re.findall(r'"((?:GITHUB|PRODUCTOPS)_[A-Z0-9_]+)"', (ROOT / "github_app" / "settings.py").read_text()))
    assert read == set(ENVIRONMENT)
