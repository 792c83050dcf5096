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
    # One byte over the cap: a chunked body has no Content-Length, and Werkzeug cuts it silently at
    # this limit, so only a body that reads longer than the cap can be told apart (views answers 413).
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1
    app.extensions["productops"] = runtime or Runtime(settings)
    app.register_blueprint(bp)
    return app


__all__ = ["Settings", "create_app"]
