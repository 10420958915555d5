"""`mtx revert COMMIT` and `mtx changeset revert NAME`: undo one commit's changes to units, as one commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mtx_gitops.cli.context import emit_write, get_globals
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.core.model import Policy

OnConflict = Annotated[
    str,
    typer.Option(
        help="A field changed again since the commit: local (default: keep the newer value), upstream "
        "(take the value from before the commit) or fail (write nothing)."
    ),
]


def register(root: typer.Typer, changeset_app: typer.Typer) -> None:
    """Add `mtx revert` and `mtx changeset revert`."""
    root.command("revert")(revert)
    changeset_app.command("revert")(changeset_revert)


def revert(
    ctx: typer.Context,
    commit: Annotated[str, typer.Argument(help="The commit to undo (any revision git understands).")],
    on_conflict: OnConflict = "local",
) -> None:
    """One commit undoing COMMIT's changes to units and their links, merged over later edits."""
    from mtx_gitops.ops.revert import revert_commit

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, revert_commit(repo, commit, policy=_policy(on_conflict), **g.write_options(repo)))


def changeset_revert(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="An applied changeset's name.")],
    on_conflict: OnConflict = "local",
) -> None:
    """One commit undoing the commit that applied changeset NAME (as `mtx revert` does)."""
    from mtx_gitops.ops.revert import revert_changeset

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, revert_changeset(repo, name, policy=_policy(on_conflict), **g.write_options(repo)))


def _policy(value: str) -> Policy:
    from mtx_gitops.core.model import POLICIES

    if value not in POLICIES:
        raise UserError(f"invalid --on-conflict {value!r}: expected local, upstream or fail")
    return value  # type: ignore[return-value]
