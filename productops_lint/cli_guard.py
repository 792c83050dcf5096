"""The last line of defence of every console script: typed errors as `file:line: reason`, never a traceback, and a quick exit."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, ClassVar, NoReturn

import click

from .types import UserError


class GuardedGroup(click.Group):
    """A click group whose commands end with exit 2 and a readable message on any error.

    ``UserError`` problems print one per line with their location; anything unexpected prints
    one line naming the exception (``PRODUCTOPS_DEBUG=1`` shows the traceback instead).
    Subclasses set ``prefix`` to how their lines start.
    """

    prefix: ClassVar[str] = "error: "

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            for problem in exc.problems:
                click.echo(f"{self.prefix}{problem}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - never let a traceback reach a user
            if os.environ.get("PRODUCTOPS_DEBUG"):
                raise
            click.echo(
                f"{self.prefix}internal error: {type(exc).__name__}: {exc}\n"
                "Set PRODUCTOPS_DEBUG=1 to see the traceback, and please report it.",
                err=True,
            )
            ctx.exit(2)


def exit_now(status: object) -> NoReturn:
    """End the process with ``status`` once its output is flushed, skipping the interpreter's teardown.

    A run over 10,000 files leaves hundreds of thousands of objects that a normal exit frees one
    by one: about 45 ms, a tenth of a run over one changed file, for nothing (mypy exits the
    same way). Only a process with nothing left running leaves early; one with another thread or
    a child process, or whose output cannot be flushed, exits the normal way.
    """
    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:  # as `sys.exit("message")` does
        print(status, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # a closed pipe: let Python report it as it always does
    processes = sys.modules.get("multiprocessing")
    if threading.active_count() > 1 or (processes is not None and processes.active_children()):
        sys.exit(code)
    os._exit(code)
