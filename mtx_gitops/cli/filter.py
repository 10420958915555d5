"""`mtx filter create|list|get|delete`: cub's stored filters, kept in git (`--filter S/F` uses them)."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals, new_app

app = new_app("Stored filters: a named WHERE kept in git, reused with --filter SPACE/NAME.")

Space = Annotated[str, typer.Option("--space", "-s", help="The filter's space.")]
COLUMNS = [("NAME", "Slug"), ("SPACE", "Space.Slug"), ("FROM", "From"), ("WHERE", "Where"), ("WHERE-DATA", "WhereData")]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Filter slug.")],
    entity: Annotated[str, typer.Argument(help="What it selects: Unit.")] = "Unit",
    space: Space = "",
    where: Annotated[str | None, typer.Option("--where", help="WHERE over units.")] = None,
    where_data: Annotated[str | None, typer.Option("--where-data", help="WHERE over the documents.")] = None,
) -> None:
    """Store a filter: `mtx filter create big Unit --space apps --where "spec.replicas > 2"` (one commit)."""
    from mtx_gitops.errors import UserError
    from mtx_gitops.ops.filters import Filter, create_filter

    if not space:
        raise UserError("missing --space")
    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, create_filter(repo, Filter(space, name, entity, where, where_data), **g.write_options(repo)))


@app.command("list")
def list_(ctx: typer.Context, space: Annotated[str, typer.Option("--space", "-s", help="Space glob.")] = "*") -> None:
    """The stored filters of the spaces matching --space."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.filters import list_filters

    g = get_globals(ctx)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    rows = [f.as_json() for f in list_filters(snap, space)]
    flat = [{**row, "Space.Slug": row["Space"]["Slug"]} for row in rows]
    emit(ctx, rows, table=lambda: print_rows(flat, COLUMNS, title="Filters"))


@app.command("get")
def get(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Filter slug.")], space: Space = "") -> None:
    """One stored filter."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.filters import get_filter

    g = get_globals(ctx)
    row = get_filter(g.open_repo().snapshot(g.branch or "HEAD"), space, name).as_json()
    emit(ctx, row, table=lambda: print_rows([{**row, "Space.Slug": space}], COLUMNS, title="Filter"))


@app.command("delete")
def delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Filter slug.")], space: Space = "") -> None:
    """Remove a stored filter (one commit)."""
    from mtx_gitops.ops.filters import delete_filter

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, delete_filter(repo, space, name, **g.write_options(repo)))
