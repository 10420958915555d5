"""`mtx revert COMMIT` / `mtx changeset revert NAME`: one commit undoing exactly one commit's unit changes."""

from __future__ import annotations

import json

from tests.conftest import Mtx
from tests.test_stage_6_changesets import IMAGES, US, image, set_image, staged_market_data_v2
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas
from tests.test_stages_4_and_7 import container, update_base

EU = "traderx-prod-eu"
PRODS = [f"traderx-prod-{region}" for region in REGIONS]


def upgraded_stage_4(m: Mtx) -> str:
    """Stage 3, the base update, and the push-upgrade to every region; returns the upgrade commit."""
    build_stage_3(m)
    update_base(m)
    m("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    return m.head()


def files_at(m: Mtx, rev: str, *paths: str) -> list[str]:
    return [m.git("show", f"{rev}:{path}") for path in paths]


def test_revert_of_an_upgrade_is_one_commit_that_restores_every_region_and_its_merge_base(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    before = mtx.commits()

    result = mtx.json("revert", upgrade[:12])

    assert mtx.commits() == before + 1 and result["commit"] == mtx.head()
    paths = [f"spaces/{s}/{f}" for s in PRODS for f in ("trade-service.yaml", ".mtx/links/trade-service.yaml")]
    assert files_at(mtx, "HEAD", *paths) == files_at(mtx, f"{upgrade}~1", *paths)
    for region, count in REGIONS.items():
        assert container(mtx, f"traderx-prod-{region}")["image"] == f"{IMAGES}/trade-service:latest"
        assert replicas(mtx, f"traderx-prod-{region}", "trade-service") == count
    listed = mtx.json("unit", "list", "--space", "traderx-prod-*", "--no-data")
    assert {u["space"] for u in listed if u["upgrade_needed"]} == set(PRODS)  # the base still has the change
    message = mtx.git("log", "-1", "--format=%B")
    assert f"Mtx-Revert: {upgrade}" in message and "Mtx-Operation: revert" in message
    assert message.startswith('Revert "')
    assert all(f"Mtx-Unit: {space}/trade-service" in message for space in PRODS)
    assert mtx.git("status", "--porcelain").strip() == ""


def test_a_later_edit_to_another_field_of_the_same_unit_survives_the_revert(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    mtx("unit", "update", "trade-service", "--space", EU, "--patch", '{"spec":{"replicas":2}}')

    result = mtx.json("revert", upgrade)

    assert all(not u["conflicts"] for u in result["units"])
    assert replicas(mtx, EU, "trade-service") == 2
    assert container(mtx, EU)["image"] == f"{IMAGES}/trade-service:latest"
    envs = {e["name"]: e["value"] for e in container(mtx, EU)["env"]}  # type: ignore[attr-defined]
    assert (envs["TRADING_ALGORITHM"], envs["TRADE_TIMEOUT"]) == ("standard", "30s")


def test_a_field_changed_again_later_is_a_reported_conflict_and_the_newer_value_stays(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    set_image(mtx, "trade-service", "v3", space=EU)

    result = mtx.json("revert", upgrade)

    eu = next(u for u in result["units"] if u["space"] == EU)
    assert [(c["path"], c["base"], c["upstream"], c["local"], c["resolution"]) for c in eu["conflicts"]] == [
        ("spec.template.spec.containers[name=trade-service].image", f"{IMAGES}/trade-service:v2",
         f"{IMAGES}/trade-service:latest", f"{IMAGES}/trade-service:v3", "local")]  # fmt: skip
    assert container(mtx, EU)["image"] == f"{IMAGES}/trade-service:v3"
    assert container(mtx, US)["image"] == f"{IMAGES}/trade-service:latest"
    assert "Mtx-Conflict: " in mtx.git("log", "-1", "--format=%B")


def test_on_conflict_fail_writes_nothing_and_names_the_conflict(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    set_image(mtx, "trade-service", "v3", space=EU)
    before = mtx.fingerprint()

    refused = mtx("revert", upgrade, "--on-conflict", "fail", ok=False)

    assert refused.code == 1 and refused.err.count("\n") == 1
    assert "nothing written" in refused.err and f"{EU}/trade-service" in refused.err
    assert " in apps/Deployment/trade-service: reverted commit " in refused.err and "→ not merged" in refused.err
    assert mtx.fingerprint() == before
    as_json = mtx("revert", upgrade, "--on-conflict", "fail", "-o", "json", ok=False).json
    assert [(c["space"], c["unit"]) for c in as_json["conflicts"]] == [(EU, "trade-service")]


def test_upstream_policy_takes_the_value_from_before_the_reverted_commit(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    set_image(mtx, "trade-service", "v3", space=EU)
    mtx("revert", upgrade, "--on-conflict", "upstream")
    assert container(mtx, EU)["image"] == f"{IMAGES}/trade-service:latest"


def test_reverting_twice_changes_nothing_the_second_time(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    mtx("revert", upgrade)
    before = mtx.fingerprint()
    again = mtx.json("revert", upgrade)
    assert again["commit"] is None and mtx.fingerprint() == before
    assert any("nothing to revert" in note for note in again["notes"])


def test_reverting_the_revert_brings_the_change_back(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    mtx("revert", upgrade)
    mtx("revert", "HEAD")
    paths = [f"spaces/{s}/trade-service.yaml" for s in PRODS]
    assert files_at(mtx, "HEAD", *paths) == files_at(mtx, upgrade, *paths)


def test_revert_of_a_creation_deletes_the_unit_and_its_link_and_revert_of_a_deletion_restores_them(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("space", "create", "traderx-prod-latam")
    mtx("unit", "create", "trade-service", "--space", "traderx-prod-latam", "--upstream-space", "traderx-base",
        "--upstream-unit", "trade-service")  # fmt: skip
    created = mtx.head()
    unit = "spaces/traderx-prod-latam/trade-service.yaml"
    link = "spaces/traderx-prod-latam/.mtx/links/trade-service.yaml"

    mtx("revert", created)
    assert not (mtx.root / unit).exists() and not (mtx.root / link).exists()
    mtx("revert", "HEAD")
    assert files_at(mtx, "HEAD", unit, link) == files_at(mtx, created, unit, link)

    mtx("unit", "delete", "trade-service", "--space", EU)
    deleted = mtx.head()
    mtx("revert", deleted)
    eu_paths = [f"spaces/{EU}/trade-service.yaml", f"spaces/{EU}/.mtx/links/trade-service.yaml"]
    assert files_at(mtx, "HEAD", *eu_paths) == files_at(mtx, f"{deleted}~1", *eu_paths)


def test_a_unit_edited_after_it_was_created_is_kept_when_its_creation_is_reverted(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("space", "create", "traderx-dev")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx-dev")
    created = mtx.head()
    mtx("unit", "update", "reference-data", "--space", "traderx-dev", "--patch", '{"spec":{"replicas":9}}')

    result = mtx.json("revert", created)

    assert (mtx.root / "spaces/traderx-dev/reference-data.yaml").exists()
    assert [c["path"] for u in result["units"] for c in u["conflicts"]] == [""]
    assert mtx("revert", created, "--on-conflict", "fail", ok=False).code == 1


def test_revert_of_a_space_deletion_brings_the_space_back(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("space", "delete", EU, "--force")
    deleted = mtx.head()
    mtx("revert", deleted)
    assert mtx.git("diff", "--stat", f"{deleted}~1", "HEAD").strip() == ""
    assert replicas(mtx, EU, "trade-service") == 5


def test_files_that_are_not_units_are_not_reverted_and_the_result_says_so(mtx: Mtx) -> None:
    mtx("target", "create", "elsewhere", "--kind", "directory", "--path", "elsewhere")
    before = mtx.fingerprint()
    result = mtx.json("revert", "HEAD")
    assert result["commit"] is None and mtx.fingerprint() == before
    assert any("not reverted" in note and "mtx.yaml" in note for note in result["notes"])


def test_a_commit_that_is_not_on_the_branch_is_refused(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", EU, "--branch", "side", "--patch", '{"spec":{"replicas":8}}')
    before = mtx.fingerprint()
    refused = mtx("revert", "side", ok=False)
    assert refused.code == 1 and "not in the history" in refused.err
    assert mtx.fingerprint() == before
    assert mtx("revert", "no-such-rev", ok=False).code == 1


def test_dry_run_shows_the_revert_and_writes_nothing(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    before = mtx.fingerprint()
    shown = mtx.json("revert", upgrade, "--dry-run")
    assert shown["dry_run"] and "-        image: ghcr.io/finos/traderx/trade-service:v2" in shown["diff"]
    assert mtx.fingerprint() == before


def test_changeset_revert_undoes_the_applied_changeset_as_one_commit(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    mtx("changeset", "apply", "market-data-v2")
    applied = mtx.head()
    mtx("unit", "update", "trade-service", "--space", US, "--patch", '{"spec":{"replicas":6}}')
    before = mtx.commits()

    result = mtx.json("changeset", "revert", "market-data-v2")

    assert mtx.commits() == before + 1 and result["commit"] == mtx.head()
    assert image(mtx, "reference-data") == f"{IMAGES}/reference-data:latest"
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:latest"
    assert replicas(mtx, US, "trade-service") == 6
    message = mtx.git("log", "-1", "--format=%B")
    assert message.startswith("Revert changeset market-data-v2") and f"Mtx-Revert: {applied}" in message
    assert "Mtx-Operation: changeset.revert" in message and "Mtx-Changeset:" not in message
    missing = mtx("changeset", "revert", "never-applied", ok=False)
    assert missing.code == 1 and "never applied" in missing.err


def test_revert_inside_a_changeset_is_staged_there(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    mtx("changeset", "create", "rollback")
    staged = mtx("revert", upgrade)
    assert "staging in changeset rollback" in staged.err
    assert container(mtx, US)["image"] == f"{IMAGES}/trade-service:v2"
    mtx("changeset", "apply", "rollback")
    assert container(mtx, US)["image"] == f"{IMAGES}/trade-service:latest"
    assert json.loads(json.dumps(mtx.json("log", "-n", "1")))[0]["changeset"] == "rollback"


def test_a_merge_base_moved_again_by_a_later_upgrade_is_a_conflict_that_keeps_the_newer_link(mtx: Mtx) -> None:
    upgrade = upgraded_stage_4(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"minReadySeconds":7}}')
    mtx("unit", "update", "--upgrade", "--space", US)
    link = f"spaces/{US}/.mtx/links/trade-service.yaml"
    newer = files_at(mtx, "HEAD", link)

    result = mtx.json("revert", upgrade)

    us = next(u for u in result["units"] if u["space"] == US)
    assert [c["path"] for c in us["conflicts"]] == ["(upstream link)"]
    assert files_at(mtx, "HEAD", link) == newer
    assert container(mtx, US)["image"] == f"{IMAGES}/trade-service:latest"
    assert mtx.json("unit", "get", "trade-service", "--space", US)["data"]["spec"]["minReadySeconds"] == 7
