"""`mtx unit …`: create, read, copy, update (patch, upgrade, lateral merge) and delete units."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import active, emit, emit_write, get_globals, new_app
from mtx_gitops.errors import UserError

app = new_app("Units: one YAML file of Kubernetes documents in a space.")

SpaceOpt = Annotated[str, typer.Option("--space", "-s", help="Space slug.")]
SpaceGlob = Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")]
Where = Annotated[str | None, typer.Option("--where", help="WHERE expression selecting units.")]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Unit slug (omit with only --upstream-space to link all).")] = None,
    file: Annotated[str | None, typer.Argument(help="Manifest file, or - for stdin.")] = None,
    space: SpaceOpt = "",
    upstream_space: Annotated[str | None, typer.Option(help="Space of the upstream unit.")] = None,
    upstream_unit: Annotated[str | None, typer.Option(help="Upstream unit (default: same name).")] = None,
    label: Annotated[list[str] | None, typer.Option("--label", help="Unit label k=v (repeatable).")] = None,
) -> None:
    """Create a unit from a file or stdin, or as a linked copy of an upstream unit (its space defaults
    to --space, as in cub)."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.inputs import read_input
    from mtx_gitops.ops.spaces import parse_labels
    from mtx_gitops.ops.units import create_unit, link_space

    g = get_globals(ctx)
    repo = g.open_repo()
    opts = g.write_options(repo)
    _need_space(space)
    labels = parse_labels(label or [])
    if name is None:
        if labels:
            raise UserError("--label needs a unit name")
        if not upstream_space or upstream_unit or file:
            raise UserError("give a unit name, or only --upstream-space to link every unit of that space")
        emit_write(ctx, link_space(repo, space, upstream_space, **opts))
        return
    ref = UnitRef(space, name)
    if upstream_space or upstream_unit:
        if file:
            raise UserError("give either FILE or --upstream-space/--upstream-unit, not both")
        upstream = UnitRef(upstream_space or space, upstream_unit or name)
        emit_write(ctx, create_unit(repo, ref, None, upstream=upstream, labels=labels, **opts))
        return
    if file is None:
        raise UserError("give the unit's manifest FILE (or - for stdin), or --upstream-space")
    data = read_input(file, repo_root=repo.root, what="manifest file")
    emit_write(ctx, create_unit(repo, ref, data, source=file, labels=labels, **opts))


@app.command("get")
def get(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit slug.")],
    space: SpaceOpt = "",
    data_only: Annotated[bool, typer.Option("--data-only", help="Print only the unit's manifests (as cub).")] = False,
) -> None:
    """Show one unit (its documents, upstream and whether an upgrade is pending)."""
    from mtx_gitops.cli.tables import console
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.query import get_unit

    g = get_globals(ctx)
    _need_space(space)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    if data_only:
        _print_data(snap.text(snap.require(UnitRef(space, name))))
        return
    data = get_unit(snap, UnitRef(space, name))

    def table() -> None:
        up = data["upstream"]
        console.print(
            f"[bold]{space}/{name}[/]  kinds: {', '.join(data['kinds'])}  "
            f"upstream: {up['space'] + '/' + up['unit'] if up else '-'}  "
            f"upgrade needed: {'yes' if data['upgrade_needed'] else 'no'}  "
            f"revision: {(data['revision'] or '-')[:12]}"
        )
        console.print(snap.text(UnitRef(space, name)), markup=False, highlight=False, end="")

    emit(ctx, data, table=table)


