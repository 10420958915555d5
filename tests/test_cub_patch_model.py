"""cub's patch model beside the seed's: --patch as a flag fed by --from-stdin/--filename, bulk patch by
WHERE, new data for a unit, push-upgrade, --upstream-unit alone, unit labels, space delete --recursive
and changeset create --space, typed as a cub user would."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas

PROD = "Slug = 'trade-service' AND Space.Slug LIKE '%prod%'"


@pytest.fixture
def stage3(mtx: Mtx) -> Mtx:
    build_stage_3(mtx)
    return mtx


def test_patch_flag_reads_the_patch_from_stdin_or_a_file(stage3: Mtx) -> None:
    stage3("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", "--from-stdin",
           stdin=b'{"spec":{"replicas":4}}')  # fmt: skip
    patch = stage3.root.parent / "replicas.json"
    patch.write_text('{"spec":{"replicas":6}}')
    stage3("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", "--filename", str(patch))

    assert replicas(stage3, "traderx-prod-us", "trade-service") == 4
    assert replicas(stage3, "traderx-prod-eu", "trade-service") == 6
    missing = stage3("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", ok=False)
    assert missing.code == 2 and "--from-stdin" in missing.err


def test_upgrade_with_cubs_patch_flag_does_not_swallow_the_space(stage3: Mtx) -> None:
    stage3("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"metadata":{"labels":{"v":"2"}}}')
    before = stage3.commits()

    result = stage3.json("unit", "update", "--upgrade", "--patch", "--space", "traderx-prod-*")

    assert stage3.commits() == before + 1
    assert sum(u["changed"] for u in result["units"]) == 3
    assert {r: replicas(stage3, f"traderx-prod-{r}", "trade-service") for r in REGIONS} == REGIONS


def test_bulk_patch_by_where_is_one_commit_over_the_matching_units(stage3: Mtx) -> None:
    before = stage3.commits()

    stage3(
        "unit", "update", "--space", "*", "--where", PROD, "--patch", "--from-stdin", stdin=b'{"spec":{"replicas":7}}'
    )

    assert stage3.commits() == before + 1
    assert {r: replicas(stage3, f"traderx-prod-{r}", "trade-service") for r in REGIONS} == dict.fromkeys(REGIONS, 7)
    assert replicas(stage3, "traderx-base", "trade-service") == 1  # the base does not match the WHERE
    assert replicas(stage3, "traderx-prod-eu", "reference-data") == 1


def test_new_data_for_a_unit_keeps_its_upstream_link(stage3: Mtx) -> None:
    release = stage3.root.parent / "trade-service-v3.yaml"
    text = (stage3.root / "base/trade-service.yaml").read_text()
    release.write_text(text.replace("trade-service:latest", "trade-service:v3"))
    link = (stage3.root / "spaces/traderx-prod-eu/.mtx/links/trade-service.yaml").read_text()

    stage3("unit", "update", "trade-service", "--space", "traderx-base", str(release))
    stage3("unit", "update", "trade-service", "--space", "traderx-prod-eu", "-", stdin=release.read_bytes())

    assert "trade-service:v3" in stage3("unit", "data", "trade-service", "--space", "traderx-base").out
    assert (stage3.root / "spaces/traderx-prod-eu/.mtx/links/trade-service.yaml").read_text() == link
    listed = stage3.json("unit", "list", "--space", "traderx-prod-*", "--where", "Slug = 'trade-service'")
    assert {u["space"]: u["upgrade_needed"] for u in listed} == {
        "traderx-prod-asia": True,
        "traderx-prod-eu": True,  # still linked: its merge base is the old release
        "traderx-prod-us": True,
    }


def test_push_upgrade_upgrades_every_downstream_of_the_unit(stage3: Mtx) -> None:
    stage3("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"metadata":{"labels":{"v":"2"}}}')
    before = stage3.commits()

    result = stage3.json("unit", "push-upgrade", "trade-service", "--space", "traderx-base")

    assert stage3.commits() == before + 1
    assert sorted(u["space"] for u in result["units"] if u["changed"]) == [f"traderx-prod-{r}" for r in sorted(REGIONS)]
    assert not any(u["upgrade_needed"] for u in stage3.json("unit", "list", "--space", "*", "--no-data"))
    assert {r: replicas(stage3, f"traderx-prod-{r}", "trade-service") for r in REGIONS} == REGIONS


def test_upstream_unit_alone_takes_its_space_from_space(mtx: Mtx) -> None:
    mtx("space", "create", "apps")
    mtx("unit", "create", "web", str(mtx.root / "base/web-front-end.yaml"), "--space", "apps")

    mtx("unit", "create", "web-canary", "--space", "apps", "--upstream-unit", "web")

    unit = mtx.json("unit", "get", "web-canary", "--space", "apps")
    assert unit["upstream"] == {"space": "apps", "unit": "web"} and unit["UpstreamSpace"] == {"Slug": "apps"}


def test_unit_labels_are_stored_per_unit_and_read_by_where(stage3: Mtx) -> None:
    stage3("unit", "create", "ledger", str(stage3.root / "base/database.yaml"), "--space", "traderx-base",
           "--label", "tier=data")  # fmt: skip
    stage3("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--label", "tier=backend")
    stage3("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", "--from-stdin",
           stdin=json.dumps({"Labels": {"tier": "backend"}, "LastChangeDescription": "tier"}).encode())  # fmt: skip

    found = stage3("unit", "list", "--space", "*", "--where", "Labels.tier = 'backend'", "--columns", "Space.Slug")
    assert found.out.split() == ["SPACE", "traderx-prod-eu", "traderx-prod-us"]
    assert stage3.git("log", "-1", "--format=%s").strip() == "tier"
    assert (stage3.root / "spaces/traderx-base/.mtx/labels/ledger.yaml").read_text().endswith("tier: data\n")
    eu = stage3.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")
    manifest = eu["data"]["metadata"]["labels"]
    assert eu["Labels"] == {**manifest, "tier": "backend"}  # the manifest's labels, the unit's over them

    stage3("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--label", "tier-")
    assert stage3.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")["Labels"] == manifest
    assert not (stage3.root / "spaces/traderx-prod-eu/.mtx/labels/trade-service.yaml").exists()
    bad = stage3(
        "unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", '{"TargetID": null}', ok=False
    )
    assert bad.code == 2 and "TargetID" in bad.err


def test_space_delete_recursive_deletes_its_units_but_not_under_others(stage3: Mtx) -> None:
    refused = stage3("space", "delete", "traderx-base", "--recursive", ok=False)
    assert refused.code == 1 and "traderx-prod-eu/trade-service" in refused.err

    stage3("space", "delete", "traderx-prod-eu", "--recursive")

    assert "traderx-prod-eu" not in stage3("space", "list", "--names").out.split()
    assert not (stage3.root / "spaces/traderx-prod-eu").exists()


def test_changeset_create_takes_cubs_space(stage3: Mtx) -> None:
    stage3("changeset", "create", "market-data-v2", "--space", "traderx-prod-us")
    assert stage3.json("changeset", "list")[0]["changeset"] == "market-data-v2"
    stage3("changeset", "abort", "market-data-v2")

    missing = stage3("changeset", "create", "other", "--space", "traderx-prod-mars", ok=False)
    assert missing.code == 1
