"""What is measured: one Scenario per row of the results table, with the command that makes it.

All tools get the same folder and run with their defaults (all cores) unless a row says
otherwise. "Cold" means productops-lint's result cache is cleared; the file system cache is
warm for every tool (an untimed ripgrep pass reads the corpus first).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .corpus import Corpus, fixit_subset, quiet_file, small_file, touch_target
from .env import REPO, quiet_env, tool
from .measure import Run

CACHE_DIR = ".productops_cache"
# Candidate files by SDK or wrapper name: what any analytics linter must at least read.
RG_PATTERN = r"analytics|posthog|mixpanel|amplitude|snowplow|rudderstack|track_event|\.track\(|\.capture\("
_LOCATION = re.compile(r"^\S+?\.py[:@]\d+:\d+", re.MULTILINE)


@dataclass
class Scenario:
    """One measured row: a command run ``reps`` times, with a hook before each run."""

    key: str
    group: str  # corpus name, or "one-file"
    tool: str
    label: str
    cmd: list[str]
    cwd: Path
    reps: int
    before_each: Callable[[int], None] | None = None
    after_each: Callable[[], None] | None = None
    findings: Callable[[Run], int | None] = lambda run: None
    # For Fixit on a subset: lines measured vs lines of the whole corpus.
    subset_lines: int | None = None
    corpus_lines: int | None = None
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)


# --- counting what each tool reported, to show they did equivalent work ------------------------


def count_lines(run: Run) -> int:
    return len([line for line in run.stdout.splitlines() if line.strip()])


def count_locations(run: Run) -> int:
    return len(_LOCATION.findall(run.stdout))


def count_semgrep(run: Run) -> int | None:
    try:
        return len(json.loads(run.stdout)["results"])
    except (ValueError, KeyError):
        return None


def count_productops(run: Run) -> int | None:
    """Diagnostics of ``check --format json``; None when the output is not that JSON."""
    try:
        data = json.loads(run.stdout)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("diagnostics"), list):
        return len(data["diagnostics"])
    return len(data) if isinstance(data, list) else None


# --- hooks ------------------------------------------------------------------------------------


def clear_cache(root: Path) -> Callable[[int], None]:
    def hook(_: int) -> None:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

    return hook


class FileToucher:
    """Edits one file before a run, so content and mtime change; restores it after.

    The edit is one line appended: a comment, or (``function=True``) a new function, an edit that
    changes what other modules can see of the file.
    """

    MARKS = (b"# edited for benchmark run ", b"def _edited_for_benchmark_run_")

    def __init__(self, path: Path, function: bool = False) -> None:
        self.path = path
        self.function = function
        text = path.read_bytes()
        # A run killed mid-edit leaves its line behind; start from the clean file regardless.
        while text.endswith(b"\n") and text[text.rfind(b"\n", 0, -1) + 1 :].startswith(self.MARKS):
            text = text[: text.rfind(b"\n", 0, -1) + 1]
        self.original = text
        # In every edit: an edit never repeats one of an earlier benchmark run, whose answer the
        # project's result cache may still hold (a partial run, --only, clears no cache).
        self.run = time.time_ns()

    def before(self, rep: int) -> None:
        tag = f"{self.run}_{rep}"
        line = f"{tag}(): return {rep}" if self.function else tag
        self.path.write_bytes(self.original + self.MARKS[self.function] + f"{line}\n".encode())

    def restore(self) -> None:
        self.path.write_bytes(self.original)


# --- the scenario list ------------------------------------------------------------------------


def lint_cmd(*args: str) -> list[str]:
    return [tool("productops-lint"), "check", *args, "--format", "json"]


def semgrep_cmd(*paths: str) -> list[str]:
    return [
        tool("semgrep"), "scan", "--config", str(REPO / "bench/peers/semgrep.yml"),
        "--metrics=off", "--disable-version-check", "--no-git-ignore", "--json", "--quiet", *paths,
    ]


def fixit_cmd(*paths: str) -> list[str]:
    return [tool("fixit"), "--rules", "fixit_rule", "lint", *paths]


def lint_scenarios(corpus: Corpus, reps: int, jobs: tuple[int, ...], short_reps: int) -> list[Scenario]:
    """ripgrep and productops-lint on a whole corpus; the last row leaves a full, current cache.

    The rows that take well under a second (warm, after one edit) run ``short_reps`` times.
    """
    root, g = corpus.root, corpus.name
    toucher = FileToucher(touch_target(corpus))
    rows = [
        Scenario(f"{g}.ripgrep", g, "ripgrep", "ripgrep `rg -l` (I/O floor)",
                 [tool("rg"), "-l", "--no-ignore", "-t", "py", RG_PATTERN, "."], root, reps, findings=count_lines,
                 note="candidate files"),
        Scenario(f"{g}.cold", g, "productops-lint", "productops-lint cold", lint_cmd("."), root, reps,
                 before_each=clear_cache(root), findings=count_productops),
        Scenario(f"{g}.warm", g, "productops-lint", "productops-lint warm (nothing changed)", lint_cmd("."), root,
                 short_reps, findings=count_productops),
        Scenario(f"{g}.touched", g, "productops-lint", "productops-lint after editing one file", lint_cmd("."),
                 root, short_reps, before_each=toucher.before, after_each=toucher.restore, findings=count_productops,
                 extra={"edited": toucher.path.relative_to(root).as_posix()}),
    ]
    rows += [
        Scenario(f"{g}.jobs{n}", g, "productops-lint", f"productops-lint cold `--jobs {n}`",
                 lint_cmd(".", "--jobs", str(n)), root, reps, before_each=clear_cache(root), findings=count_productops)
        for n in jobs
    ]
    return rows


def peer_scenarios(corpus: Corpus, reps: int, fixit_lines: int, fixit_reps: int) -> list[Scenario]:
    root, g = corpus.root, corpus.name
    subset, subset_lines = fixit_subset(corpus, fixit_lines)
    return [
        Scenario(f"{g}.semgrep", g, "semgrep", "semgrep (one pattern rule)", semgrep_cmd("."), root, reps,
                 findings=count_semgrep),
        Scenario(f"{g}.fixit", g, "fixit", "Fixit 2 (one LintRule)", fixit_cmd(*subset), root, fixit_reps,
                 findings=count_locations, subset_lines=subset_lines, corpus_lines=corpus.lines,
                 note=f"{len(subset)} of {corpus.files} files, scaled by lines"),
    ]


def one_file_scenarios(corpus: Corpus, reps: int, short_reps: int) -> list[Scenario]:
    """One small file just edited, as pre-commit passes it: wall time with interpreter start-up.

    productops-lint's rows and the interpreter floor take well under a second: they run
    ``short_reps`` times; ``--no-cache``, semgrep and Fixit run ``reps`` times.

    productops-lint runs with the project's cache as a previous full run left it (these rows
    follow the whole-corpus rows), and once with ``--no-cache``. The file that tracks nothing
    goes first: the tracking file's row restores its file after each run, which leaves the saved
    state behind that file's content, a drift a real commit sequence does not have.
    """
    root = corpus.root
    edited = FileToucher(small_file(corpus))
    path = edited.path.relative_to(root).as_posix()
    hooks = {"before_each": edited.before, "after_each": edited.restore}
    widened = FileToucher(edited.path, function=True)

    def resync() -> None:
        # Untimed: the file with only a comment added is checked once, so the saved state no
        # longer holds the new function; otherwise the next row's comment edit would be compared
        # with the widened file. (A unique comment: a run answered from the result cache would
        # leave the state as it is.)
        edited.before(10_000 + next(resyncs))
        subprocess.run(lint_cmd(path), cwd=root, env=quiet_env(), capture_output=True, check=False)
        widened.restore()

    resyncs = itertools.count()
    quiet = FileToucher(quiet_file(corpus))
    quiet_path = quiet.path.relative_to(root).as_posix()
    return [
        Scenario("one.python", "one-file", "python", "`python -c pass` (interpreter floor)",
                 [str(Path(tool("python"))), "-c", "pass"], root, short_reps),
        Scenario("one.quiet", "one-file", "productops-lint",
                 f"productops-lint, a small file that tracks nothing (`{quiet_path}`), project cache present",
                 lint_cmd(quiet_path), root, short_reps, findings=count_productops, extra={"file": quiet_path},
                 before_each=quiet.before, after_each=quiet.restore),
        Scenario("one.warm", "one-file", "productops-lint", "productops-lint, one file (project cache present)",
                 lint_cmd(path), root, short_reps, findings=count_productops, extra={"file": path}, **hooks),
        Scenario("one.function", "one-file", "productops-lint",
                 "productops-lint, one file, a new function appended (the project's wrappers are inferred again)",
                 lint_cmd(path), root, short_reps, findings=count_productops,
                 before_each=widened.before, after_each=resync),
        Scenario("one.nocache", "one-file", "productops-lint", "productops-lint, one file, `--no-cache`",
                 lint_cmd(path, "--no-cache"), root, reps, findings=count_productops, **hooks),
        Scenario("one.semgrep", "one-file", "semgrep", "semgrep, one file", semgrep_cmd(path), root, reps,
                 findings=count_semgrep, **hooks),
        Scenario("one.fixit", "one-file", "fixit", "Fixit, one file", fixit_cmd(path), root, reps,
                 findings=count_locations, **hooks),
    ]


# --- the real projects -------------------------------------------------------------------------

FLOOR_SCRIPT = Path(__file__).resolve().with_name("floor.py")


def count_parsed(run: Run) -> int | None:
    """Files the floor script parsed (its one line of output)."""
    match = re.match(r"(\d+) of \d+ files parsed", run.stdout.strip())
    return int(match.group(1)) if match else None


def parsed_list(corpus: Corpus, out: Path) -> int:
    """Write the files a cold run of productops-lint parses (`debug --parsed`) to ``out``; their number."""
    done = subprocess.run([tool("productops-lint"), "debug", "--parsed"], cwd=corpus.root, env=quiet_env(),
                          capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{corpus.name}: `debug --parsed` exited {done.returncode}: {done.stderr[-1500:]}")
    paths = [p for p in done.stdout.splitlines() if p]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{p}\n" for p in paths))
    return len(paths)


def floor_scenario(corpus: Corpus, listing: Path, files: int, reps: int) -> Scenario:
    return Scenario(f"{corpus.name}.floor", corpus.name, "libcst",
                    f"libcst floor: `parse_module` alone on the {files} files a cold run parses, all cores",
                    [tool("python"), str(FLOOR_SCRIPT), str(listing)], corpus.root, reps, findings=count_parsed,
                    note="files parsed")


def real_one_file(corpus: Corpus, short_reps: int) -> Scenario:
    """One small file just edited, passed as pre-commit passes it, with the project's cache present."""
    # A tracking file of the ground truth; in a project without one, a small file with some code in it.
    candidates = [corpus.root / f for f in corpus.tracking_files] or [
        p for p in corpus.python_files() if p.stat().st_size > 1000
    ]
    edited = FileToucher(min(candidates, key=lambda p: (p.stat().st_size, p.as_posix())))
    path = edited.path.relative_to(corpus.root).as_posix()
    return Scenario(f"{corpus.name}.onefile", corpus.name, "productops-lint",
                    f"productops-lint, one file as pre-commit passes it (`{path}`), cache present", lint_cmd(path),
                    corpus.root, short_reps, before_each=edited.before, after_each=edited.restore,
                    findings=count_productops, extra={"file": path})


def ci_restored(corpus: Corpus, clone: Path, short_reps: int) -> Scenario:
    """A CI run in a fresh clone: the cache a run on the first checkout left, copied in, after one edit.

    What a CI job does with a restored cache (actions/cache, GitLab `cache:`): another checkout
    (another path), the cache folder unpacked into it, one file changed since the run that saved it.
    """
    source = corpus.root / CACHE_DIR
    target = clone / CACHE_DIR
    toucher = FileToucher(clone / touch_target(corpus).relative_to(corpus.root))

    def before(rep: int) -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        toucher.before(rep)

    return Scenario(f"{corpus.name}.ci_restored", corpus.name, "productops-lint",
                    "productops-lint in a fresh clone, cache copied in from the first checkout, one file edited "
                    "(CI with a restored cache)", lint_cmd("."), clone, short_reps, before_each=before,
                    after_each=toucher.restore, findings=count_productops,
                    extra={"edited": toucher.path.relative_to(clone).as_posix()})
