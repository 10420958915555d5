"""Per-unit targets and per-unit apply, as MicroTraderX's `deploy` uses them (directory targets: no cluster).

`cub target create worker-us "{}" worker-us --space S`, `cub unit set-target U T --space S` (or in bulk
with `--where` / `--unit a,b`), then `cub unit apply U --space S`: each unit goes to its own target,
the others stay with their space's; `-` clears a unit's target.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mtx


@pytest.fixture
def regions(mtx: Mtx, tmp_path: Path) -> Mtx:
    for space in ("traderx-prod-us", "traderx-prod-eu"):
        mtx("space", "create", space, "--target", "local")
        mtx("unit", "create", "reference-data", "base/reference-data.yaml", "--space", space)
        mtx("unit", "create", "trade-service", "base/trade-service.yaml", "--space", space)
    mtx("target", "create", "edge", "--kind", "directory", "--path", str(tmp_path / "edge"))
    return mtx


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml")) if root.exists() else []


def test_a_unit_goes_to_its_own_target_and_the_rest_to_the_spaces(regions: Mtx, tmp_path: Path) -> None:
    before = regions.commits()
    regions("unit", "set-target", "trade-service", "edge", "--space", "traderx-prod-us")
    assert regions.commits() == before + 1
    assert regions.git("show", "--name-only", "--format=", "HEAD").split() == [
        "spaces/traderx-prod-us/.mtx/targets/trade-service.yaml"
    ]
    rows = regions.json("unit", "list", "--space", "traderx-prod-us")
    assert {r["unit"]: r["Target"]["Slug"] for r in rows} == {"reference-data": "local", "trade-service": "edge"}
    regions("apply", "--space", "traderx-prod-us")
    assert files(tmp_path / "edge") == ["traderx-prod-us/trade-service.yaml"]
    assert files(regions.root / "out") == ["traderx-prod-us/reference-data.yaml"]
    listed = regions.json("target", "list", "--space", "traderx-prod-us")
    assert {r["target"]: r["units"] for r in listed} == {"edge": ["trade-service"], "local": ["reference-data"]}


def test_bulk_set_target_by_where_and_by_unit_list_and_clearing(regions: Mtx) -> None:
    regions("unit", "set-target", "edge", "--space", "traderx-prod-*", "--where", "Slug != ''")
    targets = {(r["space"], r["unit"]): r["Target"]["Slug"] for r in regions.json("unit", "list", "--space", "*")}
    assert set(targets.values()) == {"edge"} and len(targets) == 4
    before = regions.commits()
    regions("unit", "set-target", "-", "--space", "traderx-prod-eu", "--unit", "reference-data,trade-service")
    assert regions.commits() == before + 1
    rows = regions.json("unit", "list", "--space", "traderx-prod-eu")
    assert {r["Target"]["Slug"] for r in rows} == {"local"}  # the space's target again
    assert not (regions.root / "spaces/traderx-prod-eu/.mtx/targets").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["trade-service", "nowhere", "--space", "traderx-prod-us"], 1, "target 'nowhere' is not defined"),
        (["no-unit", "edge", "--space", "traderx-prod-us"], 1, "unit 'no-unit' does not exist"),
        (["../x", "edge", "--space", "traderx-prod-us"], 2, "invalid unit name"),
        (["trade-service", "../../etc", "--space", "traderx-prod-us"], 2, "invalid target name"),
        (["trade-service", "edge", "--space", "../spaces"], 2, "invalid space name"),
        (["edge", "--space", "traderx-prod-us"], 2, "give a unit name, --unit a,b or --where"),
        (["edge", "--space", "traderx-prod-us", "--where", "Slug = 'none'"], 2, "no unit matches"),
        (["edge", "--space", "traderx-prod-us", "--unit", "a,B"], 2, "invalid unit name"),
    ],
)
def test_a_refused_set_target_changes_nothing(regions: Mtx, args: list[str], code: int, message: str) -> None:
    before = regions.fingerprint()
    result = regions("unit", "set-target", *args, ok=False)
    assert (result.code, regions.fingerprint()) == (code, before)
    assert message in result.err


def test_cub_target_create_maps_its_parameters(regions: Mtx) -> None:
    regions("target", "create", "worker-us", "{}", "worker-us", "--space", "traderx-prod-us")
    regions("target", "create", "kind-eu", '{"KubeContext": "kind-eu", "WaitTimeout": "2m0s"}', "--space",
            "traderx-prod-eu")  # fmt: skip
    targets = {t["target"]: t for t in regions.json("target", "list")}
    assert {k: v for k, v in targets["worker-us"].items() if k != "spaces"} == {
        "target": "worker-us", "kind": "kubernetes", "space": "traderx-prod-us", "worker": "worker-us"}  # fmt: skip
    assert targets["kind-eu"]["context"] == "kind-eu"
    assert [t["target"] for t in regions.json("target", "list", "--space", "traderx-prod-us")] == [
        "edge", "local", "worker-us"]  # fmt: skip
    before = regions.fingerprint()
    for args, message in (
        (["x", "{nope", "--space", "traderx-prod-us"], "not JSON"),
        (["x", '{"Nope": 1}', "--space", "traderx-prod-us"], "unknown target parameter 'Nope'"),
        (["x", "[]", "--space", "traderx-prod-us"], "JSON object"),
        (["x", "{}", "--space", "no-such-space"], "space 'no-such-space' does not exist"),
        (["x", "{}", "--space", "traderx-prod-us", "-p", "AWS"], "invalid --provider"),
        (["worker-us", "{}", "--space", "traderx-prod-us"], "exists already"),
        (["x", "{}", "../w", "--space", "traderx-prod-us"], "invalid worker name"),
    ):
        result = regions("target", "create", *args, ok=False)
        assert result.code in (1, 2) and message in result.err and regions.fingerprint() == before, args
    # a worker-served target has no credentials here: delivering from a workstation says so
    regions("unit", "set-target", "reference-data", "worker-us", "--space", "traderx-prod-us")
    result = regions("unit", "apply", "reference-data", "--space", "traderx-prod-us", ok=False)
    assert result.code == 2 and "target 'worker-us' has no kubeconfig: worker worker-us brings" in result.err


def test_unit_apply_delivers_only_the_units_named_and_prunes_only_theirs(regions: Mtx, tmp_path: Path) -> None:
    out = regions.root / "out"
    regions("unit", "apply", "reference-data", "--space", "traderx-prod-us")
    assert files(out) == ["traderx-prod-us/reference-data.yaml"]
    regions("unit", "apply", "--space", "traderx-prod-*", "--unit", "reference-data,trade-service")
    assert len(files(out)) == 4
    stale = out / "traderx-prod-us" / "gone.yaml"
    stale.write_text((out / "traderx-prod-us" / "reference-data.yaml").read_text().replace("reference-data", "gone"))
    (applied,) = regions.json("unit", "apply", "trade-service", "--space", "traderx-prod-us", "--prune")
    assert applied["deleted"] == [] and stale.exists()  # another unit's file: not this apply's to prune
    regions("apply", "--space", "traderx-prod-us", "--prune")
    assert not stale.exists()
    before = regions.fingerprint()
    for args, message in (
        (["nope", "--space", "traderx-prod-us"], "unit 'nope' does not exist"),
        (["--space", "traderx-prod-us"], "give a unit name"),
        (["reference-data", "--unit", "trade-service", "--space", "traderx-prod-us"], "not both"),
        (["reference-data"], "missing --space"),
    ):
        result = regions("unit", "apply", *args, ok=False)
        assert result.code in (1, 2) and message in result.err and regions.fingerprint() == before, args
    assert len(files(out)) == 4


def test_unit_destroy_deletes_only_that_units_output(regions: Mtx) -> None:
    out = regions.root / "out"
    regions("apply", "--space", "traderx-prod-*")
    (dry,) = regions.json("unit", "destroy", "trade-service", "--space", "traderx-prod-eu", "--dry-run")
    assert dry["deleted"] == [str(out / "traderx-prod-eu/trade-service.yaml")] and len(files(out)) == 4
    regions("unit", "destroy", "trade-service", "--space", "traderx-prod-eu")
    assert files(out) == [
        "traderx-prod-eu/reference-data.yaml", "traderx-prod-us/reference-data.yaml",
        "traderx-prod-us/trade-service.yaml"]  # fmt: skip
    assert regions.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")["unit"] == "trade-service"


def test_a_unit_without_a_target_is_not_applied(mtx: Mtx) -> None:
    mtx("space", "create", "config-only")
    mtx("unit", "create", "reference-data", "base/reference-data.yaml", "--space", "config-only")
    before = mtx.fingerprint()
    result = mtx("unit", "apply", "reference-data", "--space", "config-only", ok=False)
    assert result.code == 2 and mtx.fingerprint() == before
    assert "unit config-only/reference-data has no target; set one with `mtx unit set-target" in result.err


def test_a_space_without_a_target_delivers_the_units_that_have_their_own(mtx: Mtx, tmp_path: Path) -> None:
    """deploy 3: traderx-infra has no target; each Namespace unit is given one."""
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: traderx-prod-us\n"
    mtx("space", "create", "traderx-infra")
    mtx("unit", "create", "ns-us", "-", "--space", "traderx-infra", stdin=namespace.encode())
    mtx("target", "create", "edge", "--kind", "directory", "--path", str(tmp_path / "edge"))
    refused = mtx("apply", "--space", "traderx-infra", ok=False)
    assert refused.code == 2 and "space traderx-infra has no target" in refused.err
    mtx("unit", "set-target", "ns-us", "edge", "--space", "traderx-infra")
    mtx("apply", "--space", "traderx-infra")
    assert files(tmp_path / "edge") == ["traderx-infra/ns-us.yaml"]
