"""What a worker reports as it runs: one event per thing that happened, for logs, metrics and webhooks.

Kinds: `log` (a progress line), `space.delivered` and `space.failed` (one space, to its target),
`delivered` (a whole commit), `failed` (a pass that failed: `class` transient or permanent, `error`
the error's type), `leader` (leadership changed; `leader` true or false), `stopped`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Sink = Callable[["WorkerEvent"], None]


@dataclass(frozen=True)
class WorkerEvent:
    """One event: its kind, a line for people, and the facts (commit, space, target, counts)."""

    kind: str
    message: str
    commit: str | None = None
    space: str | None = None
    target: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def as_json(self) -> dict[str, Any]:
        stamp = datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        data: dict[str, Any] = {"time": stamp, "event": self.kind, "message": self.message}
        for key in ("commit", "space", "target"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data | {key: value for key, value in self.fields.items() if key != "webhook"}


def fan_out(sinks: Sequence[Sink]) -> Sink:
    """One sink that hands each event to every sink, in order."""

    def emit(event: WorkerEvent) -> None:
        for sink in sinks:
            sink(event)

    return emit


def json_lines(write: Callable[[str], None]) -> Sink:
    """A sink writing each event as one line of JSON (`mtx worker run --log-format json`)."""
    return lambda event: write(json.dumps(event.as_json(), sort_keys=False, default=str) + "\n")
