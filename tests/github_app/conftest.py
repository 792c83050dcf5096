"""Fixtures for the GitHub App: an App key, the stand-in GitHub API, settings, runtime and worker."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Iterable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # so `standins` imports as a package

from app_helpers import REPO, SECRET  # noqa: E402
from github import GithubRetry  # noqa: E402
from shop_pr import NUMBER, ShopPR, make_shop_pr  # noqa: E402
from standins.github_api import make_app_key  # noqa: E402
from standins.github_fake_repos import GitHubStandIn  # noqa: E402
from standins.redis_server import RedisServer  # noqa: E402

from github_app.context import Runtime  # noqa: E402
from github_app.github import GitHubApp, make_retry  # noqa: E402
from github_app.localgit import LocalRepo  # noqa: E402
from github_app.queue import Worker  # noqa: E402
from github_app.settings import Settings  # noqa: E402

APP_ID = 4242


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    return make_app_key()


@pytest.fixture
def standin(app_key: tuple[str, str]) -> Iterator[GitHubStandIn]:
    server = GitHubStandIn(APP_ID, app_key[1]).start()
    yield server
    server.stop()
    assert server.violations == [], "requests that break GitHub's API description:\n" + "\n".join(server.violations)


@pytest.fixture
def settings(tmp_path: Path, standin: GitHubStandIn, app_key: tuple[str, str]) -> Settings:
    return Settings(
        app_id=APP_ID,
        private_key=app_key[0],
        webhook_secret=SECRET,
        api_url=standin.url,
        queue_path=str(tmp_path / "queue.sqlite3"),
        job_lease_seconds=3.0,
        max_attempts=3,
        retry_delay_seconds=0.1,
        write_interval_seconds=0.0,
    )


@pytest.fixture
def runtime(settings: Settings) -> Runtime:
    # PyGithub's retries without its backoff sleeps (Retry-After is still honoured).
    retry = GithubRetry(total=4, backoff_factor=0, allowed_methods=make_retry().allowed_methods)
    return Runtime(settings, github=GitHubApp(settings, retry=retry))


@pytest.fixture
def worker(runtime: Runtime) -> Iterator[Worker]:
    """A real huey consumer (threads) on the same storage as the web side."""
    running = Worker(runtime.queue, workers=2)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def client(runtime: Runtime):  # type: ignore[no-untyped-def]
    from github_app import create_app

    return create_app(runtime.settings, runtime).test_client()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = RedisServer().start()
    except RuntimeError as exc:
        pytest.fail(f"the Redis backend tests need redis-server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


# Modules whose every log line (any logger, any thread, DEBUG and up) is scanned for secrets.
SCANNED = ("test_end_to_end", "test_faults_", "test_secrets_", "test_hostile_")


def secret_texts(private_key: str, tokens: Iterable[str]) -> list[str]:
    """What must never be logged: the webhook secret, each line of the key's body, every token issued."""
    body = [line for line in private_key.splitlines() if line and not line.startswith("-----")]
    return [SECRET, *body, *(t for t in tokens if t)]


def leaked(records: Iterable[logging.LogRecord], secrets: list[str]) -> list[str]:
    """`logger: line` for each record that contains one of ``secrets`` (message or traceback)."""
    formatter = logging.Formatter()
    found = []
    for record in records:
        text = record.getMessage() + (formatter.formatException(record.exc_info) if record.exc_info else "")
        if any(secret in text for secret in secrets):
            found.append(f"{record.name}: {text[:200]}")
    return found


@pytest.fixture(autouse=True)
def no_secret_in_logs(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """In the end-to-end, fault and secrets tests: no log line holds a secret or a token (checked last)."""
    if not request.module.__name__.rpartition(".")[2].startswith(SCANNED):
        yield
        return
    caplog.set_level(logging.DEBUG)
    # PyGithub keeps its logger at INFO; an operator chasing a problem turns it to DEBUG, where it
    # logs each request and answer body. Scanned that way, as the worst case.
    caplog.set_level(logging.DEBUG, logger="github")
    yield
    # Set up first, so torn down after the worker and the stand-in: every line is in by now.
    args = request.node.funcargs
    standin = args.get("standin")
    key = args.get("app_key") or ("", "")
    found = leaked(caplog.records, secret_texts(key[0], standin.issued if standin is not None else []))
    assert not found, "secrets in log lines:\n" + "\n".join(found)


@pytest.fixture
def shop(tmp_path: Path, standin: GitHubStandIn) -> ShopPR:
    """The example shop's pull request (shop_pr.py), open on the stand-in."""
    pr = make_shop_pr(tmp_path)
    standin.add_repo(REPO, LocalRepo(pr.path))
    standin.open_pull(REPO, NUMBER, "main", "feature")
    return pr
