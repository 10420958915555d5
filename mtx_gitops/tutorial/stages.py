"""The seven MicroTraderX stages (SPEC §7) as the `mtx` commands a user would type.

Each stage runs its commands through a `Runner` (which prints them) and returns the JSON results
its drawing needs. `deploys` names the spaces `./deploy N` delivers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mtx_gitops.tutorial.runner import Runner
from mtx_gitops.tutorial.state import State

REGIONS = (("us", 3), ("eu", 5), ("asia", 2))
PLACEHOLDER = "confighubplaceholder"  # what a link fills (cub's placeholder)
PROD_REGIONS = tuple(f"traderx-prod-{region}" for region, _ in REGIONS)
IMAGE = "ghcr.io/finos/traderx/{service}:{tag}"
EU = "traderx-prod-eu"
OVERLOADED_EU = "Space.Slug LIKE '%prod-eu%' AND spec.replicas > 2"
OLD_IMAGES = "Data CONTAINS 'reference-data:latest'"
CHANGESET = "market-data-v2"
# Stage 6: reference-data ships the new market data format, trade-service the release that reads it.
CHANGESET_TAGS = (("reference-data", ":v2"), ("trade-service", ":v2.1"))
LATERAL_PATH = ("traderx-prod-asia", "traderx-prod-us", "traderx-base")
# Where each directory target delivers: `local` comes with `mtx init --example traderx`, stage 3 adds the regions'.
DIRECTORIES = {"local": "out", **{f"prod-{region}": f"out/prod-{region}" for region, _ in REGIONS}}

Results = dict[str, Any]


def base_update_patch() -> str:
    """Stage 4's one strategic patch: quantum algorithm, image v2, 60 s timeout (containers/env by name)."""
    container = {
        "name": "trade-service",
        "image": IMAGE.format(service="trade-service", tag="v2"),
        "env": [{"name": "TRADING_ALGORITHM", "value": "quantum"}, {"name": "TRADE_TIMEOUT", "value": "60s"}],
    }
    return json.dumps({"spec": {"template": {"spec": {"containers": [container]}}}}, separators=(",", ":"))


def namespace_manifest(name: str, region: str) -> str:
    """A Namespace unit of the traderx-infra space."""
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    region: {region}\n"


def hello_traderx(run: Runner) -> Results:
    """Stage 1: space `traderx` with unit `reference-data` from base/, delivered by target `local`."""
    run.mtx("space", "create", "traderx", "--target", "local")
    return {"create": run.mtx("unit", "create", "reference-data", "base/reference-data.yaml", "--space", "traderx")}


def three_environments(run: Runner) -> Results:
    """Stage 2: dev, staging and prod by copy (dev from traderx, staging from dev, prod from staging)."""
    run.mtx("space", "create", "traderx-dev")
    run.mtx("space", "create", "traderx-staging")
    run.mtx("space", "create", "traderx-prod", "--target", "local")
    flow = (("traderx", "traderx-dev"), ("traderx-dev", "traderx-staging"), ("traderx-staging", "traderx-prod"))
    for source, target in flow:
        run.mtx("unit", "copy", "reference-data", "--from", source, "--to", target)
    return {"log": run.read("log", "--limit", str(len(flow)))}


def three_regions(run: Runner) -> Results:
    """Stage 3: traderx-base, a traderx-infra space with a Namespace per region, three linked regions
    scaled 3/5/2 whose apps link to their region's Namespace (which fills in their namespace)."""
    run.mtx("space", "create", "traderx-base")
    for unit in ("reference-data", "trade-service"):
        run.mtx("unit", "create", unit, f"base/{unit}.yaml", "--space", "traderx-base")
    # The base leaves the namespace to each region: a placeholder, which a link to a Namespace fills.
    run.mtx("run", "set-string-path", "--path", "metadata.namespace", "--value", PLACEHOLDER, "--space", "traderx-base")
    run.mtx("space", "create", "traderx-infra", "--target", "local")
    for region, replicas in REGIONS:
        space = f"traderx-prod-{region}"
        run.mtx("target", "create", f"prod-{region}", "--kind", "directory", "--path", DIRECTORIES[f"prod-{region}"])
        run.mtx("space", "create", space, "--label", f"region={region}", "--target", f"prod-{region}")
        run.mtx("unit", "create", "--space", space, "--upstream-space", "traderx-base")
        namespace = namespace_manifest(space, region)
        run.mtx("unit", "create", f"ns-{region}", "-", "--space", "traderx-infra", stdin=namespace)
        for link, unit in (("app-to-ns-ref", "reference-data"), ("app-to-ns-trade", "trade-service")):
            run.mtx("link", "create", "--space", space, link, unit, f"ns-{region}", "traderx-infra")
        run.mtx("link", "create", "--space", space, "trade-to-ref", "trade-service", "reference-data")
        run.mtx("run", "set-replicas", "--unit", "trade-service", "--space", space, "--replicas", str(replicas))
    return {"links": run.read("link", "list", "--space", "traderx-prod-*")}


