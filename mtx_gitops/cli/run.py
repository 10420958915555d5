"""`mtx run …`: bulk functions over every unit matching --space/--where/--unit, one commit each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mtx_gitops.cli.context import emit_write, get_globals, new_app
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.ops.bulk import Function

app = new_app("Bulk functions: fix every matching unit in one commit.")

SpaceGlob = Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")]
Where = Annotated[str | None, typer.Option("--where", help="WHERE expression selecting units.")]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="Only this unit.")]
Container = Annotated[str | None, typer.Option("--container", help="Only this container.")]


def _run(ctx: typer.Context, name: str, function: Function, space: str, where: str | None, unit: str | None) -> None:
    from mtx_gitops.ops.bulk import run_function

    if not space:
        raise UserError("missing --space (use '*' for every space)")
    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(
        ctx, run_function(repo, name, function, space_glob=space, where=where, unit=unit, **g.write_options(repo))
    )


@app.command("set-replicas")
def set_replicas(
    ctx: typer.Context,
    replicas: Annotated[int, typer.Option(help="Replica count (>= 0).")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
    force: Annotated[bool, typer.Option(help="Scale even where an HPA scales it.")] = False,
) -> None:
    """Set spec.replicas of every workload."""
    from mtx_gitops.ops import bulk

    _run(ctx, "set-replicas", bulk.set_replicas(replicas, force=force), space, where, unit)


@app.command("set-env-var")
def set_env_var(
    ctx: typer.Context,
    env_var: Annotated[str, typer.Option(help="KEY=VALUE.")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
    container: Container = None,
) -> None:
    """Set an environment variable in every container (or --container)."""
    from mtx_gitops.ops import bulk

    _run(ctx, "set-env-var", bulk.set_env_var(env_var, container=container), space, where, unit)


@app.command("set-image")
def set_image(
    ctx: typer.Context,
    image: Annotated[str, typer.Option(help="Image reference, or a bare :tag to change only tags.")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
    container: Container = None,
) -> None:
    """Set the image of matching containers."""
    from mtx_gitops.ops import bulk

    _run(ctx, "set-image", bulk.set_image(image, container=container), space, where, unit)


@app.command("set-string-path")
def set_string_path(
    ctx: typer.Context,
    path: Annotated[str, typer.Option(help="Field path, e.g. a.b[name=x].c")],
    value: Annotated[str, typer.Option(help="String value.")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
) -> None:
    """Set a string at a field path."""
    from mtx_gitops.ops import bulk

    _run(ctx, "set-string-path", bulk.set_string_path(path, value), space, where, unit)


@app.command("set-label")
def set_label(
    ctx: typer.Context,
    label: Annotated[str, typer.Option("--label", help="KEY=VALUE.")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
) -> None:
    """Set a label on every document."""
    from mtx_gitops.ops import bulk

    key, value = _pair(label, "--label")
    _run(ctx, "set-label", bulk.set_label(key, value), space, where, unit)


@app.command("set-annotation")
def set_annotation(
    ctx: typer.Context,
    annotation: Annotated[str, typer.Option("--annotation", help="KEY=VALUE.")],
    space: SpaceGlob = "",
    where: Where = None,
    unit: UnitOpt = None,
) -> None:
    """Set an annotation on every document."""
    from mtx_gitops.ops import bulk

    key, value = _pair(annotation, "--annotation")
    _run(ctx, "set-annotation", bulk.set_annotation(key, value), space, where, unit)


def _pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UserError(f"{option} must be KEY=VALUE: {text!r}")
    return key, value
