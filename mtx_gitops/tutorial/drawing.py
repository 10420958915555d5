"""Drawing blocks in the guide's style: spaces as boxes holding their units, marked against before.

A unit shows its replicas (`r`), image (name and tag) and the env vars the guide talks about.
Compared with the state before a stage: a changed facet gets ⚡, a facet in `keep` that stayed the
same gets ✓ (an override the stage preserved). A facet of a linked unit that differs from its
upstream is a local override (⚡ override, the guide's "inherited + override"), unless `stale` (the
state before the upstream changed) shows it is the upstream's old value: then it is ✗, still old.
Lines are laid out at the width the box gets, so nothing is cut: a value that does not fit beside
its name goes below it, an image too long for one line breaks before its tag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mtx_gitops.tutorial.state import State, UnitView

CHANGED = "⚡"
KEPT = "✓"
STALE = "✗"
FACET_ORDER = ("r", "image", "algo", "timeout", "CIRCUIT_BREAKER")
INDENT = "  "


@dataclass(frozen=True)
class Facet:
    """One drawn facet: its name, value and the mark after it (⚡, ✓, ✗ …) with that mark's style."""

    name: str
    value: str
    mark: str = ""
    style: str = ""

    def layouts(self) -> list[list[Text]]:
        """The ways to draw it, widest first: `name: value`, value below the name, image tag below."""

        def line(text: str, *, marked: bool) -> Text:
            out = Text(text)
            if marked and self.mark:
                out.append(f" {self.mark}", style=self.style)
            return out

        below = [line(f"{INDENT}{self.name}", marked=False), line(f"{INDENT}  = {self.value}", marked=True)]
        # Long names go on their own line, as the guide draws "CIRCUIT_BREAKER / = true".
        found = [] if len(self.name) > 8 else [[line(f"{INDENT}{self.name}: {self.value}", marked=True)]]
        found.append(below)
        repository, colon, tag = self.value.rpartition(":")
        if colon and repository:
            found.append(
                [
                    line(f"{INDENT}{self.name}:", marked=False),
                    line(f"{INDENT}  {repository}", marked=False),
                    line(f"{INDENT}  {colon}{tag}", marked=True),
                ]
            )
        return found


class UnitBlock:
    """A name (a unit, an object) with its facets and then `extra` lines, laid out at the width given."""

    def __init__(self, header: Text, facets: Sequence[Facet], extra: Sequence[Text] = ()) -> None:
        self.header = header
        self.facets = facets
        self.extra = [Text(INDENT).append_text(line) for line in extra]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        yield self.header
        for facet in self.facets:
            choices = facet.layouts()
            fitting = [c for c in choices if max(t.cell_len for t in c) <= width]
            yield from (fitting[0] if fitting else choices[-1])
        yield from self.extra

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        words = [cell_len(w) for w in self.header.plain.split()]
        words += [cell_len(INDENT) + max(map(cell_len, e.plain.split()), default=0) for e in self.extra]
        narrowest = [min(max(t.cell_len for t in c) for c in f.layouts()) for f in self.facets]
        widest = [max(t.cell_len for t in f.layouts()[0]) for f in self.facets]
        lines = [self.header.cell_len] + [e.cell_len for e in self.extra]
        return Measurement(max([*words, *narrowest], default=1), max([*lines, *widest], default=1))


