"""Finding things on disk: the project root, config, rule files (also at a git revision), Python files."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..config import Config, parse_config
from ..registry.paths import RULE_SUFFIXES
from ..types import Location, Problem, UserError
from . import manifest as _manifest
from .manifest import _NOTHING, _Manifest
from .store import digest, read_regular

if TYPE_CHECKING:
    from ..prefilter import Words

DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out", "node_modules", "venv",
    "__pycache__", ".productops_cache", "site-packages",
)
_DEFAULT_NAMES = frozenset(DEFAULT_EXCLUDES)
# setup.py is listed with the Python files; the other two are kept aside while listing.
_PACKAGING_NAMES = frozenset({"pyproject.toml", "setup.cfg"})
_PACKAGING_MAX = 1024 * 1024
_TEST_FOLDERS = frozenset({"tests", "test"})


def is_test_path(path: str) -> bool:
    """Whether ``path`` (relative, POSIX) is test code, skipped unless `check-tests`: a file under a
    `tests/` or `test/` folder, `test_*.py`, `*_test.py` or `conftest.py`."""
    folder, _, name = path.rpartition("/")
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return bool(folder) and not _TEST_FOLDERS.isdisjoint(folder.split("/"))


def find_root(start: Path | None = None) -> Path:
    """The nearest folder upwards with a pyproject.toml that has [tool.productops], else a git root, else start."""
    start = (start or Path.cwd()).resolve()
    fallback: Path | None = None
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "[tool.productops" in pyproject.read_text(encoding="utf-8", errors="replace"):
                    return folder
            except OSError:
                pass
            fallback = fallback or folder
        if (folder / ".git").exists():
            return fallback or folder
    return fallback or start


def load_config(root: Path, config_path: Path | None = None) -> Config:
    path = config_path or root / "pyproject.toml"
    if not path.is_file():
        if config_path is not None:
            raise UserError(Problem(Location(str(path)), "config file does not exist"))
        return Config(root=str(root))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(Problem(Location(str(path)), f"cannot read config: {exc}")) from None
    return parse_config(text, path=_display(path), root=str(root))


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def rule_file_paths(root: Path, registry: Sequence[str], required: bool = True) -> list[Path]:
    """Every YAML rule file under the configured registry entries (files or folders)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for entry in registry:
        path = root / entry
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file()))
        elif required:
            problems.append(Problem(Location(_display(path)), "rule file or folder does not exist (see `registry` in [tool.productops])"))
    if problems:
        raise UserError(problems)
    return found


