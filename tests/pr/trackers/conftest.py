"""Stand-in trackers on 127.0.0.1 for the tracker clients' tests: GitHub issues, Jira Cloud and Data Center, Linear."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # so `standins` imports as a package

from standins.github_api import make_app_key  # noqa: E402
from standins.github_fake_repos import GitHubStandIn  # noqa: E402
from standins.jira_api import JiraStandIn  # noqa: E402
from standins.linear_api import LinearStandIn  # noqa: E402
from trackers_support import APP_ID  # noqa: E402


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    return make_app_key()


@pytest.fixture
def github(app_key: tuple[str, str]) -> Iterator[GitHubStandIn]:
    server = GitHubStandIn(APP_ID, app_key[1])
    server.start()
    yield server
    server.stop()
    assert server.violations == [], "\n".join(server.violations)


@pytest.fixture
def github_token(github: GitHubStandIn) -> str:
    return github.issue_token(1, 3600)[0]


@pytest.fixture
def jira_cloud() -> Iterator[JiraStandIn]:
    server = JiraStandIn(cloud=True).start()
    yield server
    server.stop()
    assert server.violations == [], "\n".join(server.violations)


@pytest.fixture
def jira_dc() -> Iterator[JiraStandIn]:
    server = JiraStandIn(cloud=False).start()
    yield server
    server.stop()
    assert server.violations == [], "\n".join(server.violations)


@pytest.fixture
def linear() -> Iterator[LinearStandIn]:
    server = LinearStandIn().start()
    yield server
    server.stop()
    assert server.violations == [], "\n".join(server.violations)
