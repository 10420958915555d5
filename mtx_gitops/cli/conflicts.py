"""`mtx conflicts`: the open conflicts of the ledger; `mtx conflicts resolve` closes one as one commit."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals
from mtx_gitops.errors import UserError

app = typer.Typer(
    help="The conflict ledger: conflicts upgrades resolved by policy, open until resolved.",
    invoke_without_command=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.callback()
def conflicts(
    ctx: typer.Context,
    space: Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")] = "*",
) -> None:
    """List the open conflicts (JSON: space, unit, document, path, base, upstream, local, resolution,
    commit, status)."""
    if ctx.invoked_subcommand is not None:
        return
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.core.conflictview import object_name
    from mtx_gitops.ops.conflicts import list_conflicts

    g = get_globals(ctx)
    rows = [c.as_json() for c in list_conflicts(g.open_repo().snapshot(g.branch or "HEAD"), space)]
    shown = [
        {**r, "object": object_name(r["document"]), "commit": (r["commit"] or "")[:12], "unit": r["unit"]} for r in rows
    ]
    emit(
        ctx,
        rows,
        table=lambda: print_rows(
            shown,
            [
                ("UNIT", "unit"),
                ("SPACE", "space"),
                ("OBJECT", "object"),
                ("PATH", "path"),
                ("BASE", "base"),
                ("UPSTREAM", "upstream"),
                ("LOCAL", "local"),
                ("RESOLUTION", "resolution"),
                ("COMMIT", "commit"),
            ],
        ),
    )


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit slug.")],
    space: Annotated[str, typer.Option("--space", "-s", help="Space slug.")] = "",
    path: Annotated[str, typer.Option("--path", help="The conflict's field path, as `mtx conflicts` lists it.")] = "",
    take: Annotated[str | None, typer.Option("--take", help="upstream or local: set the field to that side.")] = None,
    value: Annotated[str | None, typer.Option("--value", help="Set the field to this YAML value.")] = None,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="Keep the unit as it is and close the entry.")] = False,
    document: Annotated[
        str | None, typer.Option("--document", help="The object, when the path is open in several.")
    ] = None,
) -> None:
    """Close one open conflict as one commit: --take upstream|local, --value V, or --dismiss."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.conflicts import Decision, resolve_conflict

    if not space:
        raise UserError("missing --space")
    if take not in (None, "upstream", "local"):
        raise UserError(f"invalid --take {take!r}: expected upstream or local")
    g = get_globals(ctx)
    repo = g.open_repo()
    decision = Decision(take=take, value=value, dismiss=dismiss)  # type: ignore[arg-type]
    emit_write(
        ctx,
        resolve_conflict(repo, UnitRef(space, name), path, decision, document=document, **g.write_options(repo)),
    )
