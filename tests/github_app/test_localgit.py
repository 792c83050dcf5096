"""LocalRepo reads blobs through one long-lived `git cat-file --batch`, with git's own errors for bad names."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from github_app.localgit import GitError, LocalRepo


def _repo(tmp_path: Path) -> tuple[LocalRepo, str]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.py").write_bytes(b"print('a')\n")
    (tmp_path / "empty.py").write_bytes(b"")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "one"], check=True, env=env)
    repo = LocalRepo(tmp_path)
    return repo, repo.rev_parse("HEAD")


def test_blobs_come_back_byte_for_byte_from_one_reader(tmp_path: Path) -> None:
    repo, head = _repo(tmp_path)
    tree = repo.tree(head)
    assert repo.blob(tree["a.py"]) == b"print('a')\n"
    assert repo.blob(tree["empty.py"]) == b""
    assert repo.blob(tree["a.py"]) == b"print('a')\n", "the reader answers again after an empty blob"
    # Many threads at once (the stand-in serves each request on its own thread).
    answers: list[bytes] = []
    threads = [threading.Thread(target=lambda: answers.append(repo.blob(tree["a.py"]))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [b"print('a')\n"] * 16
    repo.close()
    assert repo.blob(tree["a.py"]) == b"print('a')\n", "a closed reader is started again"
    assert repo._blobs is not None
    repo._blobs._process.kill()
    repo._blobs._process.wait()
    assert repo.blob(tree["a.py"]) == b"print('a')\n", "a reader that died is replaced"
    repo.close()


@pytest.mark.parametrize("name", ["0" * 40, "HEAD:a.py", "HEAD", "a.py\nHEAD", "tree"])
def test_a_name_that_is_not_a_blob_is_a_git_error(tmp_path: Path, name: str) -> None:
    repo, head = _repo(tmp_path)
    if name == "tree":
        name = repo.git("rev-parse", f"{head}^{{tree}}").decode().strip()
    with pytest.raises(GitError):
        repo.blob(name)
    assert repo.blob(repo.tree(head)["a.py"]) == b"print('a')\n", "the reader still answers"
    repo.close()
