"""Secrets: the key and the webhook secret come from the environment or a file (a file others can read
is warned about), no log line holds a secret or a token, and tokens of any shape are used as given."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from app_helpers import REPO, SECRET, deliver, pull_request_payload, wait_for
from conftest import leaked, secret_texts
from shop_pr import NUMBER, ShopPR
from standins.github_fake_repos import GitHubStandIn

from github_app.context import Runtime
from github_app.queue import Worker
from github_app.settings import SettingsError, from_env


def _env(app_key: tuple[str, str], **extra: str) -> dict[str, str]:
    return {"GITHUB_APP_ID": "1", **extra}


def _write(path: Path, text: str, mode: int) -> str:
    path.write_text(text)
    os.chmod(path, mode)
    return str(path)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "github_app.settings" and r.levelno == logging.WARNING]


@pytest.mark.parametrize(("mode", "warned"), [(0o600, None), (0o640, "its group"), (0o604, "others"),
                                              (0o644, "group and others"), (0o400, None)])
def test_a_key_file_others_can_read_is_warned_about_once(
    tmp_path: Path, app_key: tuple[str, str], caplog: pytest.LogCaptureFixture, mode: int, warned: str | None
) -> None:
    caplog.set_level(logging.INFO)
    key = _write(tmp_path / "app.pem", app_key[0], mode)
    settings = from_env(_env(app_key, GITHUB_PRIVATE_KEY_PATH=key, GITHUB_WEBHOOK_SECRET=SECRET))
    assert settings.private_key.strip() == app_key[0].strip()
    lines = _warnings(caplog)
    if warned is None:
        assert lines == []
    else:
        assert len(lines) == 1 and key in lines[0] and f"readable by {warned}" in lines[0]
        assert "chmod 600" in lines[0]
    assert not leaked(caplog.records, secret_texts(app_key[0], []))


def test_the_webhook_secret_can_come_from_a_file(tmp_path: Path, app_key: tuple[str, str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    secret = _write(tmp_path / "secret", SECRET + "\n", 0o600)
    settings = from_env(_env(app_key, GITHUB_PRIVATE_KEY=app_key[0], GITHUB_WEBHOOK_SECRET_PATH=secret))
    assert settings.webhook_secret == SECRET, "the file's final newline is not part of the secret"
    assert _warnings(caplog) == []
    os.chmod(secret, 0o644)
    from_env(_env(app_key, GITHUB_PRIVATE_KEY=app_key[0], GITHUB_WEBHOOK_SECRET_PATH=secret))
    assert len(_warnings(caplog)) == 1


def test_an_unreadable_or_empty_secret_file_is_named_without_its_text(tmp_path: Path, app_key: tuple[str, str]) -> None:
    with pytest.raises(SettingsError) as missing:
        from_env(_env(app_key, GITHUB_PRIVATE_KEY=app_key[0], GITHUB_WEBHOOK_SECRET_PATH=str(tmp_path / "nope")))
    assert [name for name, _ in missing.value.problems] == ["GITHUB_WEBHOOK_SECRET_PATH"]
    empty = _write(tmp_path / "empty", "\n", 0o600)
    with pytest.raises(SettingsError) as blank:
        from_env(_env(app_key, GITHUB_PRIVATE_KEY=app_key[0], GITHUB_WEBHOOK_SECRET_PATH=empty))
    assert [name for name, _ in blank.value.problems] == ["GITHUB_WEBHOOK_SECRET"]
    bad_key = _write(tmp_path / "bad.pem", app_key[0].replace("A", "B", 40), 0o600)
    with pytest.raises(SettingsError) as wrong:
        from_env(_env(app_key, GITHUB_PRIVATE_KEY_PATH=bad_key, GITHUB_WEBHOOK_SECRET=SECRET))
    assert not any(line in str(wrong.value) for line in secret_texts(app_key[0], [])[1:])


def test_the_log_scanner_finds_each_kind_of_secret(app_key: tuple[str, str]) -> None:
    secrets = secret_texts(app_key[0], ["tok.en/with+odd=shape"])
    body_line = app_key[0].splitlines()[3]

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("x", logging.DEBUG, __file__, 1, message, None, None)

    assert leaked([record("nothing here")], secrets) == []
    for text in (f"secret {SECRET}", f"pem {body_line}", "token tok.en/with+odd=shape"):
        assert len(leaked([record(text)], secrets)) == 1


# Tokens GitHub could issue tomorrow: it documents no length or format (only that one is opaque).
ODD_TOKENS = {
    "long": lambda i, n: "ghs_" + "x" * 3000 + str(n),
    "jwt-like": lambda i, n: f"eyJhbGciOi.{n}eyJzdWIiOiIx.c2lnbmF0dXJl-_",
    "base64-symbols": lambda i, n: f"v1.{n}+/abc==",
    "quote-and-backslash": lambda i, n: f'q"{n}\\w',
    "short": lambda i, n: f"~{n}~",
    "no-prefix-digits": lambda i, n: str(10**20 + n),
}


@pytest.mark.parametrize("shape", list(ODD_TOKENS))
def test_tokens_of_any_shape_are_used_as_given_and_never_logged(
    client, worker: Worker, runtime: Runtime, standin: GitHubStandIn, shop: ShopPR,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture, app_key: tuple[str, str], shape: str,
) -> None:
    standin.token_shape = ODD_TOKENS[shape]
    # Revoked mid-job: a second token of the same shape is minted and used.
    standin.fault("GET", r"/git/trees/", revoke=True)
    deliver(client, "pull_request", pull_request_payload("synchronize", NUMBER, shop.head, shop.base), "odd-token")
    wait_for(lambda: runtime.store.delivery_state("odd-token") in ("succeeded", "failed"), what="the job")
    assert runtime.store.delivery_state("odd-token") == "succeeded"
    assert len(standin.issued) == 2
    runs = [r for r in standin.repos[REPO].check_runs.values() if r["name"] == "productops/tracking-plan"]
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
    # PyGithub logs each answer's body at DEBUG; the access-token answer is the token itself.
    assert any("access_tokens" in r.getMessage() for r in caplog.records), "the debug lines were captured"
    assert leaked(caplog.records, secret_texts(app_key[0], standin.issued)) == []
