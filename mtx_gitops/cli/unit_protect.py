"""`mtx unit protect` / `unprotect`: paths a region owns, which upgrades and lateral merges leave alone."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit_write, get_globals
from mtx_gitops.errors import UserError

Name = Annotated[str | None, typer.Argument(help="Unit slug (omit to protect for every unit of the space).")]
Space = Annotated[str, typer.Option("--space", "-s", help="Space slug.")]
Paths = Annotated[list[str] | None, typer.Option("--path", help="Field path, e.g. spec.replicas (repeatable).")]


def register(unit_app: typer.Typer) -> None:
    """Add `protect` and `unprotect` to `mtx unit`."""
    unit_app.command("protect")(protect)
    unit_app.command("unprotect")(unprotect)


def protect(ctx: typer.Context, name: Name = None, space: Space = "", path: Paths = None) -> None:
    """Protect paths of a unit (or of every unit of a space): no upgrade changes them, whatever
    --on-conflict says, and --merge-unit only with --force."""
    _write(ctx, name, space, path or [], remove=False)


def unprotect(ctx: typer.Context, name: Name = None, space: Space = "", path: Paths = None) -> None:
    """Stop protecting paths of a unit (or of a space)."""
    _write(ctx, name, space, path or [], remove=True)


def _write(ctx: typer.Context, name: str | None, space: str, paths: list[str], *, remove: bool) -> None:
    from mtx_gitops.ops.protect import protect_paths

    if not space:
        raise UserError("missing --space")
    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, protect_paths(repo, space, name, paths, remove=remove, **g.write_options(repo)))
