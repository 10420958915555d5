"""A health gate: fed the health of a set of objects over time, it says wait, pass or fail.

It passes once every object has been Healthy without a break for `soak` seconds; it fails at once
when one is Degraded (kstatus' Failed), or when they have not all been Healthy for `timeout`
seconds since the gate opened or since they last were (a soak that breaks starts over). Times are
plain seconds from any monotonic clock; the gate reads no clock itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mtx_gitops.core.health import Health

WAIT, PASS, FAIL = "wait", "pass", "fail"


@dataclass(frozen=True)
class Verdict:
    """What the gate says now, and the objects holding it back (name -> health), worst first."""

    outcome: str
    blocking: list[tuple[str, Health]] = field(default_factory=list)
    reason: str = ""


@dataclass
class Gate:
    """One wait for health (see the module doc)."""

    opened: float
    timeout: float
    soak: float = 0.0
    healthy_since: float | None = None
    unhealthy_since: float | None = None

    def __post_init__(self) -> None:
        self.unhealthy_since = self.opened

    def observe(self, now: float, healths: Mapping[str, Health]) -> Verdict:
        """The verdict after reading every object's health at time `now`."""
        failed = [(name, h) for name, h in healths.items() if h.failed]
        if failed:
            return Verdict(FAIL, failed, "Degraded")
        blocking = sorted(((name, h) for name, h in healths.items() if not h.healthy), key=_worst_first)
        if blocking:
            self.healthy_since = None
            if self.unhealthy_since is None:
                self.unhealthy_since = now
            if now - self.unhealthy_since >= self.timeout:
                return Verdict(FAIL, blocking, f"not Healthy within {format_seconds(self.timeout)}")
            return Verdict(WAIT, blocking)
        self.unhealthy_since = None
        if self.healthy_since is None:
            self.healthy_since = now
        if now - self.healthy_since >= self.soak:
            return Verdict(PASS)
        return Verdict(WAIT, [], f"soaking: {format_seconds(self.soak - (now - self.healthy_since))} to go")


def _worst_first(item: tuple[str, Health]) -> tuple[int, str]:
    order = {"Unknown": 0, "Missing": 1, "Progressing": 2}
    return order.get(item[1].status, 3), item[0]


def format_seconds(seconds: float) -> str:
    """`90` -> `1m30s`, `0.5` -> `0.5s`: how durations are shown back to the user."""
    if seconds < 60:
        return f"{seconds:g}s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


def parse_duration(text: str, *, option: str) -> float:
    """`90`, `90s`, `10m`, `1h30m`, `500ms` -> seconds; anything else is bad input naming the option."""
    from mtx_gitops.errors import UserError

    rest, total = text.strip(), 0.0
    if rest.replace(".", "", 1).isdigit():
        return float(rest)
    units = (("ms", 0.001), ("h", 3600.0), ("m", 60.0), ("s", 1.0))
    while rest:
        digits = len(rest) - len(rest.lstrip("0123456789."))
        unit = next(((u, f) for u, f in units if rest[digits:].startswith(u)), None)
        if not digits or unit is None or rest[:digits].count(".") > 1:
            raise UserError(f"{option}: {text!r} is not a duration (like 90s, 10m, 1h30m)")
        total += float(rest[:digits]) * unit[1]
        rest = rest[digits + len(unit[0]) :]
    if not text.strip():
        raise UserError(f"{option}: empty duration")
    return total
