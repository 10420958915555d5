"""Guide stage 4 (push-upgrade keeps 3/5/2) and stage 7 (lateral promotion EU → Asia → US → base)."""

from __future__ import annotations

import json

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas

TRADE = "spec.template.spec.containers"


def container(m: Mtx, space: str) -> dict[str, object]:
    data = m.json("unit", "get", "trade-service", "--space", space)["data"]
    return dict(data["spec"]["template"]["spec"]["containers"][0])


def env(m: Mtx, space: str) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container(m, space)["env"]}  # type: ignore[attr-defined]


def update_base(m: Mtx) -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "trade-service",
                            "image": "ghcr.io/finos/traderx/trade-service:v2",
                            "env": [
                                {"name": "TRADING_ALGORITHM", "value": "quantum"},
                                {"name": "TRADE_TIMEOUT", "value": "60s"},
                            ],
                        }
                    ]
                }
            }
        }
    }
    m("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(patch))


def test_stage_4_push_upgrade_keeps_regional_replicas(mtx: Mtx) -> None:
    build_stage_3(mtx)
    update_base(mtx)
    listed = mtx.json("unit", "list", "--space", "traderx-prod-*", "--no-data")
    assert {u["space"] for u in listed if u["upgrade_needed"]} == {f"traderx-prod-{r}" for r in REGIONS}
    before = mtx.commits()
    result = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert mtx.commits() == before + 1
    assert sorted(u["space"] for u in result["units"] if u["changed"]) == sorted(f"traderx-prod-{r}" for r in REGIONS)
    assert all(not u["conflicts"] for u in result["units"])
    for region, count in REGIONS.items():
        space = f"traderx-prod-{region}"
        assert replicas(mtx, space, "trade-service") == count
        assert container(mtx, space)["image"] == "ghcr.io/finos/traderx/trade-service:v2"
        assert env(mtx, space)["TRADING_ALGORITHM"] == "quantum"
        assert env(mtx, space)["TRADE_TIMEOUT"] == "60s"
    assert not any(u["upgrade_needed"] for u in mtx.json("unit", "list", "--space", "*", "--no-data"))
    again = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert again["commit"] is None and mtx.commits() == before + 1


def test_stage_4_upgrade_diff_touches_only_the_changed_lines(mtx: Mtx) -> None:
    build_stage_3(mtx)
    update_base(mtx)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-us")
    diff = mtx.git("diff", "HEAD~1", "--unified=0", "--", "spaces/traderx-prod-us/trade-service.yaml")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert sorted(changed) == sorted(
        [
            "-        image: ghcr.io/finos/traderx/trade-service:latest",
            "+        image: ghcr.io/finos/traderx/trade-service:v2",
            "-          value: standard",
            "+          value: quantum",
            "-          value: 30s",
            "+          value: 60s",
        ]
    )


def test_conflicts_are_reported_and_resolved_by_policy(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"replicas":4}}')
    before = mtx.fingerprint()
    failed = mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--on-conflict", "fail", ok=False)
    assert failed.code == 1 and "spec.replicas" in failed.err and failed.err.count("\n") == 1
    assert mtx.fingerprint() == before
    result = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    conflicts = {u["space"]: u["conflicts"] for u in result["units"]}
    assert conflicts["traderx-prod-eu"] == [
        {
            "path": "spec.replicas",
            "base": 1,
            "upstream": 4,
            "local": 5,
            "resolution": "local",
            "document": "apps/Deployment//trade-service",
        }
    ]
    assert replicas(mtx, "traderx-prod-eu", "trade-service") == 5
    assert "Mtx-Conflict:" in mtx.git("log", "-1", "--format=%B")


