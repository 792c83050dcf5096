"""``python -m github_app``: the same commands as ``productops-app``."""

from .cli import main

main()
