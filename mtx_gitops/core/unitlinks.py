"""Links between units (cub's `link`): FROM needs what TO provides, and TO goes first.

A link lives in FROM's space, one file per link (`core.model.unit_link_path`), so two pull
requests adding links never collide. Its update type is `NeedsProvides` (fill FROM's placeholders
from TO, `core.needs`) or `None` (order only). Every link orders apply (providers first) and
deletion (the reverse); links that go round in a circle are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.needs import Fill
from mtx_gitops.errors import UserError, YamlError

UPDATE_TYPES = ("NeedsProvides", "None")


@dataclass(frozen=True)
class UnitLink:
    """Link `name` of space `source.space`: unit `source` needs unit `target` (maybe in another space)."""

    name: str
    source: UnitRef
    target: UnitRef
    update_type: str = "NeedsProvides"
    fills: tuple[Fill, ...] = field(default=(), compare=False)

    @property
    def fills_needs(self) -> bool:
        return self.update_type == "NeedsProvides"

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "from": self.source.unit,
            "to": self.target.as_json(),
            "updateType": self.update_type,
        }
        if self.fills:
            data["filled"] = [fill.as_data() for fill in self.fills]
        return data

    def as_json(self) -> dict[str, Any]:
        return {
            "link": self.name,
            "space": self.source.space,
            "from": self.source.as_json(),
            "to": self.target.as_json(),
            "update_type": self.update_type,
            "filled": [fill.as_data() for fill in self.fills],
        }

    @staticmethod
    def from_data(space: str, name: str, data: Any, *, source: str) -> UnitLink:
        try:
            to = data["to"]
            kind = str(data.get("updateType") or "NeedsProvides")
            fills = tuple(Fill.from_data(item) for item in data.get("filled") or ())
            return UnitLink(
                name, UnitRef(space, str(data["from"])), UnitRef(str(to["space"]), str(to["unit"])), kind, fills
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise YamlError(f"{source}: not a valid link ({exc})") from None


def check_update_type(value: str) -> str:
    """`value` if it is an update type mtx knows (cub's others are not supported), else UserError."""
    if value not in UPDATE_TYPES:
        raise UserError(f"invalid --update-type {value!r}: expected one of {', '.join(UPDATE_TYPES)}")
    return value


def providers_of(links: Iterable[UnitLink]) -> dict[UnitRef, set[UnitRef]]:
    """unit -> the units it needs (the targets of its links)."""
    found: dict[UnitRef, set[UnitRef]] = {}
    for link in links:
        found.setdefault(link.source, set()).add(link.target)
    return found


def find_cycle(needs: Mapping[UnitRef, set[UnitRef]]) -> list[UnitRef] | None:
    """A circle of units that need each other (first unit repeated at the end), or None."""
    state: dict[UnitRef, int] = {}  # 1: on the current path, 2: done
    path: list[UnitRef] = []

    def visit(ref: UnitRef) -> list[UnitRef] | None:
        state[ref] = 1
        path.append(ref)
        for nxt in sorted(needs.get(ref, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[ref] = 2
        return None

    for start in sorted(needs):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def refuse_cycle(needs: Mapping[UnitRef, set[UnitRef]]) -> None:
    """UserError naming the circle when the links go round in one."""
    circle = find_cycle(needs)
    if circle is not None:
        raise UserError(f"links would go round in a circle: {' -> '.join(map(str, circle))}")


def apply_order(units: Sequence[UnitRef], links: Iterable[UnitLink]) -> list[UnitRef]:
    """`units` with every provider before the units that need it (otherwise in the order given).

    Links through units outside `units` order nothing; a circle is refused.
    """
    chosen = set(units)
    needs = {
        ref: {p for p in providers if p in chosen} for ref, providers in providers_of(links).items() if ref in chosen
    }
    refuse_cycle(needs)
    done: set[UnitRef] = set()
    order: list[UnitRef] = []

    def place(ref: UnitRef) -> None:
        if ref in done:
            return
        done.add(ref)
        for provider in sorted(needs.get(ref, ()), key=units.index):
            place(provider)
        order.append(ref)

    for ref in units:
        place(ref)
    return order
