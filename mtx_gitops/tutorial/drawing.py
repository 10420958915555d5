"""Drawing blocks in the guide's style: spaces as panels holding their units, rows of spaces, arrows.

A unit shows its replicas (`r`), image tag and the env vars the guide talks about. Compared with the
state before a stage: a changed facet gets ⚡, a facet in `keep` that stayed the same gets ✓ (an
override the stage preserved). A facet of a linked unit that differs from its upstream is a local
override; the stage-3 picture marks those ⚡ like the guide's "inherited + override".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mtx_gitops.tutorial.state import State, UnitView

CHANGED = "⚡"
KEPT = "✓"
FACET_ORDER = ("r", "image", "algo", "timeout", "CIRCUIT_BREAKER")


def unit_block(
    view: UnitView,
    *,
    before: State | None = None,
    keep: Iterable[str] = (),
    overrides: State | None = None,
    note: str | None = None,
    facets: Sequence[str] = FACET_ORDER,
) -> Text:
    """A unit's name and its `facets`, marked against `before` (⚡ changed, ✓ kept) or its upstream."""
    text = Text(view.unit, style="bold")
    if note:
        text.append(f" ({note})", style="dim")
    if not view.facets:
        for kind, name in zip(view.kinds, view.names, strict=False):
            text.append(f"\n  {kind} {name}")
        return text
    old = before.unit(view.space, view.unit) if before is not None else None
    upstream = _upstream_of(view, overrides)
    for facet in facets:
        value = view.facets.get(facet)
        if value is None:
            continue
        # Long names go on their own line, as the guide draws "CIRCUIT_BREAKER / = true".
        text.append(f"\n  {facet}\n    = {value}" if len(facet) > 8 else f"\n  {facet}: {value}")
        if old is not None and old.facets.get(facet) != value:
            text.append(f" {CHANGED}", style="bold yellow")
        elif old is not None and facet in keep:
            text.append(f" {KEPT}", style="bold green")
        elif upstream is not None and upstream.facets.get(facet) != value:
            text.append(f" {CHANGED} override", style="bold yellow")
    return text


def _upstream_of(view: UnitView, state: State | None) -> UnitView | None:
    if state is None or view.upstream is None:
        return None
    space, _, unit = view.upstream.partition("/")
    return state.unit(space, unit)


def space_panel(
    state: State,
    space: str,
    *,
    units: Sequence[str] | None = None,
    before: State | None = None,
    keep: Iterable[str] = (),
    overrides: bool = False,
    caption: str | None = None,
    notes: dict[str, str] | None = None,
    style: str = "blue",
    facets: Sequence[str] = FACET_ORDER,
    subtitle: bool = True,
    expand: bool = True,
) -> Panel:
    """A space as a panel: its units (all, or `units`) with their `facets`; labels and target below."""
    views = state.units.get(space, {})
    names = [u for u in (units if units is not None else sorted(views)) if u in views]
    blocks: list[RenderableType] = [
        unit_block(
            views[name],
            before=before,
            keep=tuple(keep),
            overrides=state if overrides else None,
            note=(notes or {}).get(name),
            facets=facets,
        )
        for name in names
    ]
    if not blocks:
        blocks.append(Text("(no units)", style="dim"))
    if caption:
        blocks.append(Text(caption, style="italic"))
    below = space_subtitle(state, space) if subtitle else None
    if below and not expand:
        # A panel fitted to its content would cut a long subtitle: say it inside instead.
        blocks.append(Text.from_markup(below))
        below = None
    return Panel(
        Group(*blocks), title=f"[bold]{space}[/]", box=box.ROUNDED, border_style=style, expand=expand, subtitle=below
    )


def space_subtitle(state: State, space: str) -> str | None:
    """`region=eu → prod-eu`: a space's labels and its target."""
    row = state.spaces.get(space) or {}
    labels = row.get("labels") or {}
    parts = [f"{k}={v}" for k, v in sorted(labels.items())]
    if row.get("target"):
        parts.append(f"→ {row['target']}")
    return "[dim]" + " ".join(parts) + "[/]" if parts else None


def row(*cells: RenderableType) -> Table:
    """Cells side by side with equal widths (the guide's rows of spaces)."""
    grid = Table.grid(expand=True, padding=(0, 1))
    for _ in cells:
        grid.add_column(ratio=1)
    grid.add_row(*cells)
    return grid


class Arrow:
    """A downward arrow with a label; with `fan` > 1 it splits towards the middles of that many columns."""

    def __init__(self, label: str, *, fan: int = 1) -> None:
        self.label = label
        self.fan = fan

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        middles = [int((i + 0.5) * width / self.fan) for i in range(self.fan)]
        stem = middles[len(middles) // 2] if self.fan > 1 else 8
        size = cell_len(self.label)
        fits = stem + 2 + size <= width or stem < size + 1
        yield Text(
            " " * stem + "│ " + self.label if fits else " " * (stem - size - 1) + self.label + " │", style="cyan"
        )
        if self.fan > 1:
            line = [" "] * (middles[-1] + 1)
            for i in range(middles[0], middles[-1] + 1):
                line[i] = "─"
            for i in middles:
                line[i] = "┬"
            line[middles[0]], line[middles[-1]] = "┌", "┐"
            line[stem] = "┼" if stem in middles else "┴"
            yield Text("".join(line), style="cyan")
        tips = [" "] * (max(middles if self.fan > 1 else [stem]) + 1)
        for i in middles if self.fan > 1 else [stem]:
            tips[i] = "▼"
        yield Text("".join(tips), style="cyan")


def arrow(label: str, *, fan: int = 1) -> Arrow:
    """A downward arrow with a label; `fan` > 1 splits it towards that many spaces side by side."""
    return Arrow(label, fan=fan)


def stage_frame(number: int, title: str, concept: str, body: Sequence[RenderableType]) -> Panel:
    """The frame around one stage's drawing."""
    return Panel(
        Group(*body),
        title=f"[bold]Stage {number}: {title}[/]",
        subtitle=f"[italic]{concept}[/]",
        box=box.HEAVY,
        border_style="magenta",
        expand=True,
    )


def bullets(title: str, lines: Iterable[str], *, mark: str = KEPT, style: str = "green") -> Text:
    """A titled list: `What changed:` / `What was preserved:`."""
    text = Text(title, style="bold")
    for line in lines:
        text.append(f"\n  {mark} ", style=style)
        text.append(line)
    return text
