"""`productops-app`: serve (gunicorn, or Flask with --dev), worker (huey consumer), preview."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from productops_lint.cli_guard import GuardedGroup

from .settings import Settings, SettingsError, from_env


def _settings() -> Settings:
    try:
        return from_env()
    except SettingsError as exc:
        # A bad setting is the operator's to fix: name it, no traceback.
        for name, message in exc.problems:
            click.echo(f"productops-app: {name} {message}", err=True)
        sys.exit(2)


class _Group(GuardedGroup):
    """No traceback reaches an operator (see GuardedGroup)."""

    prefix = "productops-app: "


@click.group(cls=_Group)
@click.option("--log-level", default="INFO", show_default=True, help="Python logging level.")
def main(log_level: str) -> None:
    """The productops-lint GitHub App."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn (local use only).")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Receive webhooks on POST /webhook (health on GET /healthz)."""
    from . import create_app

    app = create_app(_settings())
    if dev:
        app.run(host=host, port=port)
        return
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return app

    _Gunicorn().run()


@main.command()
@click.option("--threads", default=2, show_default=True, type=int, help="Jobs run at once.")
def worker(threads: int) -> None:
    """Run queued jobs until SIGINT/SIGTERM; requeues jobs of workers that died."""
    from .context import Runtime
    from .queue import Worker

    runtime = Runtime(_settings())
    Worker(runtime.queue, workers=threads).run()


@main.command()
@click.argument("revisions", metavar="BASE..HEAD")
@click.option("--repo", "repo_path", default=".", show_default=True, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--max-inline-comments", default=20, show_default=True, type=int)
def preview(revisions: str, repo_path: str, fmt: str, max_inline_comments: int) -> None:
    """Print what the App would post for a PR from BASE to HEAD, without GitHub."""
    from .localgit import GitError
    from .preview import build_preview, preview_json, preview_text

    try:
        result = build_preview(repo_path, revisions, max_inline_comments)
    except (GitError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(preview_json(result) if fmt == "json" else preview_text(result), nl=False)
    sys.exit(1 if result.output.conclusion == "failure" else 0)
