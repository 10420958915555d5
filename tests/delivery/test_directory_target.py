"""A directory target follows the rules of a cluster: prune only with --prune, never to empty without
--allow-empty, dry runs write nothing, and `mtx status` compares the files with git."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Mtx


def stage1(mtx: Mtx, *units: str) -> Path:
    """Space traderx on the `local` directory target (out/) with `units` from base/; its output folder."""
    mtx("space", "create", "traderx", "--target", "local")
    for unit in units:
        mtx("unit", "create", unit, str(mtx.root / f"base/{unit}.yaml"), "--space", "traderx")
    return mtx.root / "out" / "traderx"


def files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.yaml"))


def test_a_removed_unit_keeps_its_file_until_apply_prune(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data", "trade-service")
    mtx("apply", "--space", "traderx")
    mtx("unit", "delete", "trade-service", "--space", "traderx")

    (kept,) = mtx.json("apply", "--space", "traderx")

    assert files(out) == ["reference-data.yaml", "trade-service.yaml"]
    assert kept["stale"] == [str(out / "trade-service.yaml")] and kept["deleted"] == []
    assert "`mtx apply --prune` deletes them" in kept["notes"][0]
    assert "stale     " in mtx("apply", "--space", "traderx").out

    (pruned,) = mtx.json("apply", "--space", "traderx", "--prune")

    assert files(out) == ["reference-data.yaml"]
    assert pruned["deleted"] == [str(out / "trade-service.yaml")] and pruned["stale"] == []


def test_prune_refuses_to_empty_a_space_unless_allow_empty(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data")
    mtx("apply", "--space", "traderx")
    mtx("unit", "delete", "reference-data", "--space", "traderx")

    refused = mtx("apply", "--space", "traderx", "--prune", ok=False)

    assert refused.code == 1
    assert "space traderx: pruning would delete every file" in refused.err and "--allow-empty" in refused.err
    assert files(out) == ["reference-data.yaml"]

    (emptied,) = mtx.json("apply", "--space", "traderx", "--prune", "--allow-empty")

    assert files(out) == [] and emptied["summary"]["delete"] == 1


def test_dry_run_shows_what_would_be_written_and_deleted_and_touches_nothing(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data", "trade-service")

    (first,) = mtx.json("apply", "--space", "traderx", "--dry-run")
    table = mtx("apply", "--space", "traderx", "--dry-run").out

    assert first["dry_run"] and first["written"] == [str(out / "reference-data.yaml"), str(out / "trade-service.yaml")]
    assert "would write 2 file(s), would delete 0 file(s)" in table and str(out / "trade-service.yaml") in table
    assert not out.exists()

    mtx("apply", "--space", "traderx")
    mtx("unit", "delete", "trade-service", "--space", "traderx")
    (second,) = mtx.json("apply", "--space", "traderx", "--prune", "--dry-run")

    assert second["deleted"] == [str(out / "trade-service.yaml")]
    assert files(out) == ["reference-data.yaml", "trade-service.yaml"]


def test_written_and_deleted_files_are_counted_apart(mtx: Mtx) -> None:
    stage1(mtx, "reference-data", "trade-service")
    mtx("apply", "--space", "traderx")
    mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":3}}')
    mtx("unit", "delete", "trade-service", "--space", "traderx")

    table = mtx("apply", "--space", "traderx", "--prune", "--dry-run").out
    (applied,) = mtx.json("apply", "--space", "traderx", "--prune")

    assert "would write 1 file(s), would delete 1 file(s)" in table
    assert applied["summary"] == {"write": 1, "delete": 1, "stale": 0, "unchanged": 0}
    assert "wrote 0 file(s), deleted 0 file(s)" in mtx("apply", "--space", "traderx", "--prune").out


def test_a_file_mtx_did_not_write_is_never_pruned(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data", "trade-service")
    mtx("apply", "--space", "traderx")
    (out / "kustomization.yaml").write_text("kind: Kustomization\nresources: [reference-data.yaml]\n")
    mtx("unit", "delete", "trade-service", "--space", "traderx")

    mtx("apply", "--space", "traderx", "--prune")

    assert files(out) == ["kustomization.yaml", "reference-data.yaml"]
    assert all(row["file"] != str(out / "kustomization.yaml") for row in mtx.json("status", "--space", "traderx"))


def test_status_compares_the_files_with_git(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data", "trade-service")
    mtx("apply", "--space", "traderx")

    def sync() -> dict[tuple[str, str, bool], str]:
        rows = mtx.json("status", "--space", "traderx")
        return {(row["unit"], row["kind"], row["in_git"]): row["sync"] for row in rows}

    assert set(sync().values()) == {"Synced"}

    mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":3}}')
    mtx("unit", "create", "people-service", str(mtx.root / "base/people-service.yaml"), "--space", "traderx")
    mtx("unit", "delete", "trade-service", "--space", "traderx")
    hand_edit = (out / "reference-data.yaml").read_text().replace("targetPort: 8080", "targetPort: 9090")
    (out / "reference-data.yaml").write_text(hand_edit)

    assert sync() == {
        ("reference-data", "Deployment", True): "OutOfSync",  # git has 3 replicas, the file 1
        ("reference-data", "Service", True): "Drifted",  # same source, edited by hand
        ("people-service", "Deployment", True): "Missing",
        ("people-service", "Service", True): "Missing",
        ("trade-service", "Deployment", False): "OutOfSync",  # no longer in git: --prune deletes it
        ("trade-service", "Service", False): "OutOfSync",
    }


def test_status_rows_have_the_cluster_shape_with_nulls_for_health(mtx: Mtx) -> None:
    out = stage1(mtx, "reference-data")
    mtx("apply", "--space", "traderx")

    deployment = next(row for row in mtx.json("status", "--space", "traderx") if row["kind"] == "Deployment")

    assert deployment == {
        "space": "traderx", "unit": "reference-data", "kind": "Deployment", "name": "reference-data",
        "namespace": "traderx", "git_revision": mtx.head(), "live_revision": mtx.head(), "sync": "Synced",
        "health": None, "health_message": None, "ready": None, "drift": [], "pods": None,
        "file": str(out / "reference-data.yaml"), "in_git": True,
    }  # fmt: skip
    assert "traderx/reference-data" in mtx("status", "--space", "traderx").out


def test_status_says_which_spaces_have_no_target(mtx: Mtx) -> None:
    stage1(mtx, "reference-data")
    mtx("space", "create", "traderx-dev")
    mtx("apply", "--space", "traderx")

    table = mtx("status")
    listed = mtx("status", "-o", "json")

    assert "no target, nothing delivered: traderx-dev" in table.out
    assert {row["space"] for row in listed.json} == {"traderx"}
    assert "traderx-dev" in listed.err


def test_render_out_still_mirrors_the_rendering(mtx: Mtx) -> None:
    stage1(mtx, "reference-data", "trade-service")
    mtx("render", "--space", "traderx", "--out", str(mtx.root / "rendered"))
    mtx("unit", "delete", "trade-service", "--space", "traderx")

    mtx("render", "--space", "traderx", "--out", str(mtx.root / "rendered"))

    assert files(mtx.root / "rendered" / "traderx") == ["reference-data.yaml"]


def test_render_out_dry_run_reports_the_files_and_writes_none(mtx: Mtx) -> None:
    stage1(mtx, "reference-data", "trade-service")
    rendered = mtx.root / "rendered"
    mtx("render", "--space", "traderx", "--out", str(rendered))
    mtx("unit", "delete", "trade-service", "--space", "traderx")
    mtx("unit", "create", "people-service", str(mtx.root / "base/people-service.yaml"), "--space", "traderx")

    dry = mtx.json("render", "--space", "traderx", "--out", str(rendered), "--dry-run")
    table = mtx("render", "--space", "traderx", "--out", str(rendered), "--dry-run").out

    assert dry["dry_run"] is True and dry["spaces"] == ["traderx"] and dry["out"] == str(rendered)
    assert dry["written"] == [str(rendered / "traderx" / f"{u}.yaml") for u in ("people-service", "reference-data")]
    assert dry["deleted"] == [str(rendered / "traderx" / "trade-service.yaml")]
    assert "would write" in table and "would delete" in table and "trade-service.yaml" in table
    assert files(rendered / "traderx") == ["reference-data.yaml", "trade-service.yaml"]
    mtx("render", "--space", "traderx", "--out", str(mtx.root / "fresh"), "--dry-run")
    assert not (mtx.root / "fresh").exists()

    done = mtx.json("render", "--space", "traderx", "--out", str(rendered))

    assert done["dry_run"] is False and done["deleted"] == dry["deleted"]
    assert files(rendered / "traderx") == ["people-service.yaml", "reference-data.yaml"]
