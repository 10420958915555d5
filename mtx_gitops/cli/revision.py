"""`mtx revision list U --space S [--limit N]`: a unit's revisions, numbered as cub numbers them."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, get_globals, new_app

app = new_app("A unit's revisions: its Nth change is revision N (cub's revision numbers, from git).")


@app.callback()
def revision() -> None:
    """A unit's revisions (cub's `revision` commands)."""


@app.command("list")
def list_revisions(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="Unit slug.")],
    space: Annotated[str, typer.Option("--space", "-s", help="Space slug.")] = "",
    limit: Annotated[int | None, typer.Option("--limit", help="Only the newest N revisions.", min=1)] = None,
) -> None:
    """The unit's revisions, newest first: number, date, author, operation and description.

    Revision 1 created the unit; the newest is its HeadRevisionNum. `mtx unit update U --space S
    --restore N` (or `-N`, counted back from the head) puts a revision back.
    """
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.errors import UserError
    from mtx_gitops.ops.revisions import revision_list

    if not space:
        raise UserError("missing --space")
    g = get_globals(ctx)
    repo = g.open_repo()
    snap = repo.snapshot(g.branch or "HEAD")
    ref = UnitRef(space, unit)
    snap.require(ref)
    revisions = revision_list(snap, ref)[:limit]
    rows = [r.as_json() for r in revisions]
    columns = [
        ("REVISION-NUM", "RevisionNum"),
        ("CREATED-AT", "CreatedAt"),
        ("USERNAME", "User.Username"),
        ("SOURCE", "Source"),
        ("DESCRIPTION", "Description"),
    ]
    flat = [{**r.as_json(), "User.Username": r.author} for r in revisions]
    emit(ctx, rows, table=lambda: print_rows(flat, columns, title="Revisions"))
