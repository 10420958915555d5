"""Running mtx command lines: as separate processes (as users do) or in-process (to build repos fast).

In-process runs call the same `main(argv)` the `mtx` console script calls, so a repo built either
way is built by the same command lines; only the interpreter start-up per command is saved.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench Ops",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench Ops",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


class MtxFailed(RuntimeError):
    """An mtx command the benchmark relies on exited non-zero."""


def mtx_executable() -> list[str]:
    """The `mtx` console script installed with this interpreter, else `python -m mtx_gitops`.

    The script next to `sys.executable` comes first: a version manager's shim earlier on $PATH
    (pyenv's is a bash script) would add ~100 ms to every measured process.
    """
    beside = Path(sys.executable).parent / "mtx"
    found = str(beside) if beside.is_file() else shutil.which("mtx")
    return [found] if found else [sys.executable, "-m", "mtx_gitops"]


def bench_env() -> dict[str, str]:
    """The environment every measured process runs with: a fixed git identity, no $MTX_REPO."""
    env = {**os.environ, **GIT_IDENTITY}
    env.pop("MTX_REPO", None)
    # Installed packages run from cached bytecode; without it every process recompiles mtx (~40 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_mtx(args: Sequence[str], *, repo: Path | None = None, in_process: bool = False) -> str:
    """Run one mtx command line and return its stdout; MtxFailed on a non-zero exit."""
    argv = [*args, *(["--repo", str(repo)] if repo is not None else [])]
    if in_process:
        return _run_in_process(argv)
    done = subprocess.run([*mtx_executable(), *argv], capture_output=True, env=bench_env(), check=False)
    if done.returncode != 0:
        raise MtxFailed(f"mtx {' '.join(argv)} exited {done.returncode}: {done.stderr.decode().strip()}")
    return done.stdout.decode()


def _run_in_process(argv: list[str]) -> str:
    from mtx_gitops.cli.main import main

    os.environ.update(GIT_IDENTITY)
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    if code not in (0, None):
        raise MtxFailed(f"mtx {' '.join(argv)} exited {code}: {err.getvalue().strip()}")
    return out.getvalue()
