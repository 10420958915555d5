"""`mtx unit tree` as cub draws it: the regions' units under the base unit they were cloned from."""

from __future__ import annotations

import pytest

from mtx_gitops.core.tree_lines import tree_lines
from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3


@pytest.fixture
def stage3(mtx: Mtx) -> Mtx:
    build_stage_3(mtx)
    return mtx


def test_the_clone_tree_by_space_draws_the_regions_under_the_base(stage3: Mtx) -> None:
    stage3("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"metadata":{"labels":{"v":"2"}}}')

    out = stage3("unit", "tree", "--node", "space", "trade-service", "--space", "*").out

    assert [line.rstrip() for line in out.splitlines()] == [
        "NODE                         UNIT             UPGRADE-NEEDED    HEAD-REVISION-NUM",
        "└── traderx-base             trade-service    No                2",
        "    ├── traderx-prod-asia    trade-service    Yes               2",
        "    ├── traderx-prod-eu      trade-service    Yes               2",
        "    └── traderx-prod-us      trade-service    Yes               2",
    ]


def test_columns_and_json_of_the_tree(stage3: Mtx) -> None:
    out = stage3("unit", "tree", "--node", "space", "trade-service", "--columns", "Space.Slug,UpgradeNeeded").out
    rows = stage3.json("unit", "tree", "--space", "*")

    assert out.splitlines()[0].split() == ["NODE", "SPACE", "UPGRADE-NEEDED"]
    assert [(r["Node"], r["space"], r["Depth"], r["Parent"]) for r in rows if r["unit"] == "reference-data"] == [
        ("reference-data", "traderx-base", 0, None),
        ("reference-data", "traderx-prod-asia", 1, "traderx-base/reference-data"),
        ("reference-data", "traderx-prod-eu", 1, "traderx-base/reference-data"),
        ("reference-data", "traderx-prod-us", 1, "traderx-base/reference-data"),
    ]


def test_a_unit_whose_upstream_is_not_selected_is_a_root(stage3: Mtx) -> None:
    rows = stage3.json("unit", "tree", "--space", "traderx-prod-*", "--where", "Slug = 'trade-service'")

    assert [(r["space"], r["Depth"], r["Prefix"]) for r in rows] == [
        ("traderx-prod-asia", 0, "├── "),
        ("traderx-prod-eu", 0, "├── "),
        ("traderx-prod-us", 0, "└── "),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--node", "target"), "invalid --node"), (("--edge", "deps"), "invalid --edge")],
)
def test_bad_tree_options_are_refused(stage3: Mtx, args: tuple[str, ...], message: str) -> None:
    result = stage3("unit", "tree", *args, ok=False)

    assert result.code == 2 and message in result.err


def test_tree_lines_nest_children_and_break_cycles() -> None:
    nodes = [("a", None), ("b", "a"), ("c", "b"), ("d", "a"), ("x", "y"), ("y", "x")]

    drawn = [(nodes[i][0], prefix) for i, _depth, prefix in tree_lines(nodes)]

    assert drawn[:4] == [("a", "└── "), ("b", "    ├── "), ("c", "    │   └── "), ("d", "    └── ")]
    assert sorted(name for name, _ in drawn) == ["a", "b", "c", "d", "x", "y"]


def test_the_link_tree_draws_each_unit_under_the_unit_it_links_to(stage3: Mtx) -> None:
    stage3("link", "create", "--space", "traderx-prod-us", "ts-to-ref", "trade-service", "reference-data",
           "traderx-prod-us", "--update-type", "None")  # fmt: skip

    rows = stage3.json("unit", "tree", "--edge", "link", "--space", "traderx-prod-us")

    assert [(r["unit"], r["Depth"], r["Parent"]) for r in rows] == [
        ("reference-data", 0, None),
        ("trade-service", 1, "traderx-prod-us/reference-data"),
    ]
