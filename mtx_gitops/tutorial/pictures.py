"""The picture drawn after each stage, like the guide's: built from the states before and after
the stage and from its commands' JSON results (never re-derived from what the stage meant to do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from mtx_gitops.tutorial.drawing import CHANGED, KEPT, bullets, space_panel, stage_frame
from mtx_gitops.tutorial.layout import Row, arrow, row
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
BASE_FACETS = ("image", "algo", "timeout")
REGION_FACETS = ("image", "algo", "r")


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
    # The regions' other facets are the base's (drawn above); a region shows its scale and images.
    regions = row(
        *[space_panel(after, s, overrides=True, caption=REGION_NOTES[s], facets=("r", "image")) for s in PROD_REGIONS]
    )
    return [
        space_panel(after, "traderx-base", style="green", expand=False),
        arrow("upstream links", into=regions),
        regions,
        space_panel(after, "traderx-infra", style="dim", expand=False),
        *_namespace_links(results.get("links") or []),
    ]


def _namespace_links(links: list[dict[str, Any]]) -> list[RenderableType]:
    """One line per region: which apps a link gives which namespace (what `link create` filled in)."""
    lines: list[RenderableType] = []
    by_space: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        by_space.setdefault(link["space"], []).append(link)
    for space, found in by_space.items():
        filled = sorted({fill["value"] for link in found for fill in link["filled"]})
        apps = sorted({link["from"]["unit"] for link in found if link["filled"]})
        if apps:
            lines.append(Text(f"links: {space}: {', '.join(apps)} → namespace {', '.join(filled)}", style="cyan"))
    return lines


def _stage_4(before: State, after: State, results: Results) -> Body:
    """The guide's three panels: before, the base updated (regions still old), after the push-upgrade."""
    updated: State = results["updated"]
    patch, upgrade = results["patch"], results["upgrade"]
    upgraded = [u for u in upgrade["units"] if u["changed"]]

    def base(state: State, *, against: State | None = None) -> RenderableType:
        return space_panel(
            state,
            "traderx-base",
            units=["trade-service"],
            before=against,
            style="green",
            facets=BASE_FACETS,
            subtitle=False,
            expand=False,
        )

    def regions(state: State, caption: Callable[[str], str], **marks: Any) -> Row:
        return row(
            *[
                space_panel(
                    state, s, units=["trade-service"], facets=REGION_FACETS, subtitle=False, caption=caption(s), **marks
                )
                for s in PROD_REGIONS
            ]
        )

    def old(space: str) -> str:
        view = updated.unit(space, "trade-service")
        return "← still old! (UpgradeNeeded)" if view is not None and view.upgrade_needed else "up to date"

    linked = regions(before, lambda _s: "inherited + override", overrides=True)
    still_old = regions(updated, old, stale=before)
    pushed = regions(after, lambda _s: "new algo, kept scale", before=before, keep=("r",))
    changed = [
        f"{facet}: {_change(before.facet('traderx-base', 'trade-service', facet), value)} "
        f"({_regions_with(after, facet, value)})"
        for facet, value in _facets(after, "traderx-base", "trade-service").items()
        if before.facet("traderx-base", "trade-service", facet) != value
    ]
    kept = [
        f"{s.removeprefix('traderx-prod-').upper()} replicas: {after.facet(s, 'trade-service', 'r')}"
        for s in PROD_REGIONS
        if after.facet(s, "trade-service", "r") == before.facet(s, "trade-service", "r")
    ]
    return [
        Text("① Before: every region inherits the base, with its own scale", style="bold"),
        base(before),
        arrow("upstream links", into=linked),
        linked,
        Text(f"② Base updated, commit {(patch['commit'] or '')[:12]}: one patch", style="bold"),
        base(updated, against=before),
        arrow(f"not yet propagated: {len(results['pending'])} unit(s) UpgradeNeeded", into=still_old),
        still_old,
        Text(
            f"③ Push-upgrade, commit {(upgrade['commit'] or '')[:12]}: {len(upgraded)} units, one commit",
            style="bold",
        ),
        base(after),
        arrow(f"PUSH-UPGRADE {CHANGED * 3}", into=pushed),
        pushed,
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
    old = [f"{u['space']}/{u['unit']}: {after.facet(u['space'], u['unit'], 'image')}" for u in results["old_images"]]
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
    us = "traderx-prod-us"
    lines = [
        f"{unit}: {_change(before.facet(us, unit, 'image'), after.facet(us, unit, 'image'))}"
        for unit, _ in CHANGESET_TAGS
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


def _change(old: str | None, new: str | None) -> str:
    """`standard → quantum`; for an image of the same name only its tag after the arrow (`trade-service:v1 → :v2`)."""
    if old and new and ":" in old and ":" in new and old.rpartition(":")[0] == new.rpartition(":")[0]:
        return f"{old} → :{new.rpartition(':')[2]}"
    return f"{old} → {new}"


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