def unit_block(
    view: UnitView,
    *,
    before: State | None = None,
    keep: Iterable[str] = (),
    overrides: State | None = None,
    stale: State | None = None,
    note: str | None = None,
    facets: Sequence[str] = FACET_ORDER,
) -> UnitBlock:
    """A unit's name and its `facets`, marked against `before` (⚡ changed, ✓ kept) or its upstream."""
    header = Text(view.unit, style="bold")
    if note:
        header.append(f" ({note})", style="dim")
    if not view.facets:
        listed = [Text(f"{kind} {name}") for kind, name in zip(view.kinds, view.names, strict=False)]
        return UnitBlock(header, (), listed)
    old = before.unit(view.space, view.unit) if before is not None else None
    upstream = _upstream_of(view, overrides)
    old_upstream = _upstream_of(view, stale)
    drawn: list[Facet] = []
    for facet in facets:
        value = view.facets.get(facet)
        if value is None:
            continue
        if old is not None and old.facets.get(facet) != value:
            drawn.append(Facet(facet, value, CHANGED, "bold yellow"))
        elif old is not None and facet in keep:
            drawn.append(Facet(facet, value, KEPT, "bold green"))
        elif upstream is not None and upstream.facets.get(facet) != value:
            if old_upstream is not None and old_upstream.facets.get(facet) == value:
                drawn.append(Facet(facet, value, STALE, "bold red"))
            else:
                drawn.append(Facet(facet, value, f"{CHANGED} override", "bold yellow"))
        else:
            drawn.append(Facet(facet, value))
    return UnitBlock(header, drawn)


def _upstream_of(view: UnitView, state: State | None) -> UnitView | None:
    if state is None or view.upstream is None:
        return None
    space, _, unit = view.upstream.partition("/")
    return state.unit(space, unit)


class SpaceBox:
    """A space's box: its subtitle goes below the box when it fits there, inside it when not."""

    def __init__(
        self, blocks: Sequence[RenderableType], *, title: str, subtitle: str | None, style: str, expand: bool
    ) -> None:
        self.blocks = blocks
        self.title = title
        self.subtitle = subtitle
        self.style = style
        self.expand = expand

    def panel(self, width: int | None) -> Panel:
        """The box at `width` (None: as wide as its content)."""
        below = self.subtitle
        blocks = list(self.blocks)
        fits = width is not None and self.expand and Text.from_markup(below or "").cell_len + 6 <= width
        if below and not fits:
            blocks.append(Text.from_markup(below))
            below = None
        return Panel(
            Group(*blocks),
            title=f"[bold]{self.title}[/]",
            box=box.ROUNDED,
            border_style=self.style,
            expand=self.expand,
            subtitle=below,
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.panel(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = Measurement.get(console, options, Group(*self.blocks, Text.from_markup(self.subtitle or "")))
        least = max(inner.minimum, cell_len(self.title) + 2) + 4
        return Measurement(min(least, options.max_width), min(max(inner.maximum + 4, least), options.max_width))


def space_panel(
    state: State,
    space: str,
    *,
    units: Sequence[str] | None = None,
    before: State | None = None,
    keep: Iterable[str] = (),
    overrides: bool = False,
    stale: State | None = None,
    caption: str | None = None,
    notes: dict[str, str] | None = None,
    style: str = "blue",
    facets: Sequence[str] = FACET_ORDER,
    subtitle: bool = True,
    expand: bool = True,
) -> SpaceBox:
    """A space as a box: its units (all, or `units`) with their `facets`; labels and target below."""
    views = state.units.get(space, {})
    names = [u for u in (units if units is not None else sorted(views)) if u in views]
    blocks: list[RenderableType] = [
        unit_block(
            views[name],
            before=before,
            keep=tuple(keep),
            overrides=state if overrides or stale is not None else None,
            stale=stale,
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
    return SpaceBox(blocks, title=space, subtitle=below, style=style, expand=expand)


def space_subtitle(state: State, space: str) -> str | None:
    """`region=eu → prod-eu`: a space's labels and its target."""
    row = state.spaces.get(space) or {}
    labels = row.get("labels") or {}
    parts = [f"{k}={v}" for k, v in sorted(labels.items())]
    if row.get("target"):
        parts.append(f"→ {row['target']}")
    return "[dim]" + " ".join(parts) + "[/]" if parts else None


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


def bullets(title: str, lines: Iterable[str], *, mark: str = KEPT, style: str = "green") -> Group:
    """A titled list (`What changed:` / `What was preserved:`); a long item wraps under its own text."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=cell_len(f"  {mark}"))
    grid.add_column(ratio=1)
    for line in lines:
        grid.add_row(Text(f"  {mark}", style=style), Text(line))
    return Group(Text(title, style="bold"), grid)
