"""The console scripts (pyproject.toml): each forks the warm worker when it may need one, runs its command, and exits quickly."""

from __future__ import annotations

import sys
from typing import Callable, NoReturn

from . import codecache
from .warm import discard, prestart

# Nothing heavier than `warm` is imported up here: the worker is forked before click and the
# rest of the tool load, so its import of libcst overlaps theirs (see warm.prestart). Each script
# installs the code cache first, so that the worker's imports use it too; importing this module
# changes nothing.


def lint() -> NoReturn:
    """``productops-lint``."""
    codecache.install()
    if "check" in sys.argv[1:]:
        prestart(sys.argv[1:])

    def command() -> object:
        from .cli import main

        return main.main(prog_name="productops-lint")

    _run(command)


def lint_hook() -> NoReturn:
    """``productops-lint-hook``: pre-commit passes the changed files."""
    codecache.install()
    prestart(sys.argv[1:])
    from .hooks import lint_main

    _run(lint_main)


def fix_hook() -> NoReturn:
    """``productops-fix-hook``."""
    codecache.install()
    prestart(sys.argv[1:])
    from .hooks import fix_main

    _run(fix_main)


def registry_hook() -> NoReturn:
    """``productops-registry-hook``."""
    codecache.install()
    from .hooks import registry_main

    _run(registry_main)


def ticket_hook() -> NoReturn:
    """``productops-ticket-hook`` (commit-msg)."""
    codecache.install()
    from .hooks import ticket_main

    _run(ticket_main)


def _run(command: Callable[[], object]) -> NoReturn:
    from .cli_guard import exit_now

    try:
        status = command()
    except SystemExit as exc:
        status = exc.code
    finally:
        discard()  # a worker forked for a run that did not take it
    codecache.save()
    exit_now(status)
