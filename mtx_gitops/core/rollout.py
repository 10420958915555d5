"""A rollout's plan and state: waves of spaces, each upgraded by one commit and gated on health.

The state is plain data stored in the config repository (`.mtx/rollouts/<id>.yaml`), written in
the commit of each wave and when the rollout fails or ends, so `mtx rollout status` and `resume`
read it from any clone. A wave is `pending` (not committed), `applied` (its upgrade commit exists;
its objects are being watched), `healthy` (they were Healthy for the soak time) or `failed`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROLLOUT = "Mtx-Rollout"
WAVE = "Mtx-Wave"
STATE_DIR = ".mtx/rollouts"
ALL = "*"
PENDING, APPLIED, HEALTHY, FAILED = "pending", "applied", "healthy", "failed"
RUNNING, DONE = "running", "done"


@dataclass
class WaveState:
    """One wave: the selector it was given, the spaces it took, and how far it got."""

    selector: str
    spaces: list[str]
    status: str = PENDING
    message: str | None = None
    objects: list[dict[str, Any]] = field(default_factory=list)  # the objects a failed wave names
    commit: str | None = None  # its upgrade commit (written by the state's next write)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"selector": self.selector, "spaces": self.spaces, "status": self.status}
        if self.message:
            data["message"] = self.message
        if self.objects:
            data["objects"] = self.objects
        if self.commit:
            data["commit"] = self.commit
        return data


@dataclass
class Rollout:
    """A rollout of the pending upgrades of the spaces matching `space`, wave by wave."""

    id: str
    space: str
    waves: list[WaveState]
    soak: float
    timeout: float
    gate: bool = True
    apply: bool = True
    status: str = RUNNING
    started: str = ""
    left_out: list[str] = field(default_factory=list)  # matching spaces no wave took

    @property
    def path(self) -> str:
        return state_path(self.id)

    def next_wave(self) -> int | None:
        """The index of the first wave that has not passed its gate, or None when every one has."""
        return next((i for i, wave in enumerate(self.waves) if wave.status != HEALTHY), None)

    def label(self, index: int) -> str:
        """`n/total` of the wave at `index` (n from 1), as the `Mtx-Wave` trailer writes it."""
        return f"{index + 1}/{len(self.waves)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "space": self.space,
            "status": self.status,
            "started": self.started,
            "soak": self.soak,
            "timeout": self.timeout,
            "gate": self.gate,
            "apply": self.apply,
            "waves": [wave.as_json() for wave in self.waves],
            "left_out": self.left_out,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Rollout:
        """A rollout from its stored state (ValueError when a field is missing or of the wrong type)."""
        try:
            waves = [
                WaveState(
                    str(w["selector"]),
                    [str(s) for s in w["spaces"]],
                    str(w.get("status", PENDING)),
                    w.get("message"),
                    list(w.get("objects") or []),
                    w.get("commit"),
                )
                for w in data["waves"]
            ]
            return Rollout(
                id=str(data["id"]),
                space=str(data["space"]),
                waves=waves,
                soak=float(data["soak"]),
                timeout=float(data["timeout"]),
                gate=bool(data.get("gate", True)),
                apply=bool(data.get("apply", True)),
                status=str(data.get("status", RUNNING)),
                started=str(data.get("started", "")),
                left_out=[str(s) for s in data.get("left_out") or []],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed rollout state: {exc}") from None


def state_path(rollout_id: str) -> str:
    """Where a rollout's state is stored in the config repository."""
    return f"{STATE_DIR}/{rollout_id}.yaml"


def assign_waves(
    selectors: Sequence[str], matches: Mapping[str, Sequence[str]], spaces: Sequence[str]
) -> tuple[list[WaveState], list[str]]:
    """Each space to the first wave whose selector matched it (`*` takes every space left); and the
    spaces no wave took. `matches` maps a selector to the spaces it matches (`*` needs none)."""
    taken: set[str] = set()
    waves = []
    for selector in selectors:
        matched = spaces if selector.strip() == ALL else [s for s in spaces if s in set(matches.get(selector, ()))]
        mine = [space for space in matched if space not in taken]
        taken.update(mine)
        waves.append(WaveState(selector, mine))
    return waves, [space for space in spaces if space not in taken]
