"""A `git` shim that signals the mtx process (its parent) right before or after the Nth call of one
git sub-command: crashes and interrupts at an exact step of a write, made deterministic."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import GIT_ENV

SHIM = """#!/bin/sh
sub=""; value=""
for arg in "$@"; do
  if [ -n "$value" ]; then value=""; continue; fi
  case "$arg" in -c|-C) value=1 ;; -*) ;; *) sub="$arg"; break ;; esac
done
if [ "$sub" = "$MTX_CRASH_CMD" ]; then
  n=$(cat "$MTX_CRASH_COUNTER" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$MTX_CRASH_COUNTER"
  if [ "$n" = "$MTX_CRASH_NTH" ]; then
    if [ "$MTX_CRASH_WHEN" = before ]; then kill -"$MTX_CRASH_SIGNAL" "$PPID"; exit 137; fi
    "$MTX_REAL_GIT" "$@"; rc=$?; kill -"$MTX_CRASH_SIGNAL" "$PPID"; exit $rc
  fi
fi
exec "$MTX_REAL_GIT" "$@"
"""


def run_mtx_with_shim(
    root: Path, shim_dir: Path, args: tuple[str, ...], *, command: str, nth: int, when: str, signal: str = "KILL"
) -> subprocess.CompletedProcess[str]:
    """Run `mtx ARGS --repo ROOT` with the shim first on PATH, set to send `signal` at that step."""
    shim_dir.mkdir(exist_ok=True)
    shim = shim_dir / "git"
    shim.write_text(SHIM)
    shim.chmod(0o755)
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{shim_dir}:{os.environ['PATH']}",
        "MTX_REAL_GIT": shutil.which("git") or "/usr/bin/git",
        "MTX_CRASH_CMD": command,
        "MTX_CRASH_NTH": str(nth),
        "MTX_CRASH_WHEN": when,
        "MTX_CRASH_COUNTER": str(shim_dir / "count"),
        "MTX_CRASH_SIGNAL": signal,
    }
    return subprocess.run(
        [sys.executable, "-m", "mtx_gitops", *args, "--repo", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=default_sigint,
    )


def default_sigint() -> None:
    """In the child, before exec: SIGINT back to its default, so Python turns it into KeyboardInterrupt.

    A job started in the background (`nohup scripts/test &`) inherits SIGINT ignored, and a Python
    started with SIGINT ignored keeps ignoring it: the Ctrl-C the shim sends would do nothing.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
