"""The picture drawn after each stage, like the guide's: built from the states before and after
the stage and from its commands' JSON results (never re-derived from what the stage meant to do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from mtx_gitops.tutorial.drawing import (
    CHANGED,
    KEPT,
    arrow,
    bullets,
    row,
    space_panel,
    stage_frame,
)
from mtx_gitops.tutorial.stages import (
    CHANGESET,
    CHANGESET_TAGS,
    EU,
    LATERAL_PATH,
    OLD_IMAGES,
    OVERLOADED_EU,
    PROD_REGIONS,
    Results,
    Stage,
)
from mtx_gitops.tutorial.state import State

REGION_NOTES = {
    "traderx-prod-us": "NYSE hours",
    "traderx-prod-eu": "Peak trading!",
    "traderx-prod-asia": "Overnight volume",
}
Body = list[RenderableType]
UPGRADED = ("r", "image", "algo", "timeout")


def picture(stage: Stage, before: State, after: State, results: Results) -> RenderableType:
    """The drawing for `stage`, given the repo state before and after it and its results."""
    body = DRAW[stage.number](before, after, results)
    return stage_frame(stage.number, stage.title, stage.concept, body)


def overview(after: State) -> RenderableType:
    """Every space with its units, three to a row: for a repo already at the stage asked for."""
    names = sorted(after.units)
    panels = [space_panel(after, s, facets=("r", "image")) for s in names]
    return Group(*[row(*panels[i : i + 3]) for i in range(0, len(panels), 3)])


def _stage_1(before: State, after: State, results: Results) -> Body:
    return [
        space_panel(after, "traderx", before=before, notes={"reference-data": "from base/"}, expand=False),
        arrow("target local: `./deploy 1` delivers it"),
    ]


def _stage_2(before: State, after: State, results: Results) -> Body:
    # Where each copy came from, as the audit trail (the commits' Mtx-Source trailers) tells it.
    copied = {
        e["units"][0]["space"]: e["source"].split("/")[0]
        for e in results["log"]
        if e["operation"] == "unit.copy" and e["units"] and e.get("source")
    }
    envs = ("traderx-dev", "traderx-staging", "traderx-prod")
    panels = [
        space_panel(
            after,
            env,
            notes={"reference-data": f"copied from {copied.get(env, '?')}"},
            caption="deployed by `./deploy 2` ✓" if after.spaces[env].get("target") else "config only",
        )
        for env in envs
    ]
    return [row(*panels), Text("promotion: dev ──→ staging ──→ prod (LIVE ✓)", style="bold cyan")]


def _stage_3(before: State, after: State, results: Results) -> Body:
    regions = [space_panel(after, s, overrides=True, caption=REGION_NOTES[s]) for s in PROD_REGIONS]
    return [
        space_panel(after, "traderx-base", style="green", expand=False),
        arrow("upstream links", fan=3),
        row(*regions),
        space_panel(after, "traderx-infra", style="dim", expand=False),
    ]


def _stage_4(before: State, after: State, results: Results) -> Body:
    commit = (results["upgrade"]["commit"] or "")[:12]
    upgraded = [u for u in results["upgrade"]["units"] if u["changed"]]
    regions = [
        space_panel(after, s, units=["trade-service"], before=before, keep=("r",), facets=UPGRADED)
        for s in PROD_REGIONS
    ]
    changed = [
        f"{facet}: {before.facet('traderx-base', 'trade-service', facet)} → {value} "
        f"({_regions_with(after, facet, value)})"
        for facet, value in _facets(after, "traderx-base", "trade-service").items()
        if before.facet("traderx-base", "trade-service", facet) != value
    ]
    kept = [
        f"{s.removeprefix('traderx-prod-').upper()} replicas: {after.facet(s, 'trade-service', 'r')}"
        for s in PROD_REGIONS
        if after.facet(s, "trade-service", "r") == before.facet(s, "trade-service", "r")
    ]
    waiting = ", ".join(u["space"].removeprefix("traderx-") for u in results["pending"])
    return [
        space_panel(
            after, "traderx-base", units=["trade-service"], before=before, style="green", facets=UPGRADED, expand=False
        ),
        Text(
            f"after the base update: {len(results['pending'])} unit(s) UpgradeNeeded ({waiting}): not yet propagated",
            style="dim",
        ),
        arrow(f"PUSH-UPGRADE {CHANGED * 3} commit {commit}: {len(upgraded)} units, one commit", fan=3),
        row(*regions),
        bullets("What changed:", changed, mark=CHANGED, style="yellow"),
        bullets("What was preserved:", kept),
    ]


def _stage_5(before: State, after: State, results: Results) -> Body:
    found = {(u["space"], u["unit"]) for u in results["found"]}
    scans = [
        space_panel(
            before,
            s,
            units=["trade-service"],
            facets=("r", "image"),
            caption="✓ MATCHES" if (s, "trade-service") in found else "✗ no match",
            style="yellow" if (s, "trade-service") in found else "blue",
        )
        for s in PROD_REGIONS
    ]
    scaled = [
        f"{u['space']}/{u['unit']}: r {before.facet(u['space'], u['unit'], 'r')} → "
        f"{after.facet(u['space'], u['unit'], 'r')}"
        for u in results["scaled"]["units"]
        if u["changed"]
    ]
    old = [
        f"{u['space']}/{u['unit']} image {after.facet(u['space'], u['unit'], 'image')}" for u in results["old_images"]
    ]
    return [
        Text(f"Query: WHERE {OVERLOADED_EU}", style="bold"),
        row(*scans),
        bullets(
            f"Scaled down {EU} (markets closed), commit {(results['scaled']['commit'] or '')[:12]}:",
            scaled,
            mark=CHANGED,
            style="yellow",
        ),
        bullets(f"Old images: WHERE {OLD_IMAGES}", old, mark="✗", style="red"),
    ]


def _stage_6(before: State, after: State, results: Results) -> Body:
    applied = results["apply"]
    lines = [
        f"{unit}: {before.facet('traderx-prod-us', unit, 'image')} → {after.facet('traderx-prod-us', unit, 'image')}"
        for unit, _tag in CHANGESET_TAGS
    ]
    staged = len((results["show"] or {}).get("commits") or [])
    return [
        bullets(f"Changeset: {CHANGESET} ({staged} staged edits)", lines, mark=CHANGED, style="yellow"),
        Text(
            f"{KEPT} applied together as ONE commit {(applied['commit'] or '')[:12]} on {applied['branch']}",
            style="bold green",
        ),
        space_panel(after, "traderx-prod-us", before=before, keep=("r",), expand=False),
    ]


def _stage_7(before: State, after: State, results: Results) -> Body:
    path = (EU, *LATERAL_PATH)
    panels = [
        space_panel(
            after,
            s,
            units=["trade-service"],
            before=before,
            keep=("r",),
            subtitle=False,
            facets=("r", "CIRCUIT_BREAKER"),
            caption="fixed here" if s == EU else f"merged ← {EU.removeprefix('traderx-')}",
        )
        for s in path
    ]
    trail = [
        f"{e['commit'][:12]} {e['operation']} {_units(e)}" + (f" ← {e['source']}" if e.get("source") else "")
        for e in results["log"]
    ]
    settle = results["settle"]
    conflicts = sum(len(u["conflicts"]) for u in settle["units"])
    moved = sum(1 for u in settle["units"] if u.get("merge_base_moved"))
    changed = sum(1 for u in settle["units"] if u["changed"])
    caught_up = (
        f"{KEPT} base caught up: push-upgrade {(settle['commit'] or '')[:12]}, {moved} regions' merge "
        f"bases advanced, {changed} changed, {conflicts} conflicts (they had the fix)"
    )
    return [
        Text("lateral path: " + " ══▶ ".join(s.removeprefix("traderx-") for s in path), style="bold cyan"),
        row(*panels),
        Text(caught_up, style="green"),
        bullets("Audit trail (mtx log):", trail, mark="•", style="cyan"),
    ]


def _regions_with(state: State, facet: str, value: str) -> str:
    """Which regions' trade-service now has `facet` = `value`: "all regions", or their names."""
    found = [s.removeprefix("traderx-prod-") for s in PROD_REGIONS if state.facet(s, "trade-service", facet) == value]
    return "all regions" if len(found) == len(PROD_REGIONS) else "only " + (", ".join(found) or "the base")


def _facets(state: State, space: str, unit: str) -> dict[str, str]:
    view = state.unit(space, unit)
    return dict(view.facets) if view else {}


def _units(entry: dict[str, Any]) -> str:
    return ", ".join(f"{u['space']}/{u['unit']}" for u in entry.get("units") or [])


DRAW: dict[int, Callable[[State, State, Results], Body]] = {
    1: _stage_1,
    2: _stage_2,
    3: _stage_3,
    4: _stage_4,
    5: _stage_5,
    6: _stage_6,
    7: _stage_7,
}
