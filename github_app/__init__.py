"""The productops-lint GitHub App: create_app(settings) builds the Flask app that receives webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

from .settings import Settings

if TYPE_CHECKING:
    from .context import Runtime


def create_app(settings: Settings, runtime: "Runtime | None" = None) -> Flask:
    """The webhook receiver; jobs go to the queue that ``productops-app worker`` consumes."""
    from .context import Runtime
    from .views import bp
    from .webhook import MAX_BODY_BYTES

    app = Flask("github_app")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["productops"] = runtime or Runtime(settings)
    app.register_blueprint(bp)
    return app


__all__ = ["Settings", "create_app"]
