"""`mtx unit refresh`: commit a unit's live differences (a break-glass `kubectl scale`) to the unit."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit_write, get_globals
from mtx_gitops.errors import UserError


def register(unit_app: typer.Typer) -> None:
    """Add `refresh` to `mtx unit`."""
    unit_app.command("refresh")(refresh)


def refresh(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit slug.")],
    space: Annotated[str, typer.Option("--space", "-s", help="Space slug.")] = "",
) -> None:
    """Read the unit's live objects and commit their differences to the unit (trailer Mtx-Operation:
    refresh; with --branch, on a branch for a pull request). Only the unit's own fields count: server
    defaults, status, managedFields and fields other managers own are left out."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.delivery.commands import ClusterPool
    from mtx_gitops.delivery.refresh import refresh_unit

    if not space:
        raise UserError("missing --space")
    g = get_globals(ctx)
    repo = g.open_repo()
    pool = ClusterPool()
    try:
        emit_write(ctx, refresh_unit(repo, UnitRef(space, name), cluster_for=pool, **g.write_options(repo)))
    finally:
        pool.close()
