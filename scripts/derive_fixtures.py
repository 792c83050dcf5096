"""Copy or derive third-party test data into tests/data/, one function per fixture set.

Usage: python scripts/derive_fixtures.py [name...]   (no names: every set)

Each set reads from the fixture source folder (``--source``, default below) and writes under
``tests/data/<name>/``. The tests use only the in-repo copies, so they run without the source.
To add a set, write a ``derive_<name>(source: Path, dest: Path) -> None`` function and list it
in ``FIXTURE_SETS``.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
DEFAULT_SOURCE = Path("/work/shared/fixtures")

# The official SARIF 2.1.0 schema must stay byte-for-byte as published; tests check this digest too.
SARIF_SCHEMA_NAME = "sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


class FixtureError(Exception):
    """A source file is missing or not what we expect."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(source: Path, dest: Path, names: list[str]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not (source / name).is_file():
            raise FixtureError(f"missing {source / name}")
        shutil.copyfile(source / name, dest / name)


def derive_sarif(source: Path, dest: Path) -> None:
    """The SARIF 2.1.0 JSON Schema, unmodified, with its README (origin) and LICENSE."""
    folder = source / "sarif"
    if (folder / SARIF_SCHEMA_NAME).is_file() and _sha256(folder / SARIF_SCHEMA_NAME) != SARIF_SCHEMA_SHA256:
        raise FixtureError(f"{folder / SARIF_SCHEMA_NAME} is not the published schema (digest differs)")
    _copy(folder, dest, [SARIF_SCHEMA_NAME, "README.md", "LICENSE"])


FIXTURE_SETS: dict[str, Callable[[Path, Path], None]] = {
    "sarif": derive_sarif,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="name", help=f"fixture sets: {', '.join(FIXTURE_SETS)}")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder holding the originals")
    args = parser.parse_args(argv)
    names = args.names or list(FIXTURE_SETS)
    unknown = [n for n in names if n not in FIXTURE_SETS]
    if unknown:
        parser.error(f"unknown fixture set(s): {', '.join(unknown)} (known: {', '.join(FIXTURE_SETS)})")
    for name in names:
        try:
            FIXTURE_SETS[name](args.source, DATA / name)
        except FixtureError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: wrote {(DATA / name).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
