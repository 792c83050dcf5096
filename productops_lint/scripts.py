"""The console scripts (pyproject.toml): each runs its command and exits quickly."""

from __future__ import annotations

from typing import Callable, NoReturn


def lint() -> NoReturn:
    """``productops-lint``."""

    def command() -> object:
        from .cli import main

        return main.main(prog_name="productops-lint")

    _run(command)


def lint_hook() -> NoReturn:
    """``productops-lint-hook``: pre-commit passes the changed files."""
    from .hooks import lint_main

    _run(lint_main)


def fix_hook() -> NoReturn:
    """``productops-fix-hook``."""
    from .hooks import fix_main

    _run(fix_main)


def registry_hook() -> NoReturn:
    """``productops-registry-hook``."""
    from .hooks import registry_main

    _run(registry_main)


def ticket_hook() -> NoReturn:
    """``productops-ticket-hook`` (commit-msg)."""
    from .hooks import ticket_main

    _run(ticket_main)


def _run(command: Callable[[], object]) -> NoReturn:
    from .cli_guard import exit_now

    try:
        status = command()
    except SystemExit as exc:
        status = exc.code
    exit_now(status)
