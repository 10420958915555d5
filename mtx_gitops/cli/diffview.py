"""Rich output for history: field diffs (old → new), audit entries and field provenance."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from mtx_gitops.cli.tables import console, print_table
from mtx_gitops.ops.audit import PLAIN_GIT


def short(value: Any, *, limit: int = 60) -> str:
    """A value as one short line (`-` when absent)."""
    from mtx_gitops.core.fielddiff import short_value

    return short_value(value, limit=limit)


def print_field_changes(
    fields: list[dict[str, Any]], *, indent: str = "  ", old: str = "old", new: str = "new"
) -> None:
    """One line per changed field: `path: old → new`, grouped under the document when there are several."""
    if not fields:
        console.print(f"{indent}[dim]no field changes[/]")
        return
    several = len({f["document"] for f in fields}) > 1
    document = None
    for field in fields:
        if several and field["document"] != document:
            document = field["document"]
            console.print(f"{indent}[dim]{escape(document)}[/]")
        pad = indent + ("  " if several else "")
        console.print(
            f"{pad}{escape(field['path'] or '(document)')}: [red]{escape(short(field[old]))}[/] → "
            f"[green]{escape(short(field[new]))}[/]"
        )


def print_log(entries: list[dict[str, Any]], *, title: str | None = None) -> None:
    """The audit trail as a compact table: commit, date, author, operation, units and details."""
    table = Table(title=title, header_style="bold", box=None, pad_edge=False)
    for column, width in (("COMMIT", 12), ("DATE", 16), ("AUTHOR", 6), ("OPERATION", 11)):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("UNITS", overflow="fold", min_width=20)
    table.add_column("DETAILS", overflow="fold", min_width=16)
    for e in entries:
        units = [f"{u['space']}/{u['unit']}" for u in e["units"]]
        shown = ", ".join(units[:2]) + (f" +{len(units) - 2} more" if len(units) > 2 else "")
        details = [
            f"changeset {e['changeset']}" if e["changeset"] else "",
            f"from {e['source']}" if e["source"] else "",
            f"[red]{len(e['conflicts'])} conflict(s)[/]" if e["conflicts"] else "",
            _ledger_summary(e.get("ledger") or []),
        ]
        # Commits made by hand have no operation: their subject is all there is to show.
        fallback = escape(e["subject"]) if e["operation"] == PLAIN_GIT else "-"
        table.add_row(
            e["commit"][:12],
            e["date"][:16].replace("T", " "),
            escape(e["author"]),
            e["operation"] or "-",
            escape(shown or "-"),
            "; ".join(d for d in details if d) or fallback,
        )
    print_table(table)
    if not entries:
        console.print("0 commits")


def _ledger_summary(lines: list[str]) -> str:
    """`ledger: 3 opened, 1 closed` for a commit's `Mtx-Ledger` lines (`space/unit verb path in object`)."""
    counts: dict[str, int] = {}
    for line in lines:
        verb = line.split(" ", 2)[1] if line.count(" ") >= 2 else "changed"
        counts[verb] = counts.get(verb, 0) + 1
    return "ledger: " + ", ".join(f"{n} {verb}" for verb, n in counts.items()) if counts else ""


def print_explain(data: dict[str, Any]) -> None:
    """Field provenance: path, value, inherited/override and the commit that last set it."""
    up = data["upstream"]
    console.print(f"[bold]{data['space']}/{data['unit']}[/]  upstream: {up['space'] + '/' + up['unit'] if up else '-'}")
    table = Table(header_style="bold", box=None, pad_edge=False)
    table.add_column("FIELD", overflow="fold", min_width=24)
    table.add_column("VALUE", overflow="fold", min_width=12)
    table.add_column("ORIGIN", overflow="fold", min_width=9)
    table.add_column("SET BY", no_wrap=True, min_width=12)
    table.add_column("OPERATION", no_wrap=True, min_width=11)
    several = len({f["document"] for f in data["fields"]}) > 1
    document = None
    for f in data["fields"]:
        if several and f["document"] != document:
            document = f["document"]
            table.add_row(f"[bold]{escape(_object(document))}[/]", "", "", "", "")
        origin = f["status"]
        if origin == "override" and f["upstream_value"] is not None:
            origin += f" (upstream: {short(f['upstream_value'], limit=30)})"
        style = {"override": "yellow", "inherited": "dim"}.get(f["status"], "")
        table.add_row(
            ("  " if several else "") + escape(f["path"]),
            escape(short(f["value"])),
            f"[{style}]{escape(origin)}[/]" if style else escape(origin),
            (f["commit"] or "-")[:12],
            f["operation"] or "-",
        )
    print_table(table)


def _object(identity: str) -> str:
    parts = identity.split("/")
    return f"{parts[1]}/{parts[3]}" if len(parts) >= 4 else identity
