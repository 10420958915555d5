"""Timing whole processes: wall time, CPU time and peak RSS of one command and its children.

`os.wait4` gives the resource usage of exactly the child we started (plus the children it
reaped, e.g. git), so concurrent work on the machine does not leak into the CPU and RSS figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.mtxcmd import bench_env


@dataclass(frozen=True)
class Sample:
    """One measured run: seconds of wall and CPU time, peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float

    def __add__(self, other: Sample) -> Sample:
        return Sample(self.wall + other.wall, self.cpu + other.cpu, max(self.rss_mib, other.rss_mib))


ZERO = Sample(0.0, 0.0, 0.0)


class CommandFailed(RuntimeError):
    """A measured command exited non-zero: its timing would mean nothing."""


def run_timed(
    argv: Sequence[str], *, cwd: Path | None = None, stdout: Path | None = None, ok_codes: Sequence[int] = (0,)
) -> Sample:
    """Run `argv` once, output discarded (or written to `stdout`), and measure it."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=out, stderr=subprocess.PIPE, env=bench_env())
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stderr.close()
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if proc.returncode not in ok_codes:
        raise CommandFailed(f"{' '.join(argv)} exited {proc.returncode}: {err.decode(errors='replace').strip()}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def best_of(repeats: int, measure: Callable[[], Sample]) -> Sample:
    """The median of `repeats` runs (wall and CPU medians taken separately, RSS the maximum)."""
    samples = [measure() for _ in range(repeats)]
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.rss_mib for s in samples),
    )


def run_many(commands: Sequence[Sequence[str]], *, cwd: Path | None = None) -> Sample:
    """Run commands one after another (a shell loop) and sum their costs."""
    total = ZERO
    for argv in commands:
        total = total + run_timed(argv, cwd=cwd)
    return total