def test_upgrading_a_unit_without_upstream_is_refused(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = mtx.fingerprint()
    result = mtx("unit", "update", "trade-service", "--upgrade", "--space", "traderx-base", ok=False)
    assert result.code == 2 and "no upstream" in result.err
    assert mtx.fingerprint() == before


def test_stage_7_lateral_promotion_carries_only_the_change(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx(
        "run",
        "set-env-var",
        "--env-var",
        "CIRCUIT_BREAKER=true",
        "--unit",
        "trade-service",
        "--space",
        "traderx-prod-eu",
    )
    for space in ("traderx-prod-asia", "traderx-prod-us", "traderx-base"):
        before = mtx.commits()
        mtx("unit", "update", "trade-service", "--space", space, "--merge-unit", "traderx-prod-eu/trade-service")
        assert mtx.commits() == before + 1
        assert "Mtx-Source: traderx-prod-eu/trade-service@" in mtx.git("log", "-1", "--format=%B")
    for space in ("traderx-prod-eu", "traderx-prod-asia", "traderx-prod-us", "traderx-base"):
        assert env(mtx, space)["CIRCUIT_BREAKER"] == "true"
    for region, count in REGIONS.items():
        assert replicas(mtx, f"traderx-prod-{region}", "trade-service") == count
    assert replicas(mtx, "traderx-base", "trade-service") == 1


def test_lateral_merge_bad_input(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = mtx.fingerprint()
    for source, code in (("traderx-prod-eu/nope", 1), ("nope", 2), ("../x/y", 2)):
        result = mtx("unit", "update", "trade-service", "--space", "traderx-prod-us", "--merge-unit", source, ok=False)
        assert result.code == code, (source, result.err)
        assert result.err.count("\n") == 1
    assert mtx.fingerprint() == before


def test_an_upgrade_over_deleted_upstreams_says_so_rather_than_up_to_date(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "delete", "trade-service", "--space", "traderx-base", "--force")
    before = mtx.fingerprint()

    result = mtx.json("unit", "update", "--upgrade", "--space", "*")
    table = mtx("unit", "update", "--upgrade", "--space", "*").out

    orphans = sorted(u["space"] for u in result["units"] if "was deleted" in u.get("note", ""))
    assert orphans == sorted(f"traderx-prod-{r}" for r in REGIONS)
    assert result["commit"] is None and result["notes"] == [
        "nothing to upgrade: 3 unit(s) have a deleted upstream and were left unchanged (see the unit notes)"
    ]
    assert result["notes"][0] in table and "every matching unit is up to date" not in table
    assert mtx.fingerprint() == before

    mtx("unit", "update", "reference-data", "--space", "traderx-base", "--patch", '{"spec":{"replicas":2}}')
    upgraded = mtx.json("unit", "update", "--upgrade", "--space", "*")
    assert upgraded["commit"] and sum(u["changed"] for u in upgraded["units"]) == 3
    assert upgraded["notes"] == ["3 unit(s) have a deleted upstream and were left unchanged (see the unit notes)"]


def test_an_upgrade_that_only_moves_the_merge_base_counts_no_change(mtx: Mtx) -> None:
    build_stage_3(mtx)
    v2 = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "trade-service", "image": "ghcr.io/finos/traderx/trade-service:v2"}]}
            }
        }
    }
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", json.dumps(v2))
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(v2))
    upstream = mtx.git("rev-parse", "HEAD:spaces/traderx-base/trade-service.yaml").strip()
    us_file = (mtx.root / "spaces/traderx-prod-us/trade-service.yaml").read_text()

    preview = mtx("unit", "update", "trade-service", "--upgrade", "--space", "traderx-prod-*", "--dry-run").out
    result = mtx.json("unit", "update", "trade-service", "--upgrade", "--space", "traderx-prod-*")

    units = {u["space"]: u for u in result["units"]}
    assert {space: u["changed"] for space, u in units.items()} == {
        "traderx-prod-asia": True,
        "traderx-prod-eu": True,
        "traderx-prod-us": False,
    }
    assert units["traderx-prod-us"]["note"] == f"content unchanged; merge base moved to {upstream[:12]}"
    assert all(u["merge_base_moved"] for u in units.values())
    assert result["notes"] == ["1 unit(s) kept their content: only their merge base moved"]
    assert "2 unit(s) would change" in preview and "merge base moved to" in preview
    assert (mtx.root / "spaces/traderx-prod-us/trade-service.yaml").read_text() == us_file
    assert "Mtx-Unit: traderx-prod-us/trade-service" in mtx.git("log", "-1", "--format=%B")
    assert not mtx.json("unit", "get", "trade-service", "--space", "traderx-prod-us")["upgrade_needed"]
