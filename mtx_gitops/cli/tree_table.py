"""The table of `mtx unit tree`: NODE drawn as a tree, then cub's columns (or those of --columns)."""

from __future__ import annotations

from typing import Any

from mtx_gitops.cli.context import active
from mtx_gitops.cli.tables import console, plain_table

DEFAULTS = {
    "space": ["Slug", "UpgradeNeeded", "HeadRevisionNum"],
    "unit": ["Space.Slug", "UpgradeNeeded", "HeadRevisionNum"],
}


def print_tree(rows: list[dict[str, Any]], *, node: str) -> None:
    """One line per unit, its NODE cell indented under its parent's."""
    from mtx_gitops.cli.columns import column_header, column_value, parse_columns

    options = active()
    columns = parse_columns(options.columns) if options.columns else DEFAULTS[node]
    header = ["NODE", *(("UNIT" if c == "Slug" else column_header(c)) for c in columns)]
    lines = [[row["Prefix"] + row["Node"], *(_cell(column_value(row, c)) for c in columns)] for row in rows]
    text = plain_table(None if options.no_header else header, lines)
    if text:
        console.out(text, highlight=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
