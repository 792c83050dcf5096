"""Settings from the environment, read and validated once at start-up."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, TypeVar
from urllib.parse import urlparse

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_QUEUE_PATH = "productops-queue.sqlite3"
CHECK_NAME = "productops/tracking-plan"


class SettingsError(Exception):
    """One or more settings are missing or invalid; each line names the setting."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{name}: {message}" for name, message in problems))


@dataclass(frozen=True)
class Settings:
    """Everything the App reads from its environment."""

    app_id: int
    private_key: str
    webhook_secret: str
    api_url: str = DEFAULT_API_URL
    redis_url: str | None = None
    queue_path: str = DEFAULT_QUEUE_PATH
    # Inline review comments posted per run; the rest stay annotations only.
    max_inline_comments: int = 20
    # A job whose worker stops renewing its lease for this long is handed to another worker.
    job_lease_seconds: float = 60.0
    # Attempts per job for transient GitHub errors, and the first retry's delay (doubles each time).
    max_attempts: int = 5
    retry_delay_seconds: float = 5.0
    # Pause between writes of one client, as GitHub asks of integrations (secondary rate limits).
    write_interval_seconds: float = 1.0
    check_name: str = CHECK_NAME

    @property
    def backend(self) -> str:
        return "redis" if self.redis_url else "sqlite"


def _read_secret_file(name: str, path: str) -> str:
    """The text of a key or secret file, with one warning line when group or others may read it."""
    try:
        text = Path(path).read_text()
        mode = Path(path).stat().st_mode
    except OSError as exc:
        raise ValueError(f"cannot read `{path}`: {exc.strerror}") from None
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        # A warning, not a refusal: some platforms mount secrets group-readable on purpose.
        log.warning("%s: `%s` is readable by %s; make it readable by the App's user only (chmod 600)",
                    name, path, "group and others" if mode & stat.S_IROTH and mode & stat.S_IRGRP
                    else "others" if mode & stat.S_IROTH else "its group")
    return text


def _private_key(env: Mapping[str, str]) -> str:
    text = env.get("GITHUB_PRIVATE_KEY", "")
    name = "GITHUB_PRIVATE_KEY"
    path = env.get("GITHUB_PRIVATE_KEY_PATH", "")
    if not text and path:
        name = "GITHUB_PRIVATE_KEY_PATH"
        text = _read_secret_file(name, path)
    if not text:
        raise LookupError("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH")
    # Platforms that cannot hold newlines in variables pass the PEM with literal "\n".
    text = text.replace("\\n", "\n").strip() + "\n"
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as exc:
        # The loader's message names what is wrong, never the key's text.
        raise ValueError(f"{name} is not a PEM private key without passphrase ({exc})") from None
    return text


def _webhook_secret(env: Mapping[str, str]) -> str:
    text = env.get("GITHUB_WEBHOOK_SECRET", "").strip()
    path = env.get("GITHUB_WEBHOOK_SECRET_PATH", "").strip()
    if not text and path:
        # The file's final newline is an editor's, not part of the secret.
        text = _read_secret_file("GITHUB_WEBHOOK_SECRET_PATH", path).rstrip("\r\n")
    if not text:
        raise LookupError("GITHUB_WEBHOOK_SECRET or GITHUB_WEBHOOK_SECRET_PATH")
    return text


