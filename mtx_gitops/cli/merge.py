"""`mtx merge-file`: the 3-way merge engine on three files."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mtx_gitops.cli.context import get_globals
from mtx_gitops.errors import UserError


def merge_file(
    ctx: typer.Context,
    original: Annotated[str, typer.Argument(help="Merge base (empty file or /dev/null: absent).")],
    updated: Annotated[str, typer.Argument(help="New upstream.")],
    local: Annotated[str, typer.Argument(help="Local copy with its own edits.")],
    on_conflict: Annotated[str, typer.Option(help="local (default), upstream or fail.")] = "local",
    crd: Annotated[
        list[str] | None,
        typer.Option("--crd", help="A file of CustomResourceDefinitions whose schemas the merge follows (repeatable)."),
    ] = None,
) -> None:
    """Merge UPDATED's changes since ORIGINAL into LOCAL and print the result (empty: deleted)."""
    import json

    from mtx_gitops.cli.tables import console
    from mtx_gitops.core.conflictview import describe
    from mtx_gitops.core.model import POLICIES
    from mtx_gitops.ops.mergefile import merge_files

    if on_conflict not in POLICIES:
        raise UserError(f"invalid --on-conflict {on_conflict!r}: expected local, upstream or fail")
    result = merge_files(original, updated, local, policy=on_conflict, crd_files=crd or ())  # type: ignore[arg-type]
    if get_globals(ctx).output == "json":
        sys.stdout.write(json.dumps(result.as_json(), indent=2, default=str) + "\n")
        return
    sys.stdout.write(result.merged or "")
    for c in result.conflicts:
        console.stderr = True
        console.print(f"conflict {describe(c.as_json())}", markup=False)
        console.stderr = False
