"""The Ctrl-C tests pass when the suite runs as a background job, which inherits SIGINT ignored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what `nohup scripts/test &` hands its children


def test_the_interrupt_tests_pass_with_sigint_ignored_as_in_a_background_job() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "tests/reliability/test_interrupts.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        preexec_fn=_sigint_ignored,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 passed" in done.stdout
