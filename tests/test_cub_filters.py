"""cub's stored filters, kept in git: `filter create|list|get|delete`, and `--filter S/F` on unit list,
run and function do."""

from __future__ import annotations

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas

BIG = "spec.replicas > 2"


@pytest.fixture
def stage3(mtx: Mtx) -> Mtx:
    build_stage_3(mtx)
    return mtx


def test_a_filter_is_created_listed_read_and_deleted_one_commit_each(stage3: Mtx) -> None:
    before = stage3.commits()

    stage3("filter", "create", "big", "Unit", "--space", "traderx-base", "--where", BIG)
    stage3(
        "filter", "create", "ts", "Unit", "--space", "traderx-base", "--where-data", "metadata.name = 'trade-service'"
    )

    assert stage3.commits() == before + 2
    assert (stage3.root / "spaces/traderx-base/.mtx/filters/big.yaml").is_file()
    listed = stage3.json("filter", "list", "--space", "*")
    assert [(f["Space"]["Slug"], f["Slug"], f["Where"], f["WhereData"]) for f in listed] == [
        ("traderx-base", "big", BIG, ""),
        ("traderx-base", "ts", "", "metadata.name = 'trade-service'"),
    ]
    assert stage3.json("filter", "get", "big", "--space", "traderx-base")["From"] == "Unit"
    assert "big" in stage3("filter", "list").out

    stage3("filter", "delete", "big", "--space", "traderx-base")
    assert [f["Slug"] for f in stage3.json("filter", "list")] == ["ts"]
    assert stage3.commits() == before + 3


def test_filter_on_unit_list_run_and_function_do(stage3: Mtx) -> None:
    stage3("filter", "create", "big", "Unit", "--space", "traderx-base", "--where", BIG)

    listed = stage3.json("unit", "list", "--space", "*", "--filter", "traderx-base/big")
    narrowed = stage3.json("unit", "list", "--space", "*", "--filter", "traderx-base/big", "--where",
                           "Space.Labels.region = 'eu'")  # fmt: skip
    assert sorted(u["space"] for u in listed) == ["traderx-prod-eu", "traderx-prod-us"]  # asia runs 2
    assert [u["space"] for u in narrowed] == ["traderx-prod-eu"]

    stage3("run", "set-replicas", "--replicas", "2", "--space", "*", "--filter", "traderx-base/big")
    assert {r: replicas(stage3, f"traderx-prod-{r}", "trade-service") for r in REGIONS} == dict.fromkeys(REGIONS, 2)

    stage3("filter", "create", "us", "Unit", "--space", "traderx-base", "--where", "Space.Labels.region = 'us'")
    stage3("function", "do", "set-replicas", "6", "--space", "*", "--filter", "traderx-base/us", "--unit",
           "trade-service")  # fmt: skip
    assert replicas(stage3, "traderx-prod-us", "trade-service") == 6
    assert replicas(stage3, "traderx-prod-eu", "trade-service") == 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("filter", "create", "x", "Unit", "--space", "traderx-base"), 2, "needs --where or --where-data"),
        (("filter", "create", "x", "Unit", "--space", "traderx-base", "--where", "spec.replicas >"), 2, "WHERE"),
        (("filter", "create", "Bad_Name", "Unit", "--space", "traderx-base", "--where", BIG), 2, "filter name"),
        (("filter", "create", "x", "Space", "--space", "traderx-base", "--where", BIG), 2, "select Unit"),
        (("filter", "create", "x", "Unit", "--space", "nope", "--where", BIG), 1, "space 'nope' does not exist"),
        (("filter", "get", "nope", "--space", "traderx-base"), 1, "filter traderx-base/nope does not exist"),
        (("unit", "list", "--filter", "nope"), 2, "write SPACE/FILTER"),
        (("unit", "list", "--filter", "traderx-base/nope"), 1, "does not exist"),
    ],
)
def test_bad_filters_are_refused_with_one_line(stage3: Mtx, args: tuple[str, ...], code: int, message: str) -> None:
    before = stage3.fingerprint()

    result = stage3(*args, ok=False)

    assert result.code == code, result.err
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert stage3.fingerprint() == before


def test_creating_a_filter_twice_is_refused(stage3: Mtx) -> None:
    stage3("filter", "create", "big", "Unit", "--space", "traderx-base", "--where", BIG)

    again = stage3("filter", "create", "big", "Unit", "--space", "traderx-base", "--where", BIG, ok=False)

    assert again.code == 1 and "filter traderx-base/big already exists" in again.err


def test_unit_apply_refuses_a_filter_over_the_data_before_reaching_a_cluster(stage3: Mtx) -> None:
    stage3("filter", "create", "ts", "Unit", "--space", "traderx-base", "--where-data", "spec.replicas > 2")

    refused = stage3("unit", "apply", "--space", "*", "--filter", "traderx-base/ts", ok=False)

    assert refused.code == 2 and "this command takes filters with --where only" in refused.err