def read_rule_files(paths: Iterable[Path | str]) -> list[tuple[str, str]]:
    """(display path, text) for each rule file; unreadable files are reported all at once."""
    out: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for p in paths:
        path = Path(p)
        try:
            out.append((_display(path), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError as exc:
            problems.append(Problem(Location(_display(path)), f"not valid UTF-8: {exc.reason}"))
        except OSError as exc:
            problems.append(Problem(Location(_display(path)), f"cannot read: {exc.strerror or exc}"))
    if problems:
        raise UserError(problems)
    return out


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def read_rule_files_at(spec: str, root: Path, registry: Sequence[str]) -> list[tuple[str, str]]:
    """Rule files from a path (file or folder) or, when no such path exists, from a git revision."""
    path = Path(spec)
    if path.exists():
        return read_rule_files(rule_file_paths(Path("."), [spec]))
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", spec, "--", *registry)
    if listing is None:
        raise UserError(Problem(Location(spec), "neither a path nor a git revision"))
    out = []
    for name in sorted(n for n in listing.decode().split("\0") if n.endswith(RULE_SUFFIXES)):
        blob = _git(root, "show", f"{spec}:{name}")
        if blob is not None:
            out.append((f"{spec}:{name}", blob.decode("utf-8", "replace")))
    return out


class FileProvider:
    """Python files of the project under ``root``, honouring .gitignore and configured excludes."""

    def __init__(self, root: Path, config: Config, manifest_dir: Path | None = None) -> None:
        self.root = root
        self.config = config
        # The defaults are plain folder names, matched without pathspec; it is imported only for patterns.
        self._user_exclude: Any = None
        if config.exclude:
            import pathspec

            self._user_exclude = pathspec.GitIgnoreSpec.from_lines(config.exclude)
        self._paths: list[str] | None = None
        self._manifest = _Manifest(manifest_dir / _manifest.NAME) if manifest_dir else None
        self._digests: dict[str, str | None] = {}
        # Joined by concatenation: os.path.join costs more than the stat it serves, per file.
        self._root_prefix = os.path.join(str(root), "")
        # Bytes read this run to compute digests, so a cold run reads each file once.
        self._fresh: dict[str, bytes] = {}
        # (mtime_ns, size, inode) of files stat'ed while listing them (git's listing), so that
        # each file is stat'ed once.
        self._stamps: dict[str, tuple[int, int, int]] = {}
        # pyproject.toml and setup.cfg files met while listing: where import roots are declared.
        self._packaging: list[str] = []

    def digest(self, path: str) -> str | None:
        """Content digest of a file; from the stat manifest when the file is unchanged since last run."""
        if path in self._digests:
            return self._digests[path]
        if self._manifest is None:
            data = self.read(path)
            value = None if data is None else digest(data)
        else:
            # The listing's stat, if it made one: a first run digests every file this way.
            value, data = self._manifest.digest(self._root_prefix + path, path, self._stamps.pop(path, None))
            if data is not None:
                self._fresh[path] = data  # read for its digest: the pre-filter needs it next
        # One stat per file per run: the pre-filter asks once per round.
        self._digests[path] = value
        return value

    def digests(self, paths: Sequence[str]) -> dict[str, str | None]:
        """``digest`` of each of ``paths``: unchanged files in one pass over the manifest."""
        if self._manifest is None:
            return {path: self.digest(path) for path in paths}
        wanted = [path for path in paths if path not in self._digests]
        known, others = self._manifest.unchanged(self._root_prefix, wanted, self._stamps)
        self._digests.update(known)
        for path in others:
            self.digest(path)
        self._stamps.clear()  # not needed again, and a process pool forked later would copy them
        return {path: self._digests[path] for path in paths}

    def recorded(self) -> bool:
        """Whether an earlier run left a stat manifest with any file in it."""
        return self._manifest is not None and self._manifest.recorded()

    def save(self) -> None:
        if self._manifest is not None:
            self._manifest.save()

    def find_words(self, path: str, words: "Words") -> set[str] | None:
        """The pre-filter's first stage, answered from the manifest for unchanged files."""
        if self._manifest is None:
            data = self.read(path)
            return None if data is None else words.find(data)
        value = self.digest(path)
        if value is None:
            return None
        # This runs for every file in every pre-filter round.
        return self._manifest.find_words(self._root_prefix + path, value, words, self._fresh.get(path))

    def with_words(self, paths: Iterable[str], words: "Words") -> list[str]:
        """The files among ``paths`` that contain any of ``words``: ``find_words`` over many files.

        Asked of every file a run has not read (the files that mention a constant used as an
        event name): an unchanged file's answer comes straight from the manifest's table.
        """
        if self._manifest is None:
            return [path for path in paths if self.find_words(path, words)]
        table, digests = self._manifest.words_table, self._digests
        names, name_set = words.names, words.name_set
        found: list[str] = []
        for path in paths:
            value = digests.get(path) if path in digests else self.digest(path)
            searched, hits = table.get(value, _NOTHING) if value is not None else _NOTHING
            if searched.issuperset(names):
                if not hits.isdisjoint(name_set):
                    found.append(path)
            elif value is not None and self.find_words(path, words):
                found.append(path)
        return found

    def paths(self) -> list[str]:
        if self._paths is None:
            listed = self._git_paths() if self.config.respect_gitignore else None
            if listed is not None:
                self._paths = sorted(listed)  # git's listing applies the excludes before its stats
            else:
                self._paths = sorted(self._walk())  # the walk applies the excludes as it goes
            if not self.config.check_tests:
                self._paths = [p for p in self._paths if not is_test_path(p)]
        return self._paths

    def _git_paths(self) -> list[str] | None:
        out = _git(
            self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
            "*.py", "*pyproject.toml", "*setup.cfg",
        )
        if out is None:
            return None
        # A set: an unmerged file is listed once per stage.
        listed = set(out.decode("utf-8", "surrogateescape").split("\0"))
        names = {n for n in listed if n.endswith(".py")}
        user = self._user_exclude
        self._packaging = sorted(
            n
            for n in listed - names
            if n.rpartition("/")[2] in _PACKAGING_NAMES
            and _DEFAULT_NAMES.isdisjoint(n.split("/")[:-1])
            and not (user is not None and user.match_file(n))
        )
        # ls-files lists deleted-but-tracked files too; keep the regular files that exist. The
        # stat that shows it is kept for ``digests``, which would otherwise make its own: about
        # 2.5 microseconds a file here, and git's own `--deleted` would stat them all again.
        stamps, prefix, regular = self._stamps, self._root_prefix, stat.S_ISREG
        # The default excludes name folders (no .py file is called like one): tested once per
        # folder, not once per file.
        folders: dict[str, bool] = {}
        user = self._user_exclude
        kept: list[str] = []
        for name in names:
            folder = name.rpartition("/")[0]
            excluded = folders.get(folder)
            if excluded is None:
                excluded = folders[folder] = not _DEFAULT_NAMES.isdisjoint(folder.split("/"))
            if excluded or (user is not None and user.match_file(name)):
                continue
            try:
                found = os.stat(prefix + name)
            except (OSError, ValueError):
                continue
            if regular(found.st_mode):
                stamps[name] = (found.st_mtime_ns, found.st_size, found.st_ino)
                kept.append(name)
        return kept

    def _walk(self) -> list[str]:
        found: list[str] = []
        ignores: list[tuple[str, Any]] = []
        top = str(self.root)
        prefix = os.path.join(top, "")
        for folder, dirs, files in os.walk(top, followlinks=False):
            # Sliced, not os.path.relpath, and .gitignore looked up in the listing, not stat'ed:
            # per folder, in a tree of a thousand folders, both cost more than the walk itself.
            rel = folder[len(prefix) :].replace(os.sep, "/") + "/" if folder != top else ""
            if self.config.respect_gitignore and ".gitignore" in files:
                import pathspec

                try:
                    ignore_file = Path(folder) / ".gitignore"
                    lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                    ignores.append((rel, pathspec.GitIgnoreSpec.from_lines(lines)))
                except OSError:
                    pass
            active = [(base, spec) for base, spec in ignores if rel.startswith(base)]

            # Called only within this iteration, so reading the loop's `rel` and `active` is right.
            def ignored(name: str, is_dir: bool) -> bool:
                full = rel + name + ("/" if is_dir else "")  # noqa: B023
                if name in _DEFAULT_NAMES or (self._user_exclude is not None and self._user_exclude.match_file(full)):
                    return True
                return any(spec.match_file(full[len(base):]) for base, spec in active)  # noqa: B023

            dirs[:] = sorted(d for d in dirs if not ignored(d, True))
            self._packaging.extend(rel + f for f in _PACKAGING_NAMES.intersection(files) if not ignored(f, False))
            if active or self._user_exclude is not None:
                found.extend(rel + f for f in files if f.endswith(".py") and not ignored(f, False))
            else:  # most folders: only the default names can exclude a file
                found.extend(rel + f for f in files if f.endswith(".py") and f not in _DEFAULT_NAMES)
        return found

    def packaging(self) -> dict[str, str]:
        """The text of each pyproject.toml, setup.cfg and setup.py in the project, by path."""
        setup_py = [p for p in self.paths() if p.rpartition("/")[2] == "setup.py"]
        found: dict[str, str] = {}
        for path in sorted({*self._packaging, *setup_py}):
            try:
                data = self._fresh.get(path) or (self.root / path).read_bytes()
            except OSError:
                continue
            if len(data) <= _PACKAGING_MAX:
                found[path] = data.decode("utf-8", "replace")
        return found

    def adopt_listing(self, other: "FileProvider") -> None:
        """Take the file listing ``other`` made of the same tree, so it is not made twice."""
        if other._paths is not None and other.root == self.root:
            self._paths = list(other._paths)
            self._packaging = list(other._packaging)
            self._stamps = dict(other._stamps)

    def read(self, path: str) -> bytes | None:
        if path in self._fresh:
            return self._fresh.pop(path)
        try:
            return read_regular(self.root / path)
        except OSError:
            return None

    def _locate(self, item: str) -> tuple[Path, str | None]:
        """``item`` resolved, and its project-relative POSIX path (None: outside the project)."""
        full = Path(item).resolve()
        try:
            return full, full.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return full, None

    def relative(self, item: str) -> str | None:
        """The project-relative path of the existing file ``item`` (None: a folder, missing, or outside)."""
        full, rel = self._locate(item)
        return rel if rel is not None and full.is_file() else None

    def targets(self, requested: Sequence[str]) -> list[str]:
        """Project-relative Python files under the requested paths (explicit files always count)."""
        if not requested:
            return self.paths()
        known = self.paths()
        out: set[str] = set()
        for item in requested:
            full, rel = self._locate(item)
            if rel is None:
                raise UserError(Problem(Location(item), f"is outside the project root `{self.root}`"))
            if full.is_file():
                out.add(rel)
            elif full.is_dir():
                prefix = "" if rel == "." else rel + "/"
                out.update(p for p in known if p.startswith(prefix))
            elif full.exists():
                # A FIFO, socket or device: reading one could block for ever or never end.
                raise UserError(Problem(Location(item), "not a regular file"))
            else:
                raise UserError(Problem(Location(item), "no such file or folder"))
        if self._paths is not None:
            # Explicit files outside discovery (ignored, or not .py) still resolve cross-module.
            self._paths = sorted(set(self._paths) | {p for p in out if p.endswith(".py")})
        return sorted(out)


