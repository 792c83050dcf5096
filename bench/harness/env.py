"""The benchmark's own venv (peers from PyPI plus this repository) and what machine it runs on."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
WORK = BENCH / ".work"
VENV = WORK / "venv"
BIN = VENV / "bin"
REQUIREMENTS = BENCH / "requirements.txt"
_STAMP = VENV / ".bench-installed"


def _stamp_value() -> str:
    """Changes whenever what we install changes, so a stale venv is refreshed and a good one reused."""
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, REPO / "pyproject.toml"):
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv(log: Callable[[str], None] = print) -> Path:
    """Create or refresh bench/.work/venv; return its python."""
    python = BIN / "python"
    if python.exists() and _STAMP.exists() and _STAMP.read_text() == _stamp_value():
        return python
    if not python.exists():
        log(f"creating {VENV.relative_to(REPO)}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    log("installing peers (fixit, semgrep, ripgrep) and productops-lint into the bench venv")
    # The newest ripgrep/semgrep releases may have only sdists, which need a Rust/OCaml build
    # that reaches other registries; their pinned wheels carry the binaries.
    subprocess.run(pip + ["--only-binary=ripgrep,semgrep", "-r", str(REQUIREMENTS)], check=True)
    _STAMP.write_text(_stamp_value())
    return python


def install_tool(log: Callable[[str], None] = print) -> None:
    """Install this working tree into the bench venv as a regular package, as users get it.

    Done on every run, so the code measured is the code checked out. Not editable: an editable
    install adds an import finder (a .pth file) to every interpreter start, about 11 ms on these
    machines, that no user pays; pip also compiles the byte code once, as it does for users.
    """
    log("installing productops-lint from this working tree into the bench venv")
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Its dependencies as pyproject.toml lists them now (a no-op when they are there), then the tool itself.
    import tomllib

    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    subprocess.run(pip + requires, check=True)
    subprocess.run(pip + ["--no-deps", "--force-reinstall", str(REPO)], check=True)


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def tool(name: str) -> str:
    """Absolute path of a console script of the bench venv."""
    return str(BIN / name)


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=quiet_env())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc.__class__.__name__})"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else f"unavailable (exit {out.returncode})"


def quiet_env() -> dict[str, str]:
    """Environment for every tool run: no telemetry, no version checks, state kept under bench/.work."""
    env = dict(os.environ)
    state = WORK / "semgrep"
    state.mkdir(parents=True, exist_ok=True)
    env.update(
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_SETTINGS_FILE=str(state / "settings.yml"),
        SEMGREP_LOG_FILE=str(state / "semgrep.log"),
        SEMGREP_VERSION_CACHE_PATH=str(state / "version"),
        PYTHONDONTWRITEBYTECODE="1",
        NO_COLOR="1",
    )
    env.pop("SEMGREP_APP_TOKEN", None)
    # Fixit imports the peer rule as a top-level module.
    env["PYTHONPATH"] = str(BENCH / "peers")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, object]:
    """Cores, CPU, memory, Python and the version of every tool measured."""
    import psutil  # installed in the bench venv

    return {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            "productops-lint": _first_line([tool("productops-lint"), "--version"]),
            "fixit": _first_line([tool("fixit"), "--version"]),
            "semgrep": _first_line([tool("semgrep"), "--version", "--disable-version-check"]),
            "ripgrep": _first_line([tool("rg"), "--version"]),
            "libcst": _first_line([str(BIN / "python"), "-c", "from importlib.metadata import version; print(version('libcst'))"]),
        },
    }
