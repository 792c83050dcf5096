"""`productops-app`: serve (gunicorn, or Flask with --dev), worker (huey consumer), jobs, preview."""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

import click

from productops_lint.cli_guard import GuardedGroup

from .settings import Settings, SettingsError, from_env

if TYPE_CHECKING:
    from .queue import JobQueue


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

    class _Gunicorn(BaseApplication):
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


def _queue() -> "JobQueue":
    from .context import Runtime

    return Runtime(_settings()).queue


@contextmanager
def _storage_errors(queue: "JobQueue") -> Iterator[None]:
    import sqlite3

    import redis

    try:
        yield
    except (redis.RedisError, sqlite3.Error) as exc:
        where = queue.settings.redis_url or queue.settings.queue_path
        raise click.ClickException(f"cannot reach the queue at {where}: {exc}") from None


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def jobs(ctx: click.Context, fmt: str) -> None:
    """List queued, running and dead jobs; `retry` or `drop` dead ones."""
    if ctx.invoked_subcommand is not None:
        return
    from .jobs import as_json, as_text

    queue = _queue()
    with _storage_errors(queue):
        records = queue.store.list_jobs() + queue.store.dead_jobs()
    click.echo(as_json(records) if fmt == "json" else as_text(records), nl=False)


@jobs.command("retry")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every job in the dead-letter list.")
def jobs_retry(ids: tuple[str, ...], every: bool) -> None:
    """Queue dead jobs again (by delivery id), with their attempts reset."""
    queue = _queue()
    with _storage_errors(queue):
        wanted = [job.id for job in queue.store.dead_jobs()] if every else list(ids)
        if not wanted:
            raise click.UsageError("name a job id, or pass --all" if not every else "no dead jobs")
        missing = [job_id for job_id in wanted if not queue.retry_dead(job_id)]
    for job_id in wanted:
        if job_id not in missing:
            click.echo(f"queued {job_id} again")
    if missing:
        raise click.ClickException(f"not in the dead-letter list: {', '.join(missing)}")


@jobs.command("drop")
@click.argument("ids", nargs=-1, required=True)
def jobs_drop(ids: tuple[str, ...]) -> None:
    """Remove dead jobs (by delivery id) from the dead-letter list for good."""
    queue = _queue()
    with _storage_errors(queue):
        missing = [job_id for job_id in ids if not queue.store.drop_dead(job_id)]
    for job_id in ids:
        if job_id not in missing:
            click.echo(f"dropped {job_id}")
    if missing:
        raise click.ClickException(f"not in the dead-letter list: {', '.join(missing)}")


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
