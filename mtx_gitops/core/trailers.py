"""Commit messages with structured trailers: the audit trail `mtx log` reads back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

OPERATION = "Mtx-Operation"
UNIT = "Mtx-Unit"
SOURCE = "Mtx-Source"
CHANGESET = "Mtx-Changeset"
CONFLICT = "Mtx-Conflict"


def format_message(subject: str, *, operation: str, units: Sequence[str], extra: Iterable[tuple[str, str]] = ()) -> str:
    """A commit message: subject, blank line, then one trailer per fact."""
    subject = " ".join(subject.split()) or operation
    lines = [f"{OPERATION}: {operation}"]
    lines += [f"{UNIT}: {unit}" for unit in units]
    lines += [f"{key}: {' '.join(value.split())}" for key, value in extra]
    return f"{subject}\n\n" + "\n".join(lines) + "\n"


def conflict_trailer(unit: str, conflict: dict[str, Any]) -> tuple[str, str]:
    """An `Mtx-Conflict` trailer carrying one conflict as compact JSON."""
    return CONFLICT, json.dumps({"unit": unit, **conflict}, sort_keys=True, separators=(",", ":"), default=str)


def parse_trailers(message: str) -> dict[str, list[str]]:
    """The `Mtx-*` trailers of a commit message, key -> values in order."""
    found: dict[str, list[str]] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Mtx-") and " " not in key:
            found.setdefault(key, []).append(value.strip())
    return found
