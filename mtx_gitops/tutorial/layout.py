"""Width-aware layout for the drawings: rows of boxes that wrap rather than cut, and labelled arrows.

A terminal may be 80 columns wide or 200. A `Row` sets its cells side by side with equal widths, as
many to a line as fit without cutting a cell's title or its narrowest content, and balanced (four
cells that cannot share one line go two and two). An `Arrow` puts its label beside its stem when
there is room and on a line of its own when there is not; fanned out into a `Row`, its tips point at
the middles of the columns that row draws at this width.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

GAP = 1  # columns between cells


class Row:
    """Cells side by side with equal widths (the guide's rows of spaces), wrapped to fit the width."""

    def __init__(self, *cells: RenderableType) -> None:
        self.cells = cells

    def per_line(self, console: Console, options: ConsoleOptions) -> int:
        """How many cells go on one line at this width."""
        need = self._need(console, options)
        fit = len(self.cells)
        while fit > 1 and cell_width(options.max_width, fit) < need:
            fit -= 1
        lines = -(-len(self.cells) // max(fit, 1))
        return max(1, -(-len(self.cells) // lines))

    def _need(self, console: Console, options: ConsoleOptions) -> int:
        return max((least_width(console, options, cell) for cell in self.cells), default=1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        per_line = self.per_line(console, options)
        # Every cell gets the same width, so boxes side by side make the same layout choices.
        width = cell_width(options.max_width, per_line)
        for start in range(0, len(self.cells), per_line):
            grid = Table.grid(padding=(0, GAP, 0, 0))
            for _ in range(per_line):
                grid.add_column(width=width)
            line = list(self.cells[start : start + per_line])
            grid.add_row(*line, *[Text("")] * (per_line - len(line)))
            yield grid

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(self._need(console, options), options.max_width), options.max_width)


def cell_width(width: int, per_line: int) -> int:
    """The width of each of `per_line` cells side by side in `width` columns."""
    return max(1, (width - GAP * (per_line - 1)) // per_line)


def least_width(console: Console, options: ConsoleOptions, cell: RenderableType) -> int:
    """The narrowest `cell` can be drawn without cutting anything (a rich Panel measures only its widest)."""
    if isinstance(cell, Panel):
        title = cell_len(cell.title.plain if isinstance(cell.title, Text) else Text.from_markup(cell.title or "").plain)
        inner = Measurement.get(console, options, cell.renderable).minimum
        return max(inner, title + 2) + 4
    return Measurement.get(console, options, cell).minimum


def row(*cells: RenderableType) -> Row:
    """Cells side by side with equal widths, as many to a line as fit."""
    return Row(*cells)


class Arrow:
    """A downward arrow with a label; fanned into a `Row`, it splits towards that row's columns."""

    def __init__(self, label: str, *, into: Row | None = None) -> None:
        self.label = label
        self.into = into

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        fan = self.into.per_line(console, options) if self.into is not None else 1
        cell = cell_width(width, fan)
        middles = [i * (cell + GAP) + cell // 2 for i in range(fan)] if fan > 1 else [8]
        stem = middles[len(middles) // 2]
        size = cell_len(self.label)
        if stem + 2 + size <= width:
            yield Text(" " * stem + "│ " + self.label, style="cyan")
        elif size + 1 <= stem:
            yield Text(" " * (stem - size - 1) + self.label + " │", style="cyan")
        else:  # no room beside the stem: the label on its own line(s), then the stem
            yield Text(self.label, style="cyan")
            yield Text(" " * stem + "│", style="cyan")
        if fan > 1:
            line = [" "] * (middles[-1] + 1)
            for i in range(middles[0], middles[-1] + 1):
                line[i] = "─"
            for i in middles:
                line[i] = "┬"
            line[middles[0]], line[middles[-1]] = "┌", "┐"
            line[stem] = "┼" if stem in middles else "┴"
            yield Text("".join(line), style="cyan")
        tips = [" "] * (max(middles) + 1)
        for i in middles:
            tips[i] = "▼"
        yield Text("".join(tips), style="cyan")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(20, options.max_width), options.max_width)


def arrow(label: str, *, into: Row | None = None) -> Arrow:
    """A downward arrow with a label; `into` a row of spaces, it fans out to that row's columns."""
    return Arrow(label, into=into)
