"""The config repo as the drawings see it: spaces and units read back from `mtx … -o json`.

A `State` is built from `mtx space list -o json` and `mtx unit list --space '*' -o json`; the
drawings compare two states to mark what a stage changed (⚡) and what it kept (✓).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtx_gitops.tutorial.runner import Runner

# The fields the guide's pictures talk about, by the short names they use.
ENV_FACETS = {"TRADING_ALGORITHM": "algo", "TRADE_TIMEOUT": "timeout", "CIRCUIT_BREAKER": "CIRCUIT_BREAKER"}


@dataclass(frozen=True)
class UnitView:
    """One unit as drawn: kinds, upstream and the facets of its first workload."""

    space: str
    unit: str
    kinds: tuple[str, ...]
    upstream: str | None
    upgrade_needed: bool
    facets: dict[str, str]
    names: tuple[str, ...]

    @staticmethod
    def from_json(row: dict[str, Any]) -> UnitView:
        """A unit object of `mtx unit list -o json`, as drawn."""
        up = row.get("upstream")
        documents = row.get("documents") or ([row["data"]] if row.get("data") else [])
        return UnitView(
            row["space"],
            row["unit"],
            tuple(row.get("kinds") or ()),
            f"{up['space']}/{up['unit']}" if up else None,
            bool(row.get("upgrade_needed")),
            workload_facets(documents),
            tuple(str((d.get("metadata") or {}).get("name")) for d in documents),
        )


def workload_facets(documents: list[dict[str, Any]]) -> dict[str, str]:
    """replicas, image name:tag and the guide's env vars of the first workload in `documents`."""
    for doc in documents:
        spec = doc.get("spec") or {}
        pod = (spec.get("template") or {}).get("spec") or {}
        containers = pod.get("containers") or []
        if not containers:
            continue
        facets = {"r": str(spec.get("replicas", 1))}
        image = str(containers[0].get("image", ""))
        # The image's name and tag (`trade-service:v2`); the registry path is the same for every service.
        facets["image"] = image.rsplit("/", 1)[-1]
        for env in containers[0].get("env") or []:
            if env.get("name") in ENV_FACETS:
                facets[ENV_FACETS[env["name"]]] = str(env.get("value"))
        return facets
    return {}


@dataclass(frozen=True)
class State:
    """Every space (name → its `space list` row) and unit (space → unit → view) at one moment."""

    spaces: dict[str, dict[str, Any]]
    units: dict[str, dict[str, UnitView]]

    @staticmethod
    def read(run: Runner) -> State:
        """The repo as it is now, read through the CLI's JSON."""
        spaces = {row["space"]: row for row in run.read("space", "list")}
        units: dict[str, dict[str, UnitView]] = {name: {} for name in spaces}
        for row in run.read("unit", "list", "--space", "*"):
            units.setdefault(row["space"], {})[row["unit"]] = UnitView.from_json(row)
        return State(spaces, units)

    def unit(self, space: str, unit: str) -> UnitView | None:
        """The unit `space/unit`, or None when it does not exist."""
        return self.units.get(space, {}).get(unit)

    def facet(self, space: str, unit: str, name: str) -> str | None:
        """One facet (`r`, `image`, `algo`…) of `space/unit`, or None."""
        view = self.unit(space, unit)
        return view.facets.get(name) if view else None


EMPTY = State({}, {})
