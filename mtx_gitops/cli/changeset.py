"""`mtx changeset create|apply|abort|show|list`: atomic multi-unit updates (SPEC §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals, new_app
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.ops.changeset import Dropped
    from mtx_gitops.store import Repo

app = new_app("Changesets: stage edits to many units, land them as one commit.")

Name = Annotated[str, typer.Argument(help="Changeset name (a DNS-1123 label).")]
OptionalName = Annotated[str | None, typer.Argument(help="Changeset name (default: the current one).")]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Name,
    space: Annotated[
        str | None, typer.Option("--space", "-s", help="cub's space of the changeset: must exist; any unit may join.")
    ] = None,
) -> None:
    """Open a changeset on the checked-out branch (or --branch) and make it current."""
    from mtx_gitops.cli.tables import console
    from mtx_gitops.ops import changeset

    g = get_globals(ctx)
    repo = g.open_repo()
    if space is not None:  # cub keeps a changeset in a space; mtx's span the repository
        repo.snapshot(g.branch or "HEAD").space(space)
    opened = changeset.create(repo, name, target=g.branch, dry_run=g.dry_run)
    where = f"on branch {opened.branch} (lands on {opened.target} at {opened.base[:12]})"
    if g.dry_run:
        emit(
            ctx,
            {**opened.as_json(), "current": False, "dry_run": True},
            table=lambda: console.print(
                f"[bold]dry run[/]: would open changeset [bold]{name}[/] {where} and make it current; nothing written"
            ),
        )
        return
    emit(
        ctx,
        {**opened.as_json(), "current": True},
        table=lambda: console.print(
            f"[green]✓[/] opened changeset [bold]{name}[/] {where}; mutating commands now stage there"
        ),
    )


@app.command("apply")
def apply(ctx: typer.Context, name: OptionalName = None) -> None:
    """Land every staged edit on the target branch as exactly one commit."""
    from mtx_gitops.ops.changeset_apply import apply as do_apply

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, do_apply(repo, _name(repo, name or g.changeset), message=g.message, dry_run=g.dry_run))


@app.command("abort")
def abort(ctx: typer.Context, name: OptionalName = None) -> None:
    """Drop a changeset: its branch and its state."""
    from mtx_gitops.ops import changeset

    g = get_globals(ctx)
    repo = g.open_repo()
    dropped = changeset.abort(repo, _name(repo, name or g.changeset), dry_run=g.dry_run)
    emit(ctx, dropped.as_json(), table=lambda: _print_abort(dropped))


@app.command("show")
def show(ctx: typer.Context, name: OptionalName = None) -> None:
    """List a changeset's staged commits, units and field diffs (old → new)."""
    from mtx_gitops.ops import changeset

    g = get_globals(ctx)
    repo = g.open_repo()
    data = changeset.show(repo, _name(repo, name or g.changeset))
    emit(ctx, data, table=lambda: _print_show(data))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List open changesets."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops import changeset

    rows = changeset.list_all(get_globals(ctx).open_repo())
    for row in rows:
        row["unit_count"] = len(row["units"])
        row["base_short"] = row["base"][:12]
    emit(
        ctx,
        rows,
        table=lambda: print_rows(
            rows,
            [
                ("CHANGESET", "changeset"),
                ("CURRENT", "current"),
                ("TARGET", "target"),
                ("BASE", "base_short"),
                ("COMMITS", "commits"),
                ("UNITS", "unit_count"),
                ("STATE", "state"),
            ],
            title="Changesets",
        ),
    )


def _name(repo: Repo, name: str | None) -> str:
    from mtx_gitops.ops.changeset import current_changeset

    found = name or current_changeset(repo)
    if not found:
        raise UserError("give the changeset NAME (no changeset is current)")
    return found


def _print_abort(dropped: Dropped) -> None:
    from mtx_gitops.cli.tables import console

    cs = dropped.changeset
    staged = f"{len(dropped.units)} staged unit(s)"
    if dropped.dry_run:
        tip = f" at {dropped.tip[:12]}" if dropped.tip else " (already gone)"
        console.print(
            f"[bold]dry run[/]: would abort changeset [bold]{cs.name}[/]: delete branch {cs.branch}{tip} "
            f"and drop {staged}; nothing written"
        )
    else:
        console.print(
            f"[green]✓[/] aborted changeset [bold]{cs.name}[/]: branch {cs.branch} deleted, "
            f"{staged} dropped, {cs.target} untouched"
        )
    for unit in dropped.units:
        console.print(f"  [dim]·[/] {unit}")


def _print_show(data: dict[str, Any]) -> None:
    from mtx_gitops.cli.diffview import print_field_changes
    from mtx_gitops.cli.tables import console

    moved = " [yellow](target moved since: apply re-merges)[/]" if data["target_moved"] else ""
    console.print(
        f"[bold]changeset {data['changeset']}[/] on {data['branch']} → {data['target']} "
        f"(base {data['base'][:12]}){moved}"
    )
    for commit in data["commits"]:
        console.print(f"  [dim]{commit['commit'][:12]}[/] {commit['operation'] or '-'}: {commit['subject']}")
    if not data["units"]:
        console.print("  no staged edits")
    for unit in data["units"]:
        console.print(f"  [bold]{unit['space']}/{unit['unit']}[/] ({unit['status']})")
        print_field_changes(unit["fields"], indent="    ")
