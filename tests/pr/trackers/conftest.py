"""Stand-in trackers on 127.0.0.1 for the tracker clients' tests: GitHub issues, Jira Cloud and Data Center, Linear."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # so `standins` imports as a package

from standins.github_fake_repos import GitHubStandIn  # noqa: E402
from standins.jira_api import JiraStandIn  # noqa: E402
from standins.linear_api import LinearStandIn  # noqa: E402
from trackers_support import APP_ID  # noqa: E402


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


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
