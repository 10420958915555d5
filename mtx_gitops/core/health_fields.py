"""The vocabulary of health and the readers of an object's status fields, shared by the health rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

HEALTHY: Final = "Healthy"
PROGRESSING: Final = "Progressing"
DEGRADED: Final = "Degraded"
MISSING: Final = "Missing"
UNKNOWN: Final = "Unknown"
VOCABULARY: Final = (HEALTHY, PROGRESSING, DEGRADED, MISSING, UNKNOWN)

Object = Mapping[str, Any]
Condition = Mapping[str, Any]


class Malformed(Exception):
    """The object's status cannot be read (its health is Unknown)."""


@dataclass(frozen=True)
class Health:
    """One object's health and why (kstatus' message, in its words where it has one)."""

    status: str
    message: str

    @property
    def healthy(self) -> bool:
        return self.status == HEALTHY

    @property
    def failed(self) -> bool:
        return self.status == DEGRADED


def conditions(live: Object) -> list[Condition]:
    """`status.conditions` (empty when absent); Malformed when it is not a list of objects."""
    status = live.get("status") or {}
    if not isinstance(status, Mapping):
        raise Malformed("status is not an object")
    found = status.get("conditions") or []
    if not isinstance(found, list) or not all(isinstance(item, Mapping) for item in found):
        raise Malformed("status.conditions is not a list of conditions")
    return found


def condition(live: Object, kind: str, status: str) -> Condition | None:
    """The first condition of type `kind` with status `status`."""
    return next((c for c in conditions(live) if c.get("type") == kind and c.get("status") == status), None)


def int_field(live: Object, *path: str) -> int | None:
    """An integer field (as kstatus' GetIntField: anything but an integer there counts as absent)."""
    node: Any = live
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node if isinstance(node, int) and not isinstance(node, bool) else None


def str_field(live: Object, *path: str, default: str = "") -> str:
    """A string field (absent, or not a string: `default`)."""
    node: Any = live
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) else default


def number(live: Object, *path: str, default: int = 0) -> int:
    """An integer field, or `default` when it is absent."""
    value = int_field(live, *path)
    return default if value is None else value
