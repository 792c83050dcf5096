"""The stand-in GitHub rejects what GitHub's description rejects, so a passing App test means something."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from standins.github_fake_repos import GitHubStandIn


@pytest.fixture
def server() -> Iterator[GitHubStandIn]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    running = GitHubStandIn(1, public).start()
    yield running
    running.stop()


def test_unknown_path_is_recorded(server: GitHubStandIn) -> None:
    response = requests.get(f"{server.url}/repos/a/b/nonexistent", timeout=10)
    assert response.status_code == 422
    assert len(server.violations) == 1 and "/repos/a/b/nonexistent" in server.violations[0]


def test_invalid_body_is_recorded(server: GitHubStandIn) -> None:
    response = requests.post(f"{server.url}/repos/a/b/check-runs", json={"name": "x"}, timeout=10)
    assert response.status_code == 422
    assert "head_sha" in server.violations[0]


def test_wrong_enum_in_body_is_recorded(server: GitHubStandIn) -> None:
    body = {"conclusion": "passed", "status": "completed"}
    requests.patch(f"{server.url}/repos/a/b/check-runs/1", json=body, timeout=10)
    assert len(server.violations) == 1


def test_valid_request_without_a_token_is_unauthorized_but_not_a_violation(server: GitHubStandIn) -> None:
    response = requests.post(f"{server.url}/repos/a/b/check-runs", json={"name": "x", "head_sha": "a" * 40}, timeout=10)
    assert response.status_code == 401
    assert server.violations == []


def test_injected_fault_answers_first(server: GitHubStandIn) -> None:
    server.fault("GET", r"/app$", status=502, times=1)
    assert requests.get(f"{server.url}/app", timeout=10).status_code == 502
    assert requests.get(f"{server.url}/app", timeout=10).status_code == 401