def push_upgrade(run: Runner) -> Results:
    """Stage 4: one patch to the base, then one push-upgrade commit into every region."""
    patch = run.mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", base_update_patch())
    pending = run.read("unit", "list", "--space", "traderx-prod-*", "--where", "UpgradeNeeded = true")
    updated = State.read(run)  # the guide's middle panel: base updated, regions still old
    upgrade = run.mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    return {"patch": patch, "pending": pending, "updated": updated, "upgrade": upgrade}


def find_and_fix(run: Runner) -> Results:
    """Stage 5: WHERE finds EU running hot, one command scales it to 2, another finds old images."""
    found = run.mtx("unit", "list", "--space", "*", "--where", OVERLOADED_EU)
    scaled = run.mtx("run", "set-replicas", "--replicas", "2", "--space", EU, "--where", "spec.replicas > 2")
    old = run.mtx("unit", "list", "--space", "*", "--where", OLD_IMAGES)
    return {"found": found, "scaled": scaled, "old_images": old}


def atomic_updates(run: Runner) -> Results:
    """Stage 6: changeset market-data-v2 updates both services in traderx-prod-us as one commit."""
    run.mtx("changeset", "create", CHANGESET)
    for unit, tag in CHANGESET_TAGS:
        run.mtx("run", "set-image", "--image", tag, "--unit", unit, "--space", "traderx-prod-us")
    shown = run.read("changeset", "show", CHANGESET)
    applied = run.mtx("changeset", "apply", CHANGESET)
    return {"show": shown, "apply": applied}


def emergency_bypass(run: Runner) -> Results:
    """Stage 7: fix EU, merge its change laterally into Asia, US and base, then let the base catch up."""
    fix = run.mtx("run", "set-env-var", "--env-var", "CIRCUIT_BREAKER=true", "--unit", "trade-service", "--space", EU)
    merges = {
        space: run.mtx("unit", "update", "trade-service", "--space", space, "--merge-unit", f"{EU}/trade-service")
        for space in LATERAL_PATH
    }
    # The base now carries the fix the regions already have: the same change on both sides is no
    # conflict, so this upgrade changes no field and only moves the regions' merge bases forward.
    settle = run.mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    log = run.read("log", "--limit", str(2 + len(LATERAL_PATH)))
    return {"fix": fix, "merges": merges, "settle": settle, "log": log}


@dataclass(frozen=True)
class Stage:
    """One stage of the guide: what it teaches, its commands, and the spaces `deploy N` delivers."""

    number: int
    title: str
    concept: str
    commands: Callable[[Runner], Results]
    deploys: tuple[str, ...]


STAGES = (
    Stage(1, "Hello TraderX", "Spaces contain units. Targets deliver them.", hello_traderx, ("traderx",)),
    Stage(
        2, "Three Environments", "Spaces are environments. Copy promotes config.", three_environments, ("traderx-prod",)
    ),
    Stage(
        3,
        "Three Regions",
        "Regional scale from business logic: one base, three linked copies.",
        three_regions,
        ("traderx-infra", *PROD_REGIONS),
    ),
    Stage(
        4, "Push-Upgrade", "Update the base; it flows everywhere and keeps regional scale.", push_upgrade, PROD_REGIONS
    ),
    Stage(
        5,
        "Find and Fix",
        "WHERE clauses find problems across spaces; one command fixes them.",
        find_and_fix,
        PROD_REGIONS,
    ),
    Stage(6, "Atomic Updates", "A changeset lands related updates as one commit.", atomic_updates, PROD_REGIONS),
    Stage(
        7,
        "Emergency Bypass",
        "Lateral promotion: EU's fix goes straight to Asia, then US, then base.",
        emergency_bypass,
        PROD_REGIONS,
    ),
)


def stage(number: int) -> Stage:
    """Stage `number` (1…7)."""
    return STAGES[number - 1]
