"""`mtx unit set-target`, `unit apply` and `unit destroy`: cub's per-unit targets and delivery."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals

SpaceGlob = Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")]
Units = Annotated[str | None, typer.Option("--unit", help="Only these units: a,b.")]
Where = Annotated[str | None, typer.Option("--where", help="WHERE expression selecting units.")]


def register(unit_app: typer.Typer) -> None:
    """Add the per-unit delivery commands to `mtx unit`."""
    unit_app.command("set-target")(set_target)
    unit_app.command("apply")(apply)
    unit_app.command("destroy")(destroy)


def set_target(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="[UNIT] TARGET", help="Unit slug then target; or the target only.")],
    second: Annotated[str | None, typer.Argument(hidden=True)] = None,
    space: SpaceGlob = "",
    unit: Units = None,
    where: Where = None,
) -> None:
    """Deliver units to their own target (`-` clears it: the space's target again), in one commit.

    `unit set-target U T --space S`, or `unit set-target T --space S --where EXPR` / `--unit a,b`.
    """
    from mtx_gitops.ops.pick import Pick
    from mtx_gitops.ops.unit_targets import set_unit_targets

    name, target = (first, second) if second is not None else (None, first)
    pick = Pick.parse(space, name=name, units=unit, where=where)
    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, set_unit_targets(repo, pick.refs, target, what=pick.describe(), **g.write_options(repo)))


def apply(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Unit slug (or --unit a,b, or --where).")] = None,
    space: SpaceGlob = "",
    unit: Units = None,
    where: Where = None,
    prune: Annotated[bool, typer.Option("--prune", help="Delete live objects of these units that left git.")] = False,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="Let --prune empty a unit.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait until every applied object is Healthy.")] = False,
    timeout: Annotated[str, typer.Option("--timeout", help="How long each wave (and --wait) waits.")] = "5m",
    filter_: Annotated[
        str | None, typer.Option("--filter", help="A stored filter SPACE/NAME (with --where: both).")
    ] = None,
) -> None:
    """Apply units to their targets as `mtx apply` does (server dry-run first, put back on failure).

    Providers go first: linked units' spaces before the spaces that need them, and within a space a wave earlier.
    """
    from mtx_gitops.cli.delivery import _print_apply, _progress
    from mtx_gitops.core.gate import parse_duration
    from mtx_gitops.delivery.unit_apply import apply_units
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.ops.pick import Pick

    g = get_globals(ctx)
    repo = g.open_repo()
    snap = repo.snapshot(g.branch or "HEAD")
    if filter_ is not None:
        from mtx_gitops.ops.filters import where_of

        where = where_of(snap, filter_, where=where)
    pick = Pick.parse(space, name=name, units=unit, where=where)
    seconds = parse_duration(timeout, option="--timeout")
    results = apply_units(repo, snap, pick.refs(snap), prune=prune, allow_empty=allow_empty, dry_run=g.dry_run,
                          wait=Waiting(timeout=seconds, after_last=wait),
                          log=_progress if wait and g.output == "table" else None)  # fmt: skip
    emit(ctx, results, table=lambda: _print_apply(results))


def destroy(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Unit slug (or --unit a,b, or --where).")] = None,
    space: SpaceGlob = "",
    unit: Units = None,
    where: Where = None,
) -> None:
    """Delete the live objects of units from their targets (the units stay in git; --dry-run: only list them).

    Units that need others go first; only objects mtx applied for these units are deleted.
    """
    from mtx_gitops.delivery.unit_apply import destroy_units
    from mtx_gitops.ops.pick import Pick

    pick = Pick.parse(space, name=name, units=unit, where=where)
    g = get_globals(ctx)
    repo = g.open_repo()
    snap = repo.snapshot(g.branch or "HEAD")
    results = destroy_units(repo, snap, pick.refs(snap), dry_run=g.dry_run)
    emit(ctx, results, table=lambda: _print_destroy(results))


def _print_destroy(results: list[dict[str, Any]]) -> None:
    for result in results:
        verb = "would delete" if result["dry_run"] else "deleted"
        typer.echo(f"{result['space']} ({result['target']}): {verb} {len(result['deleted'])} object(s)")
        for name in result["deleted"]:
            typer.echo(f"  delete    {name}")
