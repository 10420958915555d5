"""Guide stage 6: changeset `market-data-v2` moves two images in traderx-prod-us as exactly one commit."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3

US = "traderx-prod-us"
IMAGES = "ghcr.io/finos/traderx"
BRANCH = "mtx/changeset/market-data-v2"


def image(m: Mtx, unit: str, space: str = US, *extra: str) -> str:
    data = m.json("unit", "get", unit, "--space", space, *extra)["data"]
    return str(data["spec"]["template"]["spec"]["containers"][0]["image"])


def set_image(m: Mtx, unit: str, tag: str, *extra: str, space: str = US) -> str:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": unit, "image": f"{IMAGES}/{unit}:{tag}"}]}}}}
    return m("unit", "update", unit, "--space", space, "--patch", json.dumps(patch), *extra).err


def staged_market_data_v2(m: Mtx) -> None:
    build_stage_3(m)
    m("changeset", "create", "market-data-v2")
    for unit in ("reference-data", "trade-service"):
        note = set_image(m, unit, "v2")
        assert "staging in changeset market-data-v2" in note


def changed_files(m: Mtx, commit: str = "HEAD") -> list[str]:
    return m.git("diff-tree", "--no-commit-id", "--name-only", "-r", commit).split()


def test_stage_6_two_images_land_as_one_commit(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    main = mtx.head()
    assert mtx.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert image(mtx, "reference-data") == f"{IMAGES}/reference-data:latest"
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:latest"
    assert image(mtx, "trade-service", US, "--branch", BRANCH) == f"{IMAGES}/trade-service:v2"

    shown = mtx.json("changeset", "show", "market-data-v2")
    assert [(u["space"], u["unit"]) for u in shown["units"]] == [(US, "reference-data"), (US, "trade-service")]
    fields = shown["units"][1]["fields"]
    assert fields == [
        {
            "document": "apps/Deployment//trade-service",
            "path": "spec.template.spec.containers[name=trade-service].image",
            "old": f"{IMAGES}/trade-service:latest",
            "new": f"{IMAGES}/trade-service:v2",
        }
    ]
    assert len(shown["commits"]) == 2 and shown["target_moved"] is False

    applied = mtx.json("changeset", "apply", "market-data-v2")
    assert mtx.commits() == int(mtx.git("rev-list", "--count", main).strip()) + 1
    assert mtx.git("rev-parse", "HEAD~1").strip() == main
    assert applied["commit"] == mtx.head()
    assert changed_files(mtx) == [f"spaces/{US}/reference-data.yaml", f"spaces/{US}/trade-service.yaml"]
    message = mtx.git("log", "-1", "--format=%B")
    assert "Mtx-Changeset: market-data-v2" in message
    assert f"Mtx-Unit: {US}/reference-data" in message and f"Mtx-Unit: {US}/trade-service" in message
    assert image(mtx, "reference-data") == f"{IMAGES}/reference-data:v2"
    assert "image: ghcr.io/finos/traderx/trade-service:v2" in (mtx.root / f"spaces/{US}/trade-service.yaml").read_text()
    assert mtx.git("branch", "--list", BRANCH).strip() == ""
    assert mtx.json("changeset", "list") == []
    assert "staging" not in set_image(mtx, "trade-service", "v3")
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:v3"


def test_apply_lands_one_commit_on_top_when_main_moved_elsewhere(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    mtx(
        "unit",
        "update",
        "trade-service",
        "--space",
        "traderx-prod-eu",
        "--branch",
        "main",
        "--patch",
        '{"spec":{"replicas":4}}',
    )
    moved = mtx.head()
    assert mtx.json("changeset", "show", "market-data-v2")["target_moved"] is True
    mtx("changeset", "apply", "market-data-v2")
    assert mtx.git("rev-parse", "HEAD~1").strip() == moved
    assert changed_files(mtx) == [f"spaces/{US}/reference-data.yaml", f"spaces/{US}/trade-service.yaml"]
    assert mtx.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")["data"]["spec"]["replicas"] == 4
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:v2"
    assert mtx.git("status", "--porcelain").strip() == ""


def test_apply_re_merges_a_unit_both_sides_changed_in_different_fields(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    mtx("unit", "update", "trade-service", "--space", US, "--branch", "main", "--patch", '{"spec":{"replicas":7}}')
    mtx("changeset", "apply", "market-data-v2")
    unit = mtx.json("unit", "get", "trade-service", "--space", US)
    assert unit["data"]["spec"]["replicas"] == 7
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:v2"
    text = (mtx.root / f"spaces/{US}/trade-service.yaml").read_text()
    assert text.startswith("# TraderX trade-service")


def test_apply_refuses_when_main_changed_the_same_field_differently(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    set_image(mtx, "trade-service", "hotfix", "--branch", "main")
    before = mtx.fingerprint()
    refused = mtx("changeset", "apply", "market-data-v2", ok=False)
    assert refused.code == 1
    assert refused.err.count("\n") == 1
    assert "spec.template.spec.containers[name=trade-service].image" in refused.err
    assert "nothing written" in refused.err
    assert mtx.fingerprint() == before
    assert mtx.git("branch", "--list", BRANCH).strip() != ""
    assert [c["changeset"] for c in mtx.json("changeset", "list")] == ["market-data-v2"]


def test_an_upgrade_staged_in_a_changeset_lands_as_one_commit(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx(
        "unit",
        "update",
        "trade-service",
        "--space",
        "traderx-base",
        "--patch",
        '{"spec":{"minReadySeconds":9,"replicas":4}}',
    )
    mtx("changeset", "create", "upgrade-prod")
    mtx("unit", "update", "--space", "traderx-prod-*", "--upgrade")
    assert mtx.json("unit", "list", "--space", "traderx-prod-*", "--where", "UpgradeNeeded = true", "--no-data")
    before = mtx.commits()
    mtx("changeset", "apply", "upgrade-prod")
    assert mtx.commits() == before + 1
    assert not mtx.json("unit", "list", "--space", "traderx-prod-*", "--where", "UpgradeNeeded = true", "--no-data")
    files = changed_files(mtx)
    assert len([f for f in files if "/.mtx/links/" in f]) == 3
    assert len([f for f in files if "/.mtx/conflicts/" in f]) == 3 and len(files) == 9  # the kept-local replicas
    for region, count in (("us", 3), ("eu", 5), ("asia", 2)):
        data = mtx.json("unit", "get", "trade-service", "--space", f"traderx-prod-{region}")["data"]
        assert data["spec"]["replicas"] == count and data["spec"]["minReadySeconds"] == 9
    [applied] = mtx.json("log", "-n", "1")
    assert applied["changeset"] == "upgrade-prod" and len(applied["units"]) == 3
    assert sorted(c["unit"] for c in applied["conflicts"]) == [
        f"traderx-prod-{r}/trade-service" for r in ("asia", "eu", "us")
    ]


def test_changeset_option_stages_into_a_named_changeset(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("changeset", "create", "first")
    mtx("changeset", "create", "second")
    set_image(mtx, "trade-service", "v9", "--changeset", "first")
    listed = {c["changeset"]: c for c in mtx.json("changeset", "list")}
    assert listed["second"]["current"] and not listed["first"]["current"]
    assert listed["first"]["units"] == [{"space": US, "unit": "trade-service"}]
    assert listed["second"]["units"] == []


def test_abort_drops_branch_and_state_and_leaves_main_alone(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    before = mtx.fingerprint()
    mtx("changeset", "abort", "market-data-v2")
    assert mtx.fingerprint() == before
    assert mtx.git("branch", "--list", BRANCH).strip() == ""
    assert mtx.json("changeset", "list") == []
    assert "staging" not in set_image(mtx, "trade-service", "v5")


@pytest.mark.parametrize("args", [("apply", "nope"), ("abort", "nope"), ("show", "nope")])
def test_unknown_changeset_is_refused_and_changes_nothing(mtx: Mtx, args: tuple[str, ...]) -> None:
    build_stage_3(mtx)
    before = mtx.fingerprint()
    result = mtx("changeset", *args, ok=False)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "changeset 'nope' does not exist" in result.err
    assert mtx.fingerprint() == before


def test_creating_an_existing_or_misnamed_changeset_is_refused(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("changeset", "create", "market-data-v2")
    before = mtx.fingerprint()
    again = mtx("changeset", "create", "market-data-v2", ok=False)
    assert again.code == 1 and "exists already" in again.err
    bad = mtx("changeset", "create", "Market_Data", ok=False)
    assert bad.code == 2 and "changeset name" in bad.err
    assert mtx.fingerprint() == before


def test_a_branch_deleted_by_hand_is_refused(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    mtx.git("branch", "-D", BRANCH)
    before = mtx.fingerprint()
    refused = mtx("changeset", "apply", "market-data-v2", ok=False)
    assert refused.code == 1 and "was deleted" in refused.err
    assert mtx.fingerprint() == before
    assert "staging" not in mtx("changeset", "abort", "market-data-v2").err
    assert mtx.json("changeset", "list") == []


def test_a_branch_rewritten_by_hand_is_refused(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    mtx.git("branch", "-f", BRANCH, "HEAD~3")
    before = mtx.fingerprint()
    for command in ("apply", "show"):
        refused = mtx("changeset", command, "market-data-v2", ok=False)
        assert refused.code == 1 and "rewritten by hand" in refused.err
    assert mtx.fingerprint() == before


def test_apply_dry_run_shows_the_diff_and_keeps_the_changeset(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    before = mtx.fingerprint()
    dry = mtx.json("changeset", "apply", "market-data-v2", "--dry-run")
    assert dry["commit"] is None and "+        image: ghcr.io/finos/traderx/trade-service:v2" in dry["diff"]
    assert mtx.fingerprint() == before
    assert [c["changeset"] for c in mtx.json("changeset", "list")] == ["market-data-v2"]


def test_squash_merging_the_changeset_branch_as_a_pull_request_gives_the_same_tree_as_apply(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    main = mtx.head()
    mtx.git("branch", "review", main)
    mtx.git("worktree", "add", "-q", str(mtx.root.parent / "review"), "review")
    review = mtx.root.parent / "review"
    mtx.git("-C", str(review), "merge", "-q", "--squash", BRANCH)
    mtx.git("-C", str(review), "commit", "-q", "-m", "Merge pull request: market-data-v2")
    merged_tree = mtx.git("rev-parse", "review^{tree}").strip()
    mtx("changeset", "apply", "market-data-v2")
    assert mtx.git("rev-parse", "HEAD^{tree}").strip() == merged_tree
