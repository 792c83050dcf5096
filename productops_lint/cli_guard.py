"""The last line of defence of every console script: typed errors as `file:line: reason`, never a traceback."""

from __future__ import annotations

import os
from typing import Any, ClassVar

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
