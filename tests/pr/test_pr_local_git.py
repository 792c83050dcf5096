"""`pr check` reads the checkout's blobs with one `git cat-file --batch`: what git holds, byte for byte; nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path

from productops_lint.pr.action import LocalGit

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}


def test_blobs_come_from_one_batch_and_only_blobs_the_checkout_holds(tmp_path: Path) -> None:
    files = {"a.py": b"print('a')\n", "empty.py": b"", "b.py": b"x = 1\r\n\n", "bin.dat": bytes(range(256))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "one"], check=True, env=ENV)
    git = LocalGit(tmp_path)
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    tree = git.tree(head)
    assert tree is not None
    tree_sha = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD^{tree}"], capture_output=True, text=True).stdout.strip()
    asked = [tree["a.py"], "0" * 40, tree["empty.py"], tree_sha, "HEAD:a.py", tree["bin.dat"], tree["b.py"]]

    found = git.blobs(asked)

    # The missing object, the tree and the name that is not an object id are left out; the
    # caller fetches those from the REST API (ActionPullSource.blobs).
    assert found == {tree[name]: data for name, data in files.items()}
    assert all(git.blob(sha) == data for sha, data in found.items())
