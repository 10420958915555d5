"""`mtx unit tree [UNIT] --space GLOB --node space|unit --edge clone|link`: cub's unit trees."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, get_globals


def register(unit_app: typer.Typer) -> None:
    """Add `tree` to `mtx unit`."""
    unit_app.command("tree")(tree)


def tree(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Only units of this slug.")] = None,
    space: Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")] = "*",
    node: Annotated[str, typer.Option("--node", help="Name each node by its space or its unit.")] = "unit",
    edge: Annotated[
        str, typer.Option("--edge", help="clone: under the upstream unit; link: under what its first link needs.")
    ] = "clone",
    where: Annotated[str | None, typer.Option("--where", help="WHERE expression selecting units.")] = None,
    filter_: Annotated[str | None, typer.Option("--filter", help="A stored filter SPACE/NAME.")] = None,
) -> None:
    """Units drawn under the units they were cloned from: `mtx unit tree --node space trade-service`.

    --columns picks the columns after NODE (cub's names: Space.Slug, UpgradeNeeded, HeadRevisionNum…).
    """
    from mtx_gitops.cli.tree_table import print_tree
    from mtx_gitops.ops.unit_tree import unit_tree

    g = get_globals(ctx)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    where_data = None
    if filter_ is not None:
        from mtx_gitops.ops.filters import narrowed

        where, where_data = narrowed(snap, filter_, where=where, where_data=None)
    rows = unit_tree(snap, space, node=node, edge=edge, unit=name, where=where, where_data=where_data)
    emit(ctx, rows, table=lambda: print_tree(rows, node=node))
