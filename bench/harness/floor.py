"""The libcst floor: parse exactly the listed files with `libcst.parse_module` alone, spread over all cores.

    python floor.py LIST        # LIST: one path a line, relative to the current folder

The list is what `productops-lint debug --parsed` prints for the project: the files a cold run
parses. Nothing else is done with them, so a whole run of this script (interpreter start and
importing libcst included, as in every row) is the least any design that parses those files
with libcst can cost. The largest files go first, so the last worker does not start a big one
alone at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

# Imported before the workers are forked, so each starts with it loaded.
import libcst


def parse(path: str) -> int:
    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:  # a file libcst cannot parse still cost its attempt, as it does in the tool
        return 0
    return 1


def main(argv: list[str]) -> int:
    paths = [p for p in Path(argv[0]).read_text().splitlines() if p]
    paths.sort(key=lambda p: -os.stat(p).st_size)
    jobs = min(os.cpu_count() or 1, max(len(paths), 1))
    if jobs == 1:
        parsed = sum(map(parse, paths))
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parsed = sum(pool.imap_unordered(parse, paths, chunksize=1))
    print(f"{parsed} of {len(paths)} files parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