def _url(value: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ValueError(f"`{value}` is not a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return value.rstrip("/")


def _positive(kind: Callable[[str], T], allow_zero: bool = False) -> Callable[[str], T]:
    def parse(value: str) -> T:
        try:
            number = kind(value)
        except ValueError:
            raise ValueError(f"`{value}` is not a number") from None
        if number < 0 or (number == 0 and not allow_zero):  # type: ignore[operator]
            raise ValueError(f"`{value}` must be {'zero or more' if allow_zero else 'more than zero'}")
        return number

    return parse


def _queue_path(value: str) -> str:
    parent = Path(value).expanduser().resolve().parent
    if not parent.is_dir():
        raise ValueError(f"folder `{parent}` does not exist")
    return str(Path(value).expanduser())


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise SettingsError naming each bad or missing one."""
    env = os.environ if environ is None else environ
    problems: list[tuple[str, str]] = []
    values: dict[str, object] = {}

    def read(name: str, field: str, parse: Callable[[str], object], required: bool = False) -> None:
        raw = env.get(name, "").strip()
        if not raw:
            if required:
                problems.append((name, "is required but not set"))
            return
        try:
            values[field] = parse(raw)
        except ValueError as exc:
            problems.append((name, str(exc)))

    read("GITHUB_APP_ID", "app_id", _positive(int), required=True)
    read("GITHUB_API_URL", "api_url", lambda v: _url(v, ("https", "http")))
    read("PRODUCTOPS_REDIS_URL", "redis_url", lambda v: _url(v, ("redis", "rediss", "unix")))
    read("PRODUCTOPS_QUEUE_PATH", "queue_path", _queue_path)
    read("PRODUCTOPS_MAX_INLINE_COMMENTS", "max_inline_comments", _positive(int, allow_zero=True))
    read("PRODUCTOPS_JOB_LEASE_SECONDS", "job_lease_seconds", _positive(float))
    read("PRODUCTOPS_MAX_ATTEMPTS", "max_attempts", _positive(int))
    read("PRODUCTOPS_RETRY_DELAY_SECONDS", "retry_delay_seconds", _positive(float, allow_zero=True))
    read("PRODUCTOPS_WRITE_INTERVAL_SECONDS", "write_interval_seconds", _positive(float, allow_zero=True))
    try:
        values["webhook_secret"] = _webhook_secret(env)
    except LookupError:
        problems.append(("GITHUB_WEBHOOK_SECRET", "is required but not set (or set GITHUB_WEBHOOK_SECRET_PATH)"))
    except ValueError as exc:
        problems.append(("GITHUB_WEBHOOK_SECRET_PATH", str(exc)))
    try:
        values["private_key"] = _private_key(env)
    except LookupError:
        problems.append(("GITHUB_PRIVATE_KEY", "is required but not set (or set GITHUB_PRIVATE_KEY_PATH)"))
    except ValueError as exc:
        name = "GITHUB_PRIVATE_KEY" if env.get("GITHUB_PRIVATE_KEY") else "GITHUB_PRIVATE_KEY_PATH"
        problems.append((name, str(exc)))
    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]


# Documented in docs/github-app.md; a test keeps the two in step.
ENVIRONMENT: dict[str, str] = {
    "GITHUB_APP_ID": "The App's numeric id (required).",
    "GITHUB_PRIVATE_KEY": "The App's private key, PEM text (this or GITHUB_PRIVATE_KEY_PATH is required).",
    "GITHUB_PRIVATE_KEY_PATH": "Path of a file holding the App's private key.",
    "GITHUB_WEBHOOK_SECRET": "The webhook secret set on the App (this or GITHUB_WEBHOOK_SECRET_PATH is required).",
    "GITHUB_WEBHOOK_SECRET_PATH": "Path of a file holding the webhook secret.",
    "GITHUB_API_URL": "REST API root; https://HOST/api/v3 for GitHub Enterprise Server.",
    "PRODUCTOPS_REDIS_URL": "Use Redis for the queue and delivery state (several replicas and workers).",
    "PRODUCTOPS_QUEUE_PATH": "SQLite file of the queue and delivery state when Redis is not set.",
    "PRODUCTOPS_MAX_INLINE_COMMENTS": "Inline review comments per run (default 20).",
    "PRODUCTOPS_JOB_LEASE_SECONDS": "How long a silent worker keeps a job before another takes it (default 60).",
    "PRODUCTOPS_MAX_ATTEMPTS": "Attempts per job on transient GitHub errors (default 5).",
    "PRODUCTOPS_RETRY_DELAY_SECONDS": "Delay before the first retry; doubles after each (default 5).",
    "PRODUCTOPS_WRITE_INTERVAL_SECONDS": "Pause between GitHub writes of one client (default 1).",
}
