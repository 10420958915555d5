"""`mtx validate`: every unit of a branch against the Kubernetes schemas and the repo's CRDs (for CI)."""

from __future__ import annotations

from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, get_globals
from mtx_gitops.errors import EXIT_REFUSED


def validate(
    ctx: typer.Context,
    space: Annotated[str, typer.Option("--space", "-s", help="Spaces to check (a glob; default: every space).")] = "*",
) -> None:
    """Check every unit at the branch (--branch, default HEAD); exit 1 when a document is invalid."""
    from mtx_gitops.cli.tables import print_validation
    from mtx_gitops.ops.validation import validate_units

    g = get_globals(ctx)
    found = validate_units(g.open_repo(), rev=g.branch or "HEAD", space_glob=space)
    emit(ctx, found.as_json(), table=lambda: print_validation(found))
    if found.errors:
        raise typer.Exit(EXIT_REFUSED)
