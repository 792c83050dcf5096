"""The dataclass code cache: classes built through it are the classes Python builds, and a second process compiles nothing."""

from __future__ import annotations

import __future__
import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from productops_lint import codecache
from productops_lint.codecache import CodeCache

# The shard this module's dataclasses are compiled into.
SHARD = codecache._shard(globals())
GENERATED = ("__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__setattr__", "__delattr__")


def _shapes() -> list[type]:
    """Classes covering what `dataclasses` generates: defaults, factories, frozen, order, keyword-only, slots, init-only."""

    @dataclasses.dataclass(frozen=True)
    class Frozen:
        name: str
        count: int = 0
        tags: tuple[str, ...] = ()

    @dataclasses.dataclass(order=True, unsafe_hash=True)
    class Ordered:
        rank: int
        label: str = dataclasses.field(default="x", compare=False)

    @dataclasses.dataclass(kw_only=True, slots=True)
    class Keywords:
        items: list[int] = dataclasses.field(default_factory=list)
        limit: int | None = None

    @dataclasses.dataclass
    class InitOnly:
        seed: dataclasses.InitVar[int]
        total: int = dataclasses.field(init=False)
        shared: ClassVar[int] = 3

        def __post_init__(self, seed: int) -> None:
            self.total = seed * 2

    return [Frozen, Ordered, Keywords, InitOnly]


def _methods(cls: type) -> dict[str, Any]:
    return {name: vars(cls)[name] for name in GENERATED if callable(vars(cls).get(name))}


def _exec_from(cache: CodeCache, source: str, flags: int = 0) -> dict[str, Any]:
    """Run ``source`` through the cache as code compiled with ``flags`` calls it (this module has future annotations)."""
    namespace: dict[str, Any] = {}
    caller = compile("run(source, namespace)", "<caller>", "exec", flags, True)
    exec(caller, {"run": cache.exec, "source": source, "namespace": namespace})
    return namespace


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(codecache.FOLDER_VARIABLE, str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    codecache.uninstall()
    yield tmp_path / f"dataclass-code-{sys.implementation.cache_tag}.marshal"
    codecache.uninstall()


def test_classes_built_through_the_cache_are_the_classes_python_builds(cache_file: Path):
    plain = _shapes()
    cache = codecache.install()
    assert cache is not None
    compiled = _shapes()
    cache.save()
    assert cache_file.exists()
    codecache.uninstall()
    cached = codecache.install()
    assert cached is not None and cached.entries(SHARD)
    served = _shapes()
    assert not cached.fresh  # every method came from the file
    for ours, theirs, loaded in zip(plain, compiled, served):
        reference = _methods(ours)
        assert reference  # the comparison below compares something
        for other in (theirs, loaded):
            methods = _methods(other)
            assert methods.keys() == reference.keys()
            for name, method in methods.items():
                assert method.__code__ == reference[name].__code__, (ours.__name__, name)
                assert method.__annotations__ == reference[name].__annotations__, (ours.__name__, name)
                assert method.__qualname__ == reference[name].__qualname__


def test_the_classes_behave_the_same(cache_file: Path):
    codecache.install()
    codecache.save()
    codecache.uninstall()
    codecache.install()
    frozen, ordered, keywords, init_only = _shapes()
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen("a").name = "b"  # type: ignore[misc]
    assert repr(frozen("a", 2)).endswith("Frozen(name='a', count=2, tags=())")
    assert frozen("a", 2) == frozen("a", 2) and hash(frozen("a")) == hash(frozen("a"))
    assert ordered(1, "z") < ordered(2, "a") and ordered(1, "z") == ordered(1, "y")
    assert keywords().items == [] and keywords().items is not keywords().items
    with pytest.raises(TypeError):
        keywords([1])  # type: ignore[misc]
    assert init_only(4).total == 8


def test_a_second_process_compiles_nothing(cache_file: Path):
    script = (
        "import sys\nfrom productops_lint import codecache\ncache = codecache.install()\n"
        "import libcst\nprint(len(cache.fresh.get('libcst', ())), len(cache.known.get('libcst', ())))\n"
        "print(sorted(cache.known))\ncodecache.save()\n"
    )

    def run() -> tuple[int, int]:
        env = {**os.environ, codecache.FOLDER_VARIABLE: str(cache_file.parent)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True)
        counts, shards = done.stdout.splitlines()
        assert shards == "['libcst']"  # read only where dataclasses were made
        fresh, known = counts.split()
        return int(fresh), int(known)

    first = run()
    assert first[0] > 200 and first[1] == 0  # libcst's node classes, compiled and saved
    assert run() == (0, first[0])


def test_a_caller_with_future_features_gets_them_and_no_cache_entry(cache_file: Path):
    cache = CodeCache(str(cache_file), {})
    source = "def f(x: int) -> int:\n    return x\n"

    assert _exec_from(cache, source, __future__.annotations.compiler_flag)["f"].__annotations__ == {"x": "int", "return": "int"}
    assert not cache.fresh and not cache.used
    assert _exec_from(cache, source)["f"].__annotations__ == {"x": int, "return": int}
    assert source in cache.fresh[""] and source in cache.used[""]


@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal at all", marshal.dumps((b"\x00\x00\r\n", codecache.FORMAT, {})), marshal.dumps(["a list"])],
    ids=["empty", "garbage", "another bytecode format", "foreign shape"],
)
def test_a_broken_or_foreign_file_is_ignored_and_replaced(cache_file: Path, content: bytes):
    cache_file.write_bytes(content)
    cache = codecache.install()
    assert cache is not None and cache.entries(SHARD) == {}
    _shapes()
    cache.save()
    magic, version, shards = marshal.loads(cache_file.read_bytes())
    assert (magic, version) == (codecache.MAGIC_NUMBER, codecache.FORMAT) and marshal.loads(shards[SHARD])


