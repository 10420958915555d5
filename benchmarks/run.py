"""Benchmark mtx against kustomize and plain git, in one run, and print a table of ratios.

    python benchmarks/run.py [--spaces 300 | --spaces 300,3000] [--json] [--repeats 5] [--only where,log]

Generates (once, then reuses) a config repo of N spaces x 20 units as mtx writes it, the equivalent
kustomize tree, a 10,000-commit history and a 20,000-file repo, all under $TMPDIR/mtx-bench.
Every figure is a whole process timed with `os.wait4` (wall and CPU seconds, peak RSS), the median
of --repeats runs where the command leaves the repo unchanged. Targets come from issues 2-5 and 8;
each row prints PASS or FAIL. Exit code 0 even when a target fails: this is a report, not a test.
With several sizes, each gets its table and a last one gives every command's cost per unit at each
size and how it grew from the smallest to the largest.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import cases_read, cases_write
from benchmarks.context import Context
from benchmarks.generate import default_dir, generate
from benchmarks.report import Row, as_json, growth_table, table

CASES: dict[str, Callable[[Context], list[Row]]] = {
    "startup": cases_read.startup,
    "render-one": cases_read.render_one,
    "render-all": cases_read.render_all,
    "where": cases_read.where,
    "upgrade": cases_write.upgrade,
    "set-image": cases_write.set_image,
    "plan": cases_write.plan,
    "link": cases_write.link_space,
    "log": cases_read.log,
    "edit": cases_write.one_unit_edit,
}


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _machine() -> dict[str, str]:
    kubectl = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True, check=False)
    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False)
    return {
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
        "git": gitv.stdout.strip(),
        "kubectl": " / ".join(kubectl.stdout.split("\n")[:2]).strip(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--spaces", default="300", help="downstream spaces of 20 units, or sizes such as 300,3000 (default 300)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--repeats", type=int, default=5, help="runs per repeatable measurement (median)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(CASES)}")
    parser.add_argument(
        "--kustomize-sample",
        type=int,
        metavar="K",
        help="run kustomize on only K overlays and extrapolate the loop (default: all)",
    )
    parser.add_argument("--dir", type=Path, help="where generated repos live (default $TMPDIR/mtx-bench)")
    args = parser.parse_args(argv)
    chosen = [c.strip() for c in args.only.split(",")] if args.only else list(CASES)
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    try:
        sizes = [int(size) for size in args.spaces.split(",")]
    except ValueError:
        parser.error(f"--spaces takes numbers separated by commas, not {args.spaces!r}")
    results = [_run_size(args, spaces, chosen) for spaces in sizes]
    if args.json:
        print(as_json([row for _, rows, _ in results for row in rows], meta={"runs": [m for _, _, m in results]}))
        return 0
    for spaces, rows, meta in results:
        header = (
            f"mtx benchmarks: {spaces} spaces x 20 units; python {meta['python']}, {meta['cpus']} CPUs, "
            f"load average {meta['load_average_before']} before and {meta['load_average_after']} after; "
            f"{meta['git']}; {meta['kubectl']}"
        )
        print(table(rows, header=header) + "\n")
    if len(results) > 1:
        print(growth_table([(spaces * 20, rows) for spaces, rows, _ in results]))
    return 0


def _run_size(args: argparse.Namespace, spaces: int, chosen: list[str]) -> tuple[int, list[Row], dict[str, str]]:
    """Every chosen case at one size: its rows and the run's facts (machine, load, duration)."""
    base = args.dir or default_dir(spaces).parent
    generated = generate(base / f"repo-{spaces}", spaces=spaces, log=not args.json)
    scratch = base / "scratch"
    subprocess.run(["rm", "-rf", str(scratch)], check=True)
    scratch.mkdir(parents=True)
    ctx = Context(spaces, generated, scratch, repeats=args.repeats, kustomize_sample=args.kustomize_sample)
    started, load_before = time.monotonic(), _load()
    rows: list[Row] = []
    for name in chosen:
        if not args.json:
            print(f"running {name} at {spaces} spaces ...", file=sys.stderr)
        try:
            rows += CASES[name](ctx)
        except Exception as exc:  # one broken command must not hide the other figures
            rows.append(Row(name, None, error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"))
    meta = {
        **_machine(),
        "spaces": str(spaces),
        "units": str(ctx.units),
        "seconds": f"{time.monotonic() - started:.0f}",
        "load_average_before": load_before,
        "load_average_after": _load(),
    }
    for row in rows:
        row.extra.setdefault("spaces", spaces)
    return spaces, rows, meta


if __name__ == "__main__":
    sys.exit(main())
