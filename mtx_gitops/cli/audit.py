"""`mtx log` (the audit trail from commit trailers) and `mtx plan` (a branch's impact, for a PR comment)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, get_globals
from mtx_gitops.errors import UserError

FORMATS = ("markdown", "json")
TABLE_LIMIT = 100


def register(root: typer.Typer) -> None:
    """Add the top-level `log` and `plan` commands."""
    root.command("log")(log)
    root.command("plan")(plan)


def log(
    ctx: typer.Context,
    space: Annotated[
        str | None, typer.Option("--space", "-s", help="Only commits naming or changing it or its units.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only commits naming or changing this unit (needs --space).")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", help=f"At most this many commits (0: all; tables default to {TABLE_LIMIT})."),
    ] = None,
) -> None:
    """The audit trail, newest first: who, when, which operation, units, changeset, source, conflicts."""
    from mtx_gitops.cli.diffview import print_log
    from mtx_gitops.cli.tables import console
    from mtx_gitops.ops.audit import audit_log

    g = get_globals(ctx)
    table = g.output == "table"
    # A terminal table of 10,000 rows helps nobody (and rich takes seconds to lay it out).
    wanted = None if limit == 0 else limit if limit is not None else (TABLE_LIMIT + 1 if table else None)
    found = audit_log(g.open_repo(), rev=g.branch or "HEAD", space=space, unit=unit, limit=wanted)
    if table and limit is None and len(found) > TABLE_LIMIT:
        entries = [e.as_json() for e in found[:TABLE_LIMIT]]
        print_log(entries)
        console.print("[dim]older commits not shown: use --limit N (0 for all) or -o json[/]")
        return
    entries = [e.as_json() for e in found]
    if g.output == "json":
        # One compact entry per line: C-speed encoding for 10,000 commits, still easy to read and diff.
        sys.stdout.write("[\n" + ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n")
        return
    emit(ctx, entries, table=lambda: print_log(entries))


def plan(
    ctx: typer.Context,
    base: Annotated[str, typer.Option("--base", help="The revision the branch would merge into.")],
    head: Annotated[str | None, typer.Option("--head", help="The branch's revision (default: HEAD).")] = None,
    format_: Annotated[str | None, typer.Option("--format", help="markdown (default) or json.")] = None,
) -> None:
    """Impact of a branch per space and target: units, field diffs, pending upgrades, conflicts."""
    from mtx_gitops.ops.plan import plan as make_plan
    from mtx_gitops.ops.plan_markdown import plan_markdown

    g = get_globals(ctx)
    chosen = format_ or ("json" if g.output == "json" else "markdown")
    if chosen not in FORMATS:
        raise UserError(f"invalid --format {chosen!r}: expected markdown or json")
    data = make_plan(g.open_repo(), base=base, head=head or g.branch or "HEAD")
    if chosen == "json":
        emit(ctx, data, table=None)
        return
    sys.stdout.write(plan_markdown(data))
