"""The commit-msg hook's ``ticket_main(argv)`` called directly, in a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from hook_helpers import PLAN, git

from productops_lint.hooks import current_branch, ticket_main


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_env: dict[str, str]) -> Path:
    for key, value in hook_env.items():
        if key.startswith("GIT_"):
            monkeypatch.setenv(key, value)
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "pyproject.toml").write_text('[tool.productops]\nregistry = ["rules"]\n')
    (path / "rules").mkdir()
    (path / "rules" / "plan.yaml").write_text(PLAN)
    monkeypatch.chdir(path)
    return path


def _message(repo: Path, text: str) -> Path:
    path = repo / ".git" / "COMMIT_EDITMSG"
    path.write_text(text, encoding="utf-8")
    return path


def test_message_without_key_is_rejected_with_what_to_do(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ticket_main([str(_message(repo, "add cart\n"))]) == 1
    err = capsys.readouterr().err
    assert "commit message names no ticket: expected a key of project `SHOP`, such as `SHOP-123`" in err
    assert "`[trivial]`" in err


def test_message_with_key_passes(repo: Path) -> None:
    assert ticket_main([str(_message(repo, "SHOP-12: add cart\n"))]) == 0


def test_escape_word_from_the_rule_files_passes(repo: Path) -> None:
    assert ticket_main([str(_message(repo, "[trivial] fix typo\n"))]) == 0


def test_key_of_another_project_is_rejected(repo: Path) -> None:
    assert ticket_main([str(_message(repo, "APP-12: add cart\n"))]) == 1


def test_key_in_branch_name_is_added_when_asked(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "-b", "feature/shop-77-cart")
    message = _message(repo, "add cart\n# Please enter the commit message\n")
    assert ticket_main(["--add-from-branch", str(message)]) == 0
    assert message.read_text() == "SHOP-77: add cart\n# Please enter the commit message\n"
    assert "added `SHOP-77`" in capsys.readouterr().out


def test_key_in_branch_name_satisfies_the_rule_without_rewriting(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "SHOP-77-cart")
    message = _message(repo, "add cart\n")
    assert ticket_main([str(message)]) == 0
    assert message.read_text() == "add cart\n"


def test_merge_in_progress_needs_no_key(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "SHOP-5")
    (repo / ".git" / "MERGE_HEAD").write_text("0" * 40 + "\n")
    message = _message(repo, "Resolve conflicts with main\n")
    assert ticket_main(["--add-from-branch", str(message)]) == 0
    assert message.read_text() == "Resolve conflicts with main\n"


def test_arguments_replace_the_rule_files_keys(repo: Path) -> None:
    message = _message(repo, "APP-3: add cart\n")
    assert ticket_main(["--project-key", "APP", str(message)]) == 0
    assert ticket_main(["--pattern", r"#[0-9]+", str(_message(repo, "fix #12\n"))]) == 0


def test_custom_comment_char_is_honoured(repo: Path) -> None:
    git(repo, "config", "core.commentChar", ";")
    assert ticket_main([str(_message(repo, "; SHOP-1 only in a comment\nadd cart\n"))]) == 1


def test_message_in_another_encoding_is_kept_byte_for_byte(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "SHOP-8")
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_bytes("caf\xe9 ajout\u00e9\n".encode("latin-1"))
    assert ticket_main(["--add-from-branch", str(message)]) == 0
    assert message.read_bytes() == b"SHOP-8: " + "caf\xe9 ajout\u00e9\n".encode("latin-1")


def test_invalid_pattern_is_reported_with_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ticket_main(["--pattern", "([", str(_message(repo, "x\n"))]) == 2
    assert "not a valid regular expression" in capsys.readouterr().err


def test_missing_message_file_is_exit_2(repo: Path) -> None:
    assert ticket_main([str(repo / "nope")]) == 2


def test_branch_during_rebase_is_the_rebased_branch(repo: Path) -> None:
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "commit", "-q", "--no-verify", "-m", "SHOP-1: f")
    git(repo, "checkout", "-q", "--detach")
    assert current_branch() is None
    state = repo / ".git" / "rebase-merge"
    state.mkdir()
    (state / "head-name").write_text("refs/heads/feature/SHOP-9\n")
    assert current_branch() == "feature/SHOP-9"
