"""WSGI entry for running under an external server: ``gunicorn 'github_app.wsgi:app'``."""

from __future__ import annotations

import sys

from . import create_app
from .settings import SettingsError, from_env

try:
    app = create_app(from_env())
except SettingsError as exc:
    sys.stderr.write("".join(f"productops-app: {name} {message}\n" for name, message in exc.problems))
    sys.exit(2)
