"""Revision numbers from git, as a cub user reads and uses them: `revision list`, `HeadRevisionNum` as
a column and in WHERE, `unit update --restore N|-N`, `--merge-source S2/U2 --merge-base N --merge-end M`,
and how a merge commit counts."""

from __future__ import annotations

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_1, build_stage_3, replicas

UNIT = ("reference-data", "--space", "traderx")


@pytest.fixture
def four_revisions(mtx: Mtx) -> Mtx:
    """reference-data created (revision 1), then scaled to 2, 3 and 4 (revisions 2 to 4)."""
    build_stage_1(mtx)
    for count in (2, 3, 4):
        mtx("run", "set-replicas", "--replicas", str(count), "--space", "traderx", "--unit", "reference-data")
    return mtx


def test_revision_list_numbers_the_units_changes_newest_first(four_revisions: Mtx) -> None:
    listed = four_revisions.json("revision", "list", *UNIT)
    newest = four_revisions.json("revision", "list", *UNIT, "--limit", "2")

    assert [r["RevisionNum"] for r in listed] == [4, 3, 2, 1]
    assert [r["RevisionNum"] for r in newest] == [4, 3]
    assert listed[0]["Source"] == "run.set-replicas" and listed[-1]["Source"] == "unit.create"
    assert listed[0]["User"]["Username"] == "Ada Ops"
    assert listed[0]["Commit"] == four_revisions.head()
    table = four_revisions("revision", "list", *UNIT).out
    assert "REVISION-NUM" in table and "run.set-replicas" in table


def test_head_revision_num_is_a_column_and_a_where_field(four_revisions: Mtx) -> None:
    four_revisions("space", "create", "other")
    four_revisions("unit", "create", "reference-data", str(four_revisions.root / "base/reference-data.yaml"),
                   "--space", "other")  # fmt: skip

    column = four_revisions("unit", "list", "--space", "*", "--columns", "Name,Space.Slug,HeadRevisionNum",
                            "--no-header").out  # fmt: skip
    selected = four_revisions.json("unit", "list", "--space", "*", "--where", "HeadRevisionNum > 3")

    assert [line.split() for line in column.splitlines()] == [
        ["reference-data", "other", "1"],
        ["reference-data", "traderx", "4"],
    ]
    assert [(u["space"], u["HeadRevisionNum"]) for u in selected] == [("traderx", 4)]


def test_restore_by_number_and_back_from_the_head(four_revisions: Mtx) -> None:
    before = four_revisions.commits()

    four_revisions("unit", "update", *UNIT, "--restore", "2")
    assert replicas(four_revisions, "traderx", "reference-data") == 2
    assert four_revisions.commits() == before + 1

    four_revisions("unit", "update", *UNIT, "--restore", "-1")  # revision 4, the one before the restore
    assert replicas(four_revisions, "traderx", "reference-data") == 4
    assert [r["RevisionNum"] for r in four_revisions.json("revision", "list", *UNIT, "--limit", "1")] == [6]


@pytest.mark.parametrize("number", ["0", "7", "-4"])
def test_restore_of_a_revision_the_unit_does_not_have_is_refused(four_revisions: Mtx, number: str) -> None:
    before = four_revisions.fingerprint()

    refused = four_revisions("unit", "update", *UNIT, "--restore", number, ok=False)

    assert refused.code == 2
    assert (
        refused.err.strip() == f"error: unit traderx/reference-data has no revision {number}: its revisions are 1 to 4"
    )
    assert four_revisions.fingerprint() == before


def test_a_merge_commit_is_not_a_revision_the_commits_it_brings_are(four_revisions: Mtx) -> None:
    four_revisions.git("branch", "side")
    four_revisions("run", "set-replicas", "--replicas", "9", "--space", "traderx", "--unit", "reference-data",
                   "--branch", "side")  # fmt: skip
    four_revisions("run", "set-env-var", "--env-var", "A=1", "--space", "traderx", "--unit", "reference-data",
                   "--branch", "side")  # fmt: skip
    four_revisions.git("merge", "--no-ff", "-q", "-m", "merge side", "side")

    listed = four_revisions.json("revision", "list", *UNIT)

    assert [r["RevisionNum"] for r in listed] == [6, 5, 4, 3, 2, 1]
    assert "merge side" not in [r["Description"] for r in listed]
    assert four_revisions.json("unit", "get", *UNIT)["HeadRevisionNum"] == 6


def test_merge_source_carries_only_the_changes_between_two_revisions(mtx: Mtx) -> None:
    build_stage_3(mtx)
    base = ("--space", "traderx-base", "--unit", "trade-service")
    mtx("run", "set-env-var", "--env-var", "FIRST=1", *base)  # revision 2 of the base unit
    mtx("run", "set-env-var", "--env-var", "SECOND=2", *base)  # revision 3
    assert mtx.json("revision", "list", "trade-service", "--space", "traderx-base")[0]["RevisionNum"] == 3

    mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--merge-source",
        "traderx-base/trade-service", "--merge-base", "2", "--merge-end", "3")  # fmt: skip

    env = mtx.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")["documents"][0]["spec"]["template"][
        "spec"
    ]["containers"][0]["env"]
    names = [e["name"] for e in env]
    assert "SECOND" in names and "FIRST" not in names
    assert replicas(mtx, "traderx-prod-eu", "trade-service") == 5  # the region's own change stays
    both = mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--merge-source", "a/b",
               "--merge-unit", "a/b", ok=False)  # fmt: skip
    assert both.code == 2
