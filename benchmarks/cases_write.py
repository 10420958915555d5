"""Write-side benchmarks: push-upgrade of every unit (with its RSS), bulk set-image, plan, linking a
space, and a one-unit edit in a repo of 20,000 files. Each runs on a fresh copy of the repo."""

from __future__ import annotations

import itertools
import resource
import shutil
import time
from pathlib import Path

from benchmarks.context import Context, drop_parse_cache, git, has_command
from benchmarks.manifests import BASE_SPACE
from benchmarks.measure import Sample, best_of, run_timed
from benchmarks.mtxcmd import run_mtx
from benchmarks.report import Row, Target
from benchmarks.scratch import tracked_files, wide_repo


def _changed(out: Path) -> int:
    return out.read_text().count('"changed": true')


def _replay(source: Path, target: Path, paths: list[str]) -> None:
    """Write the files `paths` as they are in `source`'s checkout into `target` (deleted if absent)."""
    for path in paths:
        src, dst = source / path, target / path
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        elif dst.exists():
            dst.unlink()


def upgrade(ctx: Context) -> list[Row]:
    """Change every base unit, then push the change to every space: mtx against `git add -A && commit`."""
    repo = ctx.copy_repo("upgrade")
    run_timed(ctx.mtx("run", "set-image", "--image", ":v2", "--space", BASE_SPACE, repo=repo))
    old = git(repo, "rev-parse", "HEAD").strip()
    plain = ctx.copy_repo("upgrade-git", source=repo)
    warm = ctx.copy_repo("upgrade-warm", source=repo)
    drop_parse_cache(repo)
    out = ctx.scratch / "upgrade.json"
    cold = run_timed(ctx.mtx("unit", "update", "--upgrade", "--space", "*", "-o", "json", repo=repo), stdout=out)
    changed = _changed(out)
    files = [p for p in git(repo, "diff", "--name-only", "-z", old, "HEAD").split("\0") if p]
    _replay(repo, plain, files)
    baseline = run_timed(["sh", "-c", "git add -A && git commit -q -m 'upgrade every space'"], cwd=plain)
    run_timed(ctx.mtx("unit", "list", "--space", "*", "--no-data", "-o", "json", repo=warm))
    hot = run_timed(ctx.mtx("unit", "update", "--upgrade", "--space", "*", "-o", "json", repo=warm), stdout=out)
    note = f"{changed} units changed, {len(files)} files in one commit"
    ctx.upgraded = (repo, old, git(repo, "rev-parse", "HEAD").strip())
    return [
        Row(
            f"push-upgrade of {ctx.units} units, cold cache",
            cold,
            "git add -A && git commit (same files)",
            baseline,
            Target("max_seconds", 10.0),
            note=note + "; parse cache deleted first",
        ),
        Row(
            f"push-upgrade of {ctx.units} units, warm cache",
            hot,
            "git add -A && git commit (same files)",
            baseline,
            note="parse cache filled by a `unit list` first",
        ),
        Row(
            f"peak RSS of the {ctx.units}-unit upgrade",
            cold,
            target=Target("max_rss_mib", 500),
            note="ru_maxrss of the mtx process (and the git processes it waited for), cold cache",
        ),
    ]


def set_image(ctx: Context) -> list[Row]:
    """`mtx run set-image --image :v3 --space '*'` over every unit (after the upgrade)."""
    repo = ctx.upgraded[0] if ctx.upgraded else ctx.copy_repo("upgrade")
    out = ctx.scratch / "set-image.json"
    sample = run_timed(
        ctx.mtx("run", "set-image", "--image", ":v3", "--space", "*", "-o", "json", repo=repo), stdout=out
    )
    return [
        Row(
            f"bulk set-image over {ctx.units + 20} units",
            sample,
            target=Target("max_seconds", 10.0),
            note=f"{_changed(out)} units changed in one commit",
        )
    ]


def plan(ctx: Context) -> list[Row]:
    """`mtx plan` for the upgrade commit (every space changed)."""
    name = f"`mtx plan` of the {ctx.spaces}-space upgrade"
    if not has_command("plan") or not ctx.upgraded:
        return [Row(name, None, error="n/a: `mtx plan` not available yet")]
    repo, old, new = ctx.upgraded
    sample = run_timed(ctx.mtx("plan", "--base", old, "--head", new, "--format", "json", repo=repo))
    return [Row(name, sample, target=Target("max_seconds", 5.0))]


def link_space(ctx: Context) -> list[Row]:
    """Creating a linked copy of the 20-unit base space (one commit), in the big repo."""
    repo = ctx.upgraded[0] if ctx.upgraded else ctx.copy_repo("upgrade")
    counter = itertools.count()

    def once() -> Sample:
        space = f"bench-link-{next(counter)}"
        run_timed(ctx.mtx("space", "create", space, repo=repo))
        return run_timed(ctx.mtx("unit", "create", "--space", space, "--upstream-space", BASE_SPACE, repo=repo))

    return [
        Row(
            "link a 20-unit space (`unit create --upstream-space`)",
            best_of(ctx.repeats, once),
            target=Target("max_seconds", 1.0),
            note=f"in the {ctx.spaces}-space repo",
        )
    ]


def one_unit_edit(ctx: Context, *, files: int = 20_000) -> list[Row]:
    """A one-unit patch in a repo of 20,000 tracked files: whole process, and the command in-process."""
    repo = ctx.generated.parent / f"wide-{files}"
    if not (repo / ".git" / "bench-complete").is_file():
        shutil.rmtree(repo, ignore_errors=True)
        wide_repo(repo, files=files)
        (repo / ".git" / "bench-complete").write_text("1\n")
    replicas = itertools.count(int(time.time()) % 1000 + 10)

    def args() -> list[str]:
        return [
            "unit",
            "update",
            "svc-03",
            "--space",
            "team-0100",
            "--patch",
            f'{{"spec":{{"replicas":{next(replicas)}}}}}',
        ]

    process = best_of(ctx.repeats, lambda: run_timed(ctx.mtx(*args(), repo=repo)))
    run_mtx(args(), repo=repo, in_process=True)  # imports and page cache warm
    inner = best_of(ctx.repeats, lambda: _in_process(args(), repo))
    edit = "printf '# edit\\n' >> spaces/team-0101/svc-03.yaml && git add -A && git commit -q -m edit"
    baseline = best_of(ctx.repeats, lambda: run_timed(["sh", "-c", edit], cwd=repo))
    count = tracked_files(repo)
    return [
        Row(
            f"one-unit edit, {count:,} files: the command",
            inner,
            "git add -A && git commit (one file)",
            baseline,
            Target("max_seconds", 0.3),
            note="`mtx unit update --patch` run in-process (interpreter start-up and imports excluded)",
        ),
        Row(
            f"one-unit edit, {count:,} files: whole process",
            process,
            "git add -A && git commit (one file)",
            baseline,
            note="includes ~0.2-0.4 s of Python start-up and imports",
        ),
    ]


def _in_process(args: list[str], repo: Path) -> Sample:
    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    cpu_before, started = cpu(), time.perf_counter()
    run_mtx(args, repo=repo, in_process=True)
    return Sample(time.perf_counter() - started, cpu() - cpu_before, 0.0)