@app.command("data")
def data(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Unit slug.")], space: SpaceOpt = "") -> None:
    """Print a unit's manifests as stored (cub's `unit data`; the same as `unit get --data-only`)."""
    from mtx_gitops.core.model import UnitRef

    g = get_globals(ctx)
    _need_space(space)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    _print_data(snap.text(snap.require(UnitRef(space, name))))


def _print_data(text: str) -> None:
    import sys

    sys.stdout.write(text if not text or text.endswith("\n") else text + "\n")


@app.command("list")
def list_(
    ctx: typer.Context,
    space: SpaceGlob = "*",
    where: Where = None,
    where_data: Annotated[
        str | None, typer.Option("--where-data", help="WHERE over the documents only: every name a path (cub).")
    ] = None,
    no_data: Annotated[bool, typer.Option("--no-data", help="Leave the documents out of JSON/YAML.")] = False,
    filter_: Annotated[str | None, typer.Option("--filter", help="A stored filter SPACE/NAME (and --where).")] = None,
) -> None:
    """List units of the spaces matching --space, filtered by --where.

    \b
    WHERE:  expr := expr OR expr | expr AND expr | NOT expr | ( expr ) | attr OP value
                  | attr [NOT] IN (v, ...) | Data CONTAINS 'text' | LEN(attr) OP number
      OP:   = != <> < > <= >= LIKE ILIKE ~ (regex)  and cub's ~~ !~~ ~* !~ !~*
      attr: Slug Space.Slug Labels.k Space.Labels.k UpstreamUnit.Slug UpstreamSpace.Slug
            UpgradeNeeded Kind HeadRevisionNum CreatedAt ChangeSet.Slug, or a path:
            spec.replicas  containers[name=web].image  containers[*].image  containers[0]
            cub's: containers.*.image  containers.?name=web.image (first match)
            containers.1.image  annotations.example~1com/key ('~1' is '.', '~0' '~')
            labels."app.kubernetes.io/name"  containers.?name=@1 (index)  ?name=* (all)
            containers.*?name:param.image  annotations.@key:param (bindings: ignored)
            containers.*.image#uri / #reference (nginx / :1.25, cub's accessors)
            containers.*.|securityContext.runAsNonRoot != true (split: an element
            without the field satisfies !=)
    cub's !~~ !~ !~* hold for each value that fails the pattern (containers.*.image
    !~ 'nginx' matches a unit with one non-nginx image); NOT x ~ p: no value matches.
    Strings take single quotes; a path no selected unit has is warned about.
    """
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.query import list_units

    g = get_globals(ctx)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    with_data = not no_data and g.output != "table"
    if filter_ is not None:
        from mtx_gitops.ops.filters import narrowed

        where, where_data = narrowed(snap, filter_, where=where, where_data=where_data)
    options = active()
    shown_as_table = g.output == "table" and g.jq is None and not options.columns
    history = not shown_as_table
    rows = list_units(snap, space, where=where, where_data=where_data, with_data=with_data, with_history=history)
    for row in rows:
        up = row["upstream"]
        row["upstream_ref"] = f"{up['space']}/{up['unit']}" if up else None
    emit(
        ctx,
        rows,
        table=lambda: print_rows(
            rows,
            [
                ("UNIT", "unit"),
                ("SPACE", "space"),
                ("KINDS", "kinds"),
                ("UPSTREAM", "upstream_ref"),
                ("UPGRADE-NEEDED", "upgrade_needed"),
            ],
        ),
    )


@app.command("copy")
def copy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit slug.")],
    from_: Annotated[str, typer.Option("--from", help="Source space.")],
    to: Annotated[str, typer.Option("--to", help="Target space.")],
) -> None:
    """Promote a unit by copying its content to another space."""
    from mtx_gitops.ops.units import copy_unit

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, copy_unit(repo, name, source_space=from_, target_space=to, **g.write_options(repo)))


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit slug.")],
    space: SpaceOpt = "",
    force: Annotated[bool, typer.Option("--force", help="Delete even if other units name it upstream.")] = False,
) -> None:
    """Delete a unit (refuses while other units name it upstream)."""
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.units import delete_unit

    g = get_globals(ctx)
    repo = g.open_repo()
    _need_space(space)
    emit_write(ctx, delete_unit(repo, UnitRef(space, name), force=force, **g.write_options(repo)))


def _need_space(space: str) -> None:
    if not space:
        raise UserError("missing --space")
