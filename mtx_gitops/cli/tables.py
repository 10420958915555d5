"""Human output: rich tables and one-line summaries drawn from the same result objects as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mtx_gitops.core.conflictview import describe

if TYPE_CHECKING:
    from mtx_gitops.transaction import WriteResult

console = Console(highlight=False, soft_wrap=True)


def print_write(result: WriteResult) -> None:
    """A commit (or dry run) summary, its units and every conflict."""
    changed = [u for u in result.units if u.changed]
    if result.dry_run:
        if changed or not result.done:
            console.print(f"[bold]dry run[/]: {len(changed)} unit(s) would change on {result.branch}; nothing written")
        else:
            console.print(f"[bold]dry run[/]: would commit on {result.branch}: {escape(result.done)}; nothing written")
        if result.diff:
            console.print(result.diff, markup=False, highlight=False, end="")
    elif result.commit:
        console.print(
            f"[green]✓[/] committed [bold]{result.commit[:12]}[/] on {result.branch}: {escape(result.summary)}"
        )
    else:
        console.print(f"nothing to change: {len(changed)} units changed, no commit")
    for unit in result.units:
        mark = "[yellow]⚡[/]" if unit.changed else "[dim]·[/]"
        note = f" [dim]({unit.note})[/]" if unit.note else ""
        console.print(f"  {mark} {unit.space}/{unit.unit}{note}")
        for c in unit.conflicts:
            console.print(f"    [red]conflict[/] {escape(describe(c.as_json()))}")
    for note in result.notes:
        console.print(f"  [dim]{note}[/]")


def stderr_progress(verb: str, *, every: int = 250) -> Callable[[int, int], None]:
    """A progress callback that redraws one stderr line for large jobs (only on a terminal)."""
    err = Console(stderr=True, highlight=False)

    def report(done: int, total: int) -> None:
        if total >= every and err.is_terminal and (done % every == 0 or done == total):
            err.print(f"\r{verb} {done}/{total} units", end="\n" if done == total else "")

    return report


def print_rows(rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, title: str | None = None) -> None:
    """A table of JSON rows: `columns` is (header, key) pairs."""
    table = Table(title=title, show_lines=False, header_style="bold")
    for header, _key in columns:
        table.add_column(header)
    for row in rows:
        table.add_row(*[_cell(row.get(key)) for _header, key in columns])
    print_table(table)
    if not rows:
        console.print("0 units" if title is None else f"0 {title.lower()}")


def print_table(table: Table) -> None:
    """A table, at its full width when printed to a pipe or file (as kubectl does: nothing cut or wrapped)."""
    if console.is_terminal:
        console.print(table)
        return
    screen = console.width
    console.width = max(screen, console.measure(table, options=console.options.update(max_width=1 << 20)).maximum)
    try:
        console.print(table)
    finally:
        console.width = screen


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) if value else "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