def test_a_file_grown_too_large_keeps_only_what_this_process_used(cache_file: Path, monkeypatch: pytest.MonkeyPatch):
    stale = {f"x = {n}\n": compile(f"x = {n}\n", "<string>", "exec") for n in range(50)}
    other = {"x = 1\n": compile("x = 1\n", "<string>", "exec")}  # another package's shard: kept as it is
    shards = {SHARD: marshal.dumps(stale), "elsewhere": marshal.dumps(other)}
    cache_file.write_bytes(marshal.dumps((codecache.MAGIC_NUMBER, codecache.FORMAT, shards)))
    monkeypatch.setattr(codecache, "MAX_ENTRIES", 40)
    cache = codecache.install()
    assert cache is not None and len(cache.entries(SHARD)) == 50
    _shapes()
    cache.save()
    _, _, saved = marshal.loads(cache_file.read_bytes())
    entries = marshal.loads(saved[SHARD])
    assert entries.keys() == cache.used[SHARD] and not entries.keys() & stale.keys()
    assert marshal.loads(saved["elsewhere"]).keys() == other.keys()


def test_nothing_is_written_where_python_writes_no_byte_code(cache_file: Path, monkeypatch: pytest.MonkeyPatch):
    cache = codecache.install()
    assert cache is not None
    _shapes()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache.save()
    assert not cache_file.exists()


def test_an_unwritable_folder_costs_only_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache = CodeCache(str(blocker / "sub" / "cache.marshal"), {})
    _exec_from(cache, "x = 1\n")
    cache.save()  # no error
    assert cache.fresh and not list(tmp_path.glob("**/*.tmp"))


def test_install_leaves_another_replacement_alone(cache_file: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(dataclasses, "exec", exec, raising=False)
    assert codecache.install() is None
    monkeypatch.delattr(dataclasses, "exec")
    cache = codecache.install()
    assert cache is not None and codecache.install() is cache and dataclasses.exec == cache.exec  # type: ignore[attr-defined]
    codecache.uninstall()
    assert "exec" not in vars(dataclasses)


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_CACHE_HOME": "/var/cache/me"}, "/var/cache/me/productops-lint"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, "~/.cache/productops-lint"),
        ("linux", {}, "~/.cache/productops-lint"),
        ("darwin", {"XDG_CACHE_HOME": "/ignored"}, "~/Library/Caches/productops-lint"),
        ("linux", {codecache.FOLDER_VARIABLE: "/chosen"}, "/chosen"),
    ],
)
def test_the_folder_follows_the_platform_rules(platform: str, env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch):
    for name in ("XDG_CACHE_HOME", codecache.FOLDER_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert codecache.folder() == os.path.expanduser(expected)


WHERE = "module"


def test_exec_without_namespaces_uses_the_callers_as_exec_does(cache_file: Path):
    cache = CodeCache(str(cache_file), {})

    def inside(runner: Any) -> object:
        local = 2
        runner("seen = (WHERE, local)")
        return locals().get("seen")  # written back or not, as this Python's exec does

    def with_locals(runner: Any) -> object:
        found: dict[str, object] = {}
        runner("seen = WHERE", None, found)
        return found["seen"]

    assert inside(cache.exec) == inside(exec)
    assert with_locals(cache.exec) == with_locals(exec) == "module"
    assert _exec_from(cache, "x = 1\n")["x"] == 1  # the cached path, for comparison


def test_processes_saving_at_once_leave_a_file_that_reads(cache_file: Path):
    # Each process compiles its own classes and saves; the file is replaced atomically, so it
    # always reads, and the last process's entries are in it (others' may be lost, and are
    # compiled again by a later run).
    script = (
        "import dataclasses, sys\nfrom productops_lint import codecache\ncodecache.install()\n"
        "for n in range(40):\n"
        "    dataclasses.make_dataclass(f'C{sys.argv[1]}_{n}', [(f'f{sys.argv[1]}_{n}', int)])\n"
        "codecache.save()\n"
    )
    env = {**os.environ, codecache.FOLDER_VARIABLE: str(cache_file.parent)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = [subprocess.Popen([sys.executable, "-c", script, str(i)], env=env) for i in range(6)]
    assert [run.wait(timeout=120) for run in runs] == [0] * 6
    magic, version, shards = marshal.loads(cache_file.read_bytes())
    assert (magic, version) == (codecache.MAGIC_NUMBER, codecache.FORMAT)
    entries = {source: code for blob in shards.values() for source, code in marshal.loads(blob).items()}
    assert all(isinstance(code, type(compile("", "", "exec"))) for code in entries.values())
    saved = {i for i in range(6) if any(f"f{i}_39" in source for source in entries)}
    assert saved  # at least the last writer's 40 classes
    assert not list(cache_file.parent.glob("*.tmp"))
