"""`mtx link create|list|get|delete|refresh`: cub's links (a unit needs what another provides)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals, new_app
from mtx_gitops.errors import UserError

app = new_app("Links: a unit needs what another unit provides (its namespace); providers apply first.")

SpaceOpt = Annotated[str, typer.Option("--space", "-s", help="Space slug (where the link and its FROM unit live).")]
_COLUMNS = [("LINK", "link"), ("SPACE", "space"), ("FROM", "from_unit"), ("TO", "to_unit"), ("TYPE", "update_type"),
            ("FILLED", "filled_count")]  # fmt: skip


def _need_space(space: str) -> str:
    if not space:
        raise UserError("missing --space")
    return space


def _rows(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        link
        | {
            "from_unit": link["from"]["unit"],
            "to_unit": f"{link['to']['space']}/{link['to']['unit']}",
            "filled_count": len(link["filled"]),
        }
        for link in links
    ]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Link slug ('-': named <from>-to-<to>).")],
    from_unit: Annotated[str, typer.Argument(help="The unit that needs (in --space).")],
    to_unit: Annotated[str, typer.Argument(help="The unit that provides.")],
    to_space: Annotated[str | None, typer.Argument(help="The providing unit's space (default: --space).")] = None,
    space: SpaceOpt = "",
    update_type: Annotated[
        str, typer.Option("--update-type", help="NeedsProvides (fill placeholders) or None (order only).")
    ] = "NeedsProvides",
    wait: Annotated[bool, typer.Option("--wait", help="Accepted for cub: the fill is part of the commit.")] = False,
) -> None:
    """Create a link; NeedsProvides fills FROM's placeholders from TO in the same commit."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.links import create_link

    g = get_globals(ctx)
    repo = g.open_repo()
    _need_space(space)
    source, target = UnitRef(space, from_unit), UnitRef(to_space or space, to_unit)
    emit_write(ctx, create_link(repo, name, source, target, update_type=update_type, **g.write_options(repo)))


@app.command("list")
def list_(
    ctx: typer.Context, space: Annotated[str, typer.Option("--space", "-s", help="Space slug or glob.")] = "*"
) -> None:
    """List the links of the matching spaces."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.links import list_links

    g = get_globals(ctx)
    rows = list_links(g.open_repo().snapshot(g.branch or "HEAD"), space)
    emit(ctx, rows, table=lambda: print_rows(_rows(rows), _COLUMNS, title="Links"))


@app.command("get")
def get(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Link slug.")], space: SpaceOpt = "") -> None:
    """Show one link and the values it filled."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.links import get_link

    g = get_globals(ctx)
    row = get_link(g.open_repo().snapshot(g.branch or "HEAD"), _need_space(space), name)

    def draw() -> None:
        print_rows(_rows([row]), _COLUMNS, title="Link")
        for fill in row["filled"]:
            typer.echo(f"  {fill['document']} {fill['path']}: {fill['template']} -> {fill['value']}")

    emit(ctx, row, table=draw)


@app.command("delete")
def delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Link slug.")], space: SpaceOpt = "") -> None:
    """Delete a link (the values it filled stay)."""
    from mtx_gitops.ops.links import delete_link

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, delete_link(repo, _need_space(space), name, **g.write_options(repo)))


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Link slug (default: every link of the space).")] = None,
    space: SpaceOpt = "",
) -> None:
    """Fill the space's units again from their providers (values someone changed are left alone)."""
    from mtx_gitops.ops.links import refresh_links

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, refresh_links(repo, _need_space(space), name=name, **g.write_options(repo)))
