"""Read-side benchmarks: start-up, render (one space, every space), WHERE, and `mtx log`."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from benchmarks.context import Context, drop_parse_cache, has_command
from benchmarks.measure import Sample, best_of, run_many, run_timed
from benchmarks.mtxcmd import mtx_executable
from benchmarks.report import Row, Target
from benchmarks.scratch import log_repo

WHERE = "spec.replicas > 2"


def startup(ctx: Context) -> list[Row]:
    """`mtx --help` against a bare interpreter and one that imports typer."""
    n = max(ctx.repeats, 7)
    bare = best_of(n, lambda: run_timed([sys.executable, "-c", "pass"]))
    typer = best_of(n, lambda: run_timed([sys.executable, "-c", "import typer"]))
    help_ = best_of(n, lambda: run_timed([*mtx_executable(), "--help"]))
    return [
        Row(
            "`mtx --help` start-up",
            help_,
            'python -c "import typer"',
            typer,
            Target("max_ratio", 1.5),
            note=f"bare `python -c pass`: {bare.wall * 1000:.0f} ms wall; "
            f"`mtx --help` is {help_.wall / bare.wall:.1f}x that",
        ),
    ]


def render_one(ctx: Context) -> list[Row]:
    """One space rendered: `mtx render --space S` against `kubectl kustomize overlays/S`."""
    space = ctx.first_space()
    if not has_command("render"):
        return [Row("render one space", None, error="n/a: `mtx render` not available yet")]
    out = ctx.scratch / "render-one.yaml"
    mtx = best_of(ctx.repeats, lambda: run_timed(ctx.mtx("render", "--space", space), stdout=out))
    kustomize = best_of(
        ctx.repeats,
        lambda: run_timed(
            ["kubectl", "kustomize", str(ctx.kustomize / "overlays" / space)], stdout=ctx.scratch / "k-one.yaml"
        ),
    )
    # The floor of any Typer command: the interpreter plus `import typer`, before mtx does anything.
    typer = best_of(ctx.repeats, lambda: run_timed([sys.executable, "-c", "import typer"]))
    return [
        Row(
            f"render one space (20 units, {space})",
            mtx,
            "kubectl kustomize overlays/<space>",
            kustomize,
            Target("min_speedup", 2),
            note=f"output {out.stat().st_size // 1024} KiB; floor: `python -c 'import typer'` takes "
            f"{typer.wall * 1000:.0f} ms wall, 2x kustomize needs the whole command under "
            f"{kustomize.wall * 500:.0f} ms",
        )
    ]


def render_all(ctx: Context) -> list[Row]:
    """Every space rendered to a directory by one mtx process (cold, then warm parse cache), against one
    kustomize run per overlay."""
    name = f"render all {ctx.spaces} spaces (`--space '*' --out DIR`)"
    if not has_command("render"):
        return [Row(name, None, error="n/a: `mtx render` not available yet")]
    out = ctx.scratch / "render-all"
    shutil.rmtree(out, ignore_errors=True)
    drop_parse_cache(ctx.repo)
    cold = run_timed(ctx.mtx("render", "--space", "*", "--out", str(out)))
    files = sum(1 for _ in out.rglob("*.yaml")) if out.exists() else 0
    shutil.rmtree(out, ignore_errors=True)
    warm = run_timed(ctx.mtx("render", "--space", "*", "--out", str(out)))
    overlays = sorted((ctx.kustomize / "overlays").iterdir())
    sample = overlays[: ctx.kustomize_sample] if ctx.kustomize_sample else overlays
    loop = run_many([["kubectl", "kustomize", str(o), "-o", str(ctx.scratch / "k-all.yaml")] for o in sample])
    note = f"mtx wrote {files} files (the base space too); cold = parse cache deleted first"
    if len(sample) < len(overlays):
        scale = len(overlays) / len(sample)
        loop = Sample(loop.wall * scale, loop.cpu * scale, loop.rss_mib)
        note += f"; kustomize loop extrapolated from {len(sample)} of {len(overlays)} overlays"
    baseline = f"kustomize loop over {len(overlays)} overlays"
    return [
        Row(f"{name}, cold cache", cold, baseline, loop, Target("min_speedup", 10), note=note),
        Row(f"{name}, warm cache", warm, baseline, loop, note="the output directory emptied first"),
    ]


def where(ctx: Context) -> list[Row]:
    """A YAML-path WHERE over every unit, with an empty and with a warm parse cache."""
    argv = ctx.mtx("unit", "list", "--space", "*", "--where", WHERE, "--no-data", "-o", "json")
    out = ctx.scratch / "where.json"
    drop_parse_cache(ctx.repo)
    cold = run_timed(argv, stdout=out)
    warm = best_of(ctx.repeats, lambda: run_timed(argv, stdout=out))
    matched = len(json.loads(out.read_text()))
    return [
        Row(
            f"WHERE over {ctx.units} units, cold cache",
            cold,
            note=f'`--where "{WHERE}"` matched {matched}; cold = parse cache deleted first (every unit\'s YAML parsed)',
        ),
        Row(f"WHERE over {ctx.units} units, warm cache", warm, target=Target("max_seconds", 1.0)),
    ]


def log(ctx: Context, *, commits: int = 10_000) -> list[Row]:
    """`mtx log` over a history of 10,000 mtx commits, against `git log` printing the same messages."""
    if not has_command("log"):
        return [Row(f"`mtx log` over {commits:,} commits", None, error="n/a: `mtx log` not available yet")]
    repo = ctx.generated.parent / f"log-{commits}"
    if not (repo / ".bench-complete").is_file():
        shutil.rmtree(repo, ignore_errors=True)
        log_repo(repo, commits=commits)
        (repo / ".git" / "info" / "exclude").write_text(".bench-complete\n")
        (repo / ".bench-complete").write_text("1\n")
    out = ctx.scratch / "log.json"
    mtx = best_of(max(ctx.repeats // 2, 1), lambda: run_timed(ctx.mtx("log", "-o", "json", repo=repo), stdout=out))
    git = best_of(max(ctx.repeats // 2, 1), lambda: run_timed(["git", "log", "--format=%H %an %aI%n%B"], cwd=repo))
    entries = len(json.loads(out.read_text()))
    return [
        Row(
            f"`mtx log -o json` over {commits:,} commits",
            mtx,
            "git log --format=%H %an %aI %B",
            git,
            Target("max_seconds", 2.0),
            note=f"{entries} entries printed",
        )
    ]


def scratch_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
