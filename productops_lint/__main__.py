"""`python -m productops_lint` runs the CLI."""

from .scripts import lint

if __name__ == "__main__":
    lint()
