"""Generate a config repo of N spaces x 20 units as mtx writes it, plus the equivalent kustomize tree.

    python benchmarks/generate.py --spaces 30 --out /tmp/bench-30 [--via process|in-process]

The first 30 spaces are built with mtx command lines only: `mtx init`, `mtx space create base`,
`mtx unit create` for each of the 20 base units, then per space `mtx space create`, `mtx unit create
--upstream-space base` (links all 20 units, one commit), `mtx run set-replicas` and `mtx run
set-env-var SITE=<space>`. With `--via in-process` the same command lines run through
`mtx_gitops.cli.main.main` in this process, saving ~0.3-0.5 s of interpreter start-up per command.
Beyond 30, `synthesize.py` replays those commits for each further space with its own name (and so
its own SITE value), and checks two of them against spaces built by mtx itself, byte for byte.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.kustomize_tree import write_tree
from benchmarks.manifests import BASE_SPACE, SERVICES, override_of, region_of, space_name, unit_yaml
from benchmarks.mtxcmd import run_mtx
from benchmarks.synthesize import SEED, check, grow

GENERATOR_VERSION = "3"
DONE_MARKER = ".bench-complete"


def build_mtx_repo(repo: Path, *, spaces: int, in_process: bool, log: bool = True) -> None:
    """Create `repo` and fill it with the base space and `spaces` linked, overridden spaces."""
    started = time.monotonic()
    run_mtx(["init", str(repo)], in_process=in_process)
    run_mtx(["space", "create", BASE_SPACE, "--label", "tier=base"], repo=repo, in_process=in_process)
    with tempfile.TemporaryDirectory() as scratch:
        for index, name in enumerate(SERVICES):
            manifest = Path(scratch) / f"{name}.yaml"
            manifest.write_text(unit_yaml(index))
            run_mtx(["unit", "create", name, str(manifest), "--space", BASE_SPACE], repo=repo, in_process=in_process)
    for index in range(min(spaces, SEED)):
        space = space_name(index)
        run_mtx(
            ["space", "create", space, "--label", f"region={region_of(index)}", "--label", "env=prod"],
            repo=repo,
            in_process=in_process,
        )
        run_mtx(["unit", "create", "--space", space, "--upstream-space", BASE_SPACE], repo=repo, in_process=in_process)
        for command in override_of(index).mtx_commands(space):
            run_mtx(command, repo=repo, in_process=in_process)
        if log and (index + 1) % 10 == 0:
            print(f"  {index + 1}/{spaces} spaces ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if spaces > SEED:
        grow(repo, spaces=spaces, log=log)
        problems = check(repo, spaces=spaces, scratch=repo.parent / "check")
        if problems:
            raise RuntimeError("synthesized spaces differ from what mtx writes: " + "; ".join(problems))
        if log:
            print("  checked: two synthesized spaces are byte for byte what mtx writes", file=sys.stderr)


def generate(out: Path, *, spaces: int, via: str | None = None, log: bool = True) -> Path:
    """`out/mtx` (the config repo) and `out/kustomize` (base + overlays); reused when complete."""
    marker = out / DONE_MARKER
    if marker.is_file() and marker.read_text().strip() == f"{GENERATOR_VERSION} {spaces}":
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    in_process = (via or ("process" if spaces <= 30 else "in-process")) == "in-process"
    if log:
        how = "in-process mtx command lines" if in_process else "mtx processes"
        print(f"generating {spaces} spaces x {len(SERVICES)} units in {out} ({how})", file=sys.stderr)
    started = time.monotonic()
    build_mtx_repo(out / "mtx", spaces=spaces, in_process=in_process, log=log)
    write_tree(out / "kustomize", spaces=spaces)
    (out / "generated-with.txt").write_text(
        f"spaces={spaces} via={'in-process' if in_process else 'process'} seconds={time.monotonic() - started:.1f}\n"
    )
    marker.write_text(f"{GENERATOR_VERSION} {spaces}\n")
    return out


def default_dir(spaces: int) -> Path:
    return Path(tempfile.gettempdir()) / "mtx-bench" / f"repo-{spaces}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=3, help="downstream spaces (3, 30, 300)")
    parser.add_argument("--out", type=Path, help="output directory (default: $TMPDIR/mtx-bench/repo-N)")
    parser.add_argument("--via", choices=("process", "in-process"), help="how to run the mtx commands")
    args = parser.parse_args()
    out = generate(args.out or default_dir(args.spaces), spaces=args.spaces, via=args.via)
    print(out)


if __name__ == "__main__":
    main()
