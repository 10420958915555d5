"""`mtx function list` and `mtx function do FN ARG…`: cub's function commands."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, get_globals, new_app
from mtx_gitops.cli.run import SELECTION_HELP, invoke

app = new_app("cub's functions: list them, or do one over units (`mtx run FN` takes them as flags).")


@app.command("list")
def list_functions(ctx: typer.Context) -> None:
    """Every function with its parameters, in positional order."""
    from mtx_gitops.cli.fn_tables import print_functions
    from mtx_gitops.core.fn_catalog import FUNCTIONS

    g = get_globals(ctx)
    if g.names:
        typer.echo("\n".join(FUNCTIONS))
        return
    emit(ctx, [s.as_json() for s in FUNCTIONS.values()], table=lambda: print_functions(list(FUNCTIONS.values())))


@app.command(
    "do",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
def do(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(help="FUNCTION then its arguments, by position or --name=value.")],
    space: Annotated[str, typer.Option("--space", "-s", help=SELECTION_HELP["space"])] = "",
    where: Annotated[str | None, typer.Option("--where", help=SELECTION_HELP["where"])] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", help=SELECTION_HELP["unit"])] = None,
    resource_type: Annotated[str | None, typer.Option("--resource-type", help=SELECTION_HELP["resource_type"])] = None,
    filter_: Annotated[str | None, typer.Option("--filter", help=SELECTION_HELP["filter"])] = None,
) -> None:
    """Do one function on the selected units: `mtx function do set-image-reference nginx :v2 --space s`.

    Arguments go by position, in the order `mtx function list` shows, or as `--name=value` (after
    `--`, or anywhere: a `--name=value` mtx does not know is the function's). A mutating function
    lands as one commit (`--dry-run` shows the diff); a validating one exits 1 when a unit fails.
    """
    from mtx_gitops.core.fn_catalog import split_words

    name, *rest = words
    positional, named = split_words(rest)
    invoke(
        ctx,
        name,
        positional,
        dict(named),
        space=space,
        where=where,
        units=unit or (),
        resource_type=resource_type,
        filter_=filter_,
    )
