"""Benchmark results: one row per measurement, its baseline, the ratio and the target's verdict."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from benchmarks.measure import Sample

Kind = Literal["max_seconds", "min_speedup", "max_ratio", "max_rss_mib"]


@dataclass(frozen=True)
class Target:
    """A goal from the issues: a time limit, a speed-up over the baseline, a ratio cap or an RSS cap."""

    kind: Kind
    limit: float

    def describe(self) -> str:
        return {
            "max_seconds": f"< {self.limit:g} s",
            "min_speedup": f">= {self.limit:g}x faster",
            "max_ratio": f"<= {self.limit:g}x baseline",
            "max_rss_mib": f"< {self.limit:g} MiB",
        }[self.kind]

    def met(self, mtx: Sample, baseline: Sample | None, *, cpu: bool = False) -> bool | None:
        """Whether the target is met on wall time (or, with `cpu`, on CPU time)."""
        if self.kind == "max_rss_mib":
            return mtx.rss_mib < self.limit
        mine = mtx.cpu if cpu else mtx.wall
        if self.kind == "max_seconds":
            return mine < self.limit
        theirs = None if baseline is None else (baseline.cpu if cpu else baseline.wall)
        if not theirs or mine <= 0:
            return None
        if self.kind == "min_speedup":
            return theirs / mine >= self.limit
        return mine / theirs <= self.limit


@dataclass
class Row:
    """One benchmark: what mtx did, what it is compared with, and whether the target is met."""

    name: str
    mtx: Sample | None
    baseline_name: str = ""
    baseline: Sample | None = None
    target: Target | None = None
    note: str = ""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """baseline wall / mtx wall: above 1 means mtx is faster."""
        if self.mtx is None or self.baseline is None or self.mtx.wall <= 0:
            return None
        return self.baseline.wall / self.mtx.wall

    @property
    def verdict(self) -> str:
        """PASS or FAIL on wall time, as the targets are stated."""
        return self._verdict(cpu=False)

    @property
    def cpu_verdict(self) -> str:
        """The same target judged on CPU time: what wall time would be on an idle machine."""
        return self._verdict(cpu=True)

    def _verdict(self, *, cpu: bool) -> str:
        if self.error:
            return "ERROR"
        if self.target is None or self.mtx is None:
            return "-"
        met = self.target.met(self.mtx, self.baseline, cpu=cpu)
        return "-" if met is None else ("PASS" if met else "FAIL")

    def as_json(self) -> dict[str, Any]:
        def sample(s: Sample | None) -> dict[str, float] | None:
            return (
                None
                if s is None
                else {"wall_s": round(s.wall, 4), "cpu_s": round(s.cpu, 4), "rss_mib": round(s.rss_mib, 1)}
            )

        return {
            "name": self.name,
            "mtx": sample(self.mtx),
            "baseline_name": self.baseline_name or None,
            "baseline": sample(self.baseline),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "target": self.target.describe() if self.target else None,
            "verdict": self.verdict,
            "cpu_verdict": self.cpu_verdict,
            "note": self.note or None,
            "error": self.error or None,
            **self.extra,
        }


def _fmt(sample: Sample | None, *, rss: bool = False) -> str:
    if sample is None:
        return "-"
    text = f"{sample.wall:.3f} s ({sample.cpu:.2f} cpu)"
    return f"{text}, {sample.rss_mib:.0f} MiB" if rss else text


def table(rows: list[Row], *, header: str) -> str:
    """The rows as a Markdown table (readable in a terminal, pasteable into the README)."""
    lines = [
        header,
        "",
        "| benchmark | mtx: wall (cpu) | baseline | baseline: wall (cpu) | ratio | target | result | on cpu |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = (
            "-"
            if row.ratio is None
            else (f"{row.ratio:.1f}x faster" if row.ratio >= 1 else f"{1 / row.ratio:.2f}x slower")
        )
        rss = row.target is not None and row.target.kind == "max_rss_mib"
        lines.append(
            f"| {row.name} | {row.error or _fmt(row.mtx, rss=rss)} | {row.baseline_name or '-'} | "
            f"{_fmt(row.baseline)} | {ratio} | {row.target.describe() if row.target else '-'} | "
            f"{row.verdict} | {row.cpu_verdict} |"
        )
    notes = [f"- {row.name}: {row.note}" for row in rows if row.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def as_json(rows: list[Row], *, meta: dict[str, Any]) -> str:
    return json.dumps({"meta": meta, "results": [row.as_json() for row in rows]}, indent=2)


# Commands whose work does not grow with the repo: their whole time is shown, not a share per unit.
_WHOLE = ("`mtx --help`", "render one space", "link a ", "one-unit edit")


def _size_free(name: str) -> str:
    """A row's name with its counts taken out, so one command's rows at two sizes pair up."""
    return re.sub(r"\d[\d,]*", "N", name)


def growth_table(runs: list[tuple[int, list[Row]]]) -> str:
    """Cost per unit (mtx wall and CPU milliseconds / units) of each command at each size, and its growth."""
    sizes = [units for units, _ in runs]
    by_name: dict[str, dict[int, Row]] = {}
    for units, rows in runs:
        for row in rows:
            if row.mtx is not None and not row.error:
                by_name.setdefault(_size_free(row.name), {})[units] = row
    head = " | ".join(f"{units:,} units: ms/unit wall (cpu)" for units in sizes)
    lines = [
        "Cost per unit at each size (whole-process wall and CPU time divided by the units in the repo):",
        "",
        f"| command | {head} | growth {sizes[0]:,} -> {sizes[-1]:,} (cpu) |",
        "|---|" + "---|" * len(sizes) + "---|",
    ]
    for name, at in by_name.items():
        whole = name.startswith(_WHOLE)
        costs = {units: _per_unit(at.get(units), 1 if whole else units) for units in sizes}
        cells = ["-" if cost is None else f"{cost[0]:.3f} ({cost[1]:.3f})" for cost in costs.values()]
        first, last = costs[sizes[0]], costs[sizes[-1]]
        growth = f"{last[1] / first[1]:.2f}x" if first is not None and last is not None and first[1] > 0 else "-"
        lines.append(f"| {name}{' (ms, whole command)' if whole else ''} | {' | '.join(cells)} | {growth} |")
    return "\n".join(lines)


def _per_unit(row: Row | None, units: int) -> tuple[float, float] | None:
    """Wall and CPU milliseconds per unit of a row's mtx sample."""
    if row is None or row.mtx is None:
        return None
    return 1000 * row.mtx.wall / units, 1000 * row.mtx.cpu / units
