"""Output that cub scripts read: plain tables on a pipe, --names, --no-header, --columns, --json, --jq,
--quiet, `space get`, `unit get --data-only` and `unit data`, typed as a cub user would."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import GIT_ENV, Mtx
from tests.test_stages_1_to_3 import build_stage_3

Q = ("--quiet",)
QUERY = "Slug = 'trade-service' AND Space.Slug LIKE '%prod%'"


@pytest.fixture
def stage3(mtx: Mtx) -> Mtx:
    build_stage_3(mtx)
    return mtx


def shell(m: Mtx, script: str) -> str:
    """Run a shell pipeline with `mtx` meaning this checkout's mtx, in the config repo."""
    wrapper = m.root.parent / "bin"
    wrapper.mkdir(exist_ok=True)
    (wrapper / "mtx").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mtx_gitops "$@"\n')
    (wrapper / "mtx").chmod(0o755)
    env = {**os.environ, **GIT_ENV, "PATH": f"{wrapper}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], cwd=m.root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_space_list_piped_to_grep_and_awk_gives_the_space_names(stage3: Mtx) -> None:
    out = shell(stage3, "mtx space list | grep '^traderx' | awk '{print $1}'")

    assert out.split() == ["traderx-base", "traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]


def test_unit_list_piped_to_tail_and_wc_counts_the_units(stage3: Mtx) -> None:
    out = shell(stage3, f"mtx unit list --space '*' --where \"{QUERY}\" | tail -n +2 | wc -l")

    assert out.strip() == "3"


def test_names_no_header_and_columns(stage3: Mtx) -> None:
    names = stage3("unit", "list", "--space", "traderx-prod-*", "--names").out
    assert names.splitlines() == ["reference-data", "trade-service"] * 3

    rows = stage3("unit", "list", "--space", "traderx-prod-eu", "--no-header").out.splitlines()
    assert [row.split()[:2] for row in rows] == [[u, "traderx-prod-eu"] for u in ("reference-data", "trade-service")]

    columns = "Name,Space.Slug,HeadRevisionNum,UpgradeNeeded,Labels.app,UpstreamUnit.Slug"
    where = "Slug = 'trade-service'"
    table = stage3("unit", "list", "--space", "traderx-prod-eu", "--where", where, "--columns", columns)
    header, row = table.out.splitlines()
    assert header.split() == ["NAME", "SPACE", "HEAD-REVISION-NUM", "UPGRADE-NEEDED", "LABEL:APP", "UPSTREAMUNIT"]
    # created, then patched to 5 replicas: two revisions
    assert row.split() == ["trade-service", "traderx-prod-eu", "2", "no", "trade-service", "trade-service"]


def test_json_carries_cubs_field_names_next_to_mtxs(stage3: Mtx) -> None:
    [unit] = stage3("unit", "list", "--space", "traderx-prod-eu", "--where", "Slug = 'trade-service'", "--json").json

    assert (unit["unit"], unit["Slug"], unit["Unit"]["Slug"]) == ("trade-service",) * 3
    assert unit["Space"] == {"Slug": "traderx-prod-eu", "Labels": {"region": "eu"}}
    assert unit["UpstreamUnit"] == {"Slug": "trade-service"} and unit["UpstreamSpace"] == {"Slug": "traderx-base"}
    assert unit["HeadRevisionNum"] == 2 and unit["UpgradeNeeded"] is False
    assert unit["CreatedAt"] <= unit["UpdatedAt"] and unit["CreatedAt"].startswith("20")
    space = stage3("space", "get", "traderx-prod-eu", "--json").json
    assert (space["Slug"], space["TotalUnitCount"], space["Labels"]) == ("traderx-prod-eu", 2, {"region": "eu"})


def test_jq_prints_strings_bare_and_the_rest_as_json(stage3: Mtx) -> None:
    slugs = stage3("unit", "list", "--space", "traderx-prod-*", "--quiet", "--json", "--jq", ".[].Unit.Slug").out
    assert slugs.splitlines() == ["reference-data", "trade-service"] * 3

    counts = stage3("space", "list", "--jq", "[.[] | .TotalUnitCount]").out
    assert counts.split() == ["[", "2,", "2,", "2,", "2", "]"]

    bad = stage3("space", "list", "--jq", ".[", ok=False)
    assert bad.code == 2 and "invalid --jq" in bad.err


def test_quiet_prints_nothing_but_the_change_is_made(stage3: Mtx) -> None:
    before = stage3.commits()
    done = stage3("run", "set-replicas", "--replicas", "7", "--unit", "trade-service", "--space", "traderx-prod-us", *Q)
    assert done.out == "" and stage3.commits() == before + 1
    assert stage3("unit", "list", "--space", "*", "--quiet").out == ""


def test_space_get_exits_1_when_the_space_is_absent(stage3: Mtx) -> None:
    assert stage3("space", "get", "traderx-prod-eu").code == 0
    missing = stage3("space", "get", "traderx-prod-mars", ok=False)
    assert missing.code == 1 and "traderx-prod-mars" in missing.err


def test_data_only_and_unit_data_print_the_manifests_as_stored(stage3: Mtx) -> None:
    stored = (stage3.root / "spaces/traderx-prod-eu/trade-service.yaml").read_text()

    assert stage3("unit", "get", "trade-service", "--space", "traderx-prod-eu", "--data-only").out == stored
    assert stage3("unit", "data", "trade-service", "--space", "traderx-prod-eu").out == stored
    assert "replicas: 5" in stored
    missing = stage3("unit", "data", "nope", "--space", "traderx-prod-eu", ok=False)
    assert missing.code == 1
