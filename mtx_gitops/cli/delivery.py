"""`mtx render`, `mtx apply` and `mtx status`: delivery of spaces to their targets (the worker: `worker.py`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mtx_gitops.cli.context import emit, get_globals

SpaceGlob = Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")]


def register(root: typer.Typer) -> None:
    """Add the top-level delivery commands."""
    root.command("render")(render)
    root.command("apply")(apply)
    root.command("status")(status)


def render(
    ctx: typer.Context,
    space: SpaceGlob = "*",
    out: Annotated[Path | None, typer.Option("--out", help="Write one file per unit under DIR/<space>/.")] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="Commit/write to the spaces' git-branch and directory targets.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="With --deliver: delete files of units that left git.")
    ] = False,
) -> None:
    """The exact manifests a worker would apply (namespace, labels, commit annotation filled in).

    With --deliver, the rendering goes to every matching space's git-branch or directory target
    (one commit per space on its branch), as `mtx apply` and the worker deliver it; clusters are left out.
    """
    from mtx_gitops.delivery.commands import apply_spaces, render_spaces

    g = get_globals(ctx)
    repo = g.open_repo()
    if deliver:
        kinds = ("directory", "git-branch")
        snapshot = repo.snapshot(g.branch or "HEAD")
        results = apply_spaces(
            repo, snapshot, space_glob=space, prune=prune, allow_empty=False, dry_run=g.dry_run, kinds=kinds
        )
        emit(ctx, results, table=lambda: _print_apply(results))
        return
    plans, mirror = render_spaces(repo, repo.snapshot(g.branch or "HEAD"), space_glob=space, out=out, dry_run=g.dry_run)
    objects = [obj for plan in plans for obj in plan.objects]
    if out is not None:
        report = {"out": str(out), "spaces": [p.space for p in plans], "objects": len(objects),
                  "dry_run": g.dry_run, "written": [str(path) for path in mirror.written],
                  "deleted": [str(path) for path in mirror.deleted]}  # fmt: skip
        emit(ctx, report, table=lambda: _print_render(report))
    elif g.output == "json":
        emit(ctx, objects)
    else:
        from mtx_gitops.yaml import dump_documents

        sys.stdout.write(dump_documents(objects))


def _print_render(report: dict[str, Any]) -> None:
    objects, spaces, out = report["objects"], len(report["spaces"]), report["out"]
    if not report["dry_run"]:
        typer.echo(f"wrote {objects} objects of {spaces} space(s) under {out}")
        return
    typer.echo(f"dry run: would write {objects} objects of {spaces} space(s) under {out}; nothing written")
    for path in report["written"]:
        typer.echo(f"  would write   {path}")
    for path in report["deleted"]:
        typer.echo(f"  would delete  {path}")


def apply(
    ctx: typer.Context,
    space: SpaceGlob = "",
    prune: Annotated[bool, typer.Option("--prune", help="Delete live objects of the space that left git.")] = False,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="Let --prune empty a space.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait until every applied object is Healthy.")] = False,
    timeout: Annotated[
        str, typer.Option("--timeout", help="How long each wave (and --wait) waits for health, e.g. 90s, 10m.")
    ] = "5m",
) -> None:
    """Server-side apply spaces to their targets (validated by server dry-run first; --dry-run: only that).

    Objects go in waves (annotation mtx.dev/wave, then kind order); each wave waits for health before
    the next. Health is kstatus': Healthy, Progressing, Degraded, Missing, Unknown.
    """
    from mtx_gitops.core.gate import parse_duration
    from mtx_gitops.delivery.commands import apply_spaces
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.errors import UserError

    if not space:
        raise UserError("missing --space (use '*' for every space)")
    seconds = parse_duration(timeout, option="--timeout")
    g = get_globals(ctx)
    repo = g.open_repo()
    results = apply_spaces(
        repo,
        repo.snapshot(g.branch or "HEAD"),
        space_glob=space,
        prune=prune,
        allow_empty=allow_empty,
        dry_run=g.dry_run,
        wait=Waiting(timeout=seconds, after_last=wait),
        log=_progress if wait and g.output == "table" else None,
    )
    emit(ctx, results, table=lambda: _print_apply(results))


def status(ctx: typer.Context, space: SpaceGlob = "*") -> None:
    """Per object: git vs live revision, Synced/OutOfSync/Drifted/Missing, health and ready x/y.

    Health is kstatus': Healthy, Progressing, Degraded, Missing or Unknown, with the reason.
    """
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.delivery.commands import status_spaces

    g = get_globals(ctx)
    repo = g.open_repo()
    report = status_spaces(repo, repo.snapshot(g.branch or "HEAD"), space_glob=space)
    table = [_status_cells(row) for row in report.rows]
    columns = [("UNIT", "unit"), ("OBJECT", "object"), ("REVISION", "revision"), ("SYNC", "sync"),
               ("HEALTH", "health"), ("READY", "ready"), ("PODS", "pods")]  # fmt: skip

    def draw() -> None:
        print_rows(table, columns, title="Status")
        for note in report.notes:
            typer.echo(f"note: {note}")

    if g.output != "table":  # the JSON list stays the rows; notes go where scripts do not parse
        for note in report.notes:
            typer.echo(f"note: {note}", err=True)
    emit(ctx, report.rows, table=draw)


def _progress(line: str) -> None:
    typer.echo(line, err=True)


def _status_cells(row: dict[str, Any]) -> dict[str, str]:
    git, live = (row["git_revision"] or "-")[:7], (row["live_revision"] or "-")[:7]
    sync = row["sync"] + (f": {', '.join(row['drift'])}" if row.get("drift") else "")
    return {
        "unit": f"{row['space']}/{row['unit']}",
        "object": f"{row['kind']}/{row['name']}",
        "revision": git if git == live else f"{git} (live {live})",
        "sync": sync if row.get("in_git", True) else f"{sync}: not in git (--prune deletes it)",
        "health": _health(row),
        "ready": row["ready"] or "-",
        "pods": _pods(row["pods"]),
    }


def _health(row: dict[str, Any]) -> str:
    health, why = row["health"], row.get("health_message")
    if not health:
        return "-"
    return health if health in ("Healthy", "Missing") or not why else f"{health}: {why}"


def _pods(pods: dict[str, int] | None) -> str:
    if not pods:
        return "-"
    mark = " ✓" if pods["total"] and pods["running"] == pods["total"] else ""
    return f"{pods['running']}/{pods['total']} Running{mark}"


def _print_apply(results: list[dict[str, Any]]) -> None:
    from mtx_gitops.cli.tables import console

    for result in results:
        if "branch" in result:
            _print_branch(result)
            continue
        if "written" in result:
            _print_directory(result)
            continue
        summary = ", ".join(f"{count} {name}" for name, count in result["summary"].items() if count)
        verb = "would apply" if result["dry_run"] else "applied"
        console.print(f"[bold]{result['space']}[/]: {verb} {(result['commit'] or '')[:12]} ({summary or 'nothing'})")
        for action in result["actions"]:
            if action["action"] != "unchanged":
                console.print(f"  {action['action']:<9} {action['object']}", markup=False)


def _print_branch(result: dict[str, Any]) -> None:
    from mtx_gitops.cli.tables import console

    where = f"{result['branch']} of {result['repository']}"
    if result["delivered"]:
        head = f"committed {result['delivered'][:12]} to {where}"
    elif result["dry_run"] and not result["notes"][:1]:
        head = f"would commit to {where}"
    else:
        head = f"no commit to {where}"
    summary = result["summary"]
    console.print(f"[bold]{result['space']}[/]: {head} ({summary['write']} written, {summary['delete']} deleted, "
                  f"{summary['unchanged']} unchanged)")  # fmt: skip
    for action, paths in (("write", result["written"]), ("delete", result["deleted"]), ("stale", result["stale"])):
        for path in paths:
            console.print(f"  {action:<9} {path}", markup=False)
    for note in result["notes"]:
        console.print(f"  note: {note}", markup=False)


def _print_directory(result: dict[str, Any]) -> None:
    from mtx_gitops.cli.tables import console

    wrote, deleted = ("would write", "would delete") if result["dry_run"] else ("wrote", "deleted")
    unchanged = result["summary"]["unchanged"]
    console.print(f"[bold]{result['space']}[/]: {wrote} {len(result['written'])} file(s), {deleted} "
                  f"{len(result['deleted'])} file(s) under {result['directory']} ({unchanged} unchanged)")  # fmt: skip
    for action, paths in (("write", result["written"]), ("delete", result["deleted"]), ("stale", result["stale"])):
        for path in paths:
            console.print(f"  {action:<9} {path}", markup=False)
    for note in result["notes"]:
        console.print(f"  note: {note}", markup=False)
