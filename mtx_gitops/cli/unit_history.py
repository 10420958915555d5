"""`mtx unit history|restore|diff|explain`: review a unit's past and undo it."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals
from mtx_gitops.errors import UserError

Name = Annotated[str, typer.Argument(help="Unit slug.")]
Space = Annotated[str, typer.Option("--space", "-s", help="Space slug.")]


def register(unit_app: typer.Typer) -> None:
    """Add the history commands to `mtx unit`."""
    unit_app.command("history")(history)
    unit_app.command("restore")(restore)
    unit_app.command("diff")(diff)
    unit_app.command("explain")(explain)


def history(ctx: typer.Context, name: Name, space: Space = "") -> None:
    """Commits that changed the unit or its upstream link, newest first."""
    from mtx_gitops.cli.diffview import print_log
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.history import unit_history

    g = get_globals(ctx)
    entries = [e.as_json() for e in unit_history(g.open_repo(), UnitRef(_space(space), name), rev=g.branch or "HEAD")]
    emit(ctx, entries, table=lambda: print_log(entries, title=f"History of {space}/{name}"))


def restore(
    ctx: typer.Context,
    name: Name,
    space: Space = "",
    revision: Annotated[str, typer.Option("--revision", "-r", help="Commit to restore the unit from.")] = "",
) -> None:
    """Put the unit (and its upstream link) back to its content at --revision, as one commit."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.history import restore_unit

    if not revision:
        raise UserError("missing --revision (see `mtx unit history`)")
    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, restore_unit(repo, UnitRef(_space(space), name), revision, **g.write_options(repo)))


def diff(
    ctx: typer.Context,
    name: Name,
    space: Space = "",
    upstream: Annotated[bool, typer.Option("--upstream", help="Show the unit's overrides of its upstream.")] = False,
    revision: Annotated[str | None, typer.Option("--revision", "-r", help="Compare with this revision.")] = None,
) -> None:
    """Field diffs: since the unit's previous revision (or --revision), or against its upstream."""
    from mtx_gitops.cli.diffview import print_field_changes
    from mtx_gitops.cli.tables import console
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.history import diff_revisions, diff_upstream

    g = get_globals(ctx)
    ref = UnitRef(_space(space), name)
    repo, rev = g.open_repo(), g.branch or "HEAD"
    if upstream:
        if revision is not None:
            raise UserError("give --upstream or --revision, not both")
        data = diff_upstream(repo, ref, rev=rev)

        def table() -> None:
            up = data["upstream"]
            console.print(
                f"[bold]{ref}[/] overrides of {up['space']}/{up['unit']}"
                + (" [yellow](upgrade pending)[/]" if data["upgrade_needed"] else "")
            )
            print_field_changes(data["overrides"], old="upstream", new="local")

        emit(ctx, data, table=table)
        return
    data = diff_revisions(repo, ref, rev=rev, revision=revision)

    def revisions() -> None:
        start = (data["from"] or "(none)")[:12]
        console.print(f"[bold]{ref}[/] {start} → {data['to'][:12]}")
        print_field_changes(data["fields"])

    emit(ctx, data, table=revisions)


def explain(
    ctx: typer.Context,
    name: Name,
    space: Space = "",
    path: Annotated[str | None, typer.Option("--path", "-p", help="Only fields under this path.")] = None,
) -> None:
    """Field provenance: each value, inherited or overridden, and the commit that last set it."""
    from mtx_gitops.cli.diffview import print_explain
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.explain import explain_unit

    g = get_globals(ctx)
    data = explain_unit(g.open_repo(), UnitRef(_space(space), name), rev=g.branch or "HEAD", path=path)
    emit(ctx, data, table=lambda: print_explain(data))


def _space(space: str) -> str:
    if not space:
        raise UserError("missing --space")
    return space
