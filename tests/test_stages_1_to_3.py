"""Guide stages 1-3 built through the CLI on a real git repo: every operation exactly one commit."""

from __future__ import annotations

from tests.conftest import Mtx

REGIONS = {"us": 3, "eu": 5, "asia": 2}


def replicas(m: Mtx, space: str, unit: str) -> int:
    return int(m.json("unit", "get", unit, "--space", space)["data"]["spec"]["replicas"])


def build_stage_1(m: Mtx) -> None:
    m("space", "create", "traderx")
    m("unit", "create", "reference-data", str(m.root / "base/reference-data.yaml"), "--space", "traderx")


def build_stage_3(m: Mtx) -> None:
    m("space", "create", "traderx-base")
    for unit in ("reference-data", "trade-service"):
        m("unit", "create", unit, str(m.root / f"base/{unit}.yaml"), "--space", "traderx-base")
    for region, count in REGIONS.items():
        m("space", "create", f"traderx-prod-{region}", "--label", f"region={region}")
        m("unit", "create", "--space", f"traderx-prod-{region}", "--upstream-space", "traderx-base")
        m(
            "unit",
            "update",
            "trade-service",
            "--space",
            f"traderx-prod-{region}",
            "--patch",
            f'{{"spec":{{"replicas":{count}}}}}',
        )


def test_stage_1_one_space_one_unit_each_one_commit(mtx: Mtx) -> None:
    start = mtx.commits()
    build_stage_1(mtx)
    assert mtx.commits() == start + 2
    unit = mtx.json("unit", "get", "reference-data", "--space", "traderx")
    assert unit["kinds"] == ["Deployment", "Service"]
    assert (
        unit["data"]["spec"]["template"]["spec"]["containers"][0]["image"]
        == "ghcr.io/finos/traderx/reference-data:latest"
    )
    assert unit["upstream"] is None and unit["upgrade_needed"] is False
    assert unit["revision"] == mtx.head()
    assert (mtx.root / "spaces/traderx/reference-data.yaml").read_text() == (
        mtx.root / "base/reference-data.yaml"
    ).read_text()


def test_stage_2_promotion_by_copy(mtx: Mtx) -> None:
    build_stage_1(mtx)
    for env in ("dev", "staging", "prod"):
        mtx("space", "create", f"traderx-{env}")
    before = mtx.commits()
    mtx("unit", "copy", "reference-data", "--from", "traderx", "--to", "traderx-dev")
    mtx("unit", "copy", "reference-data", "--from", "traderx-dev", "--to", "traderx-staging")
    mtx("unit", "copy", "reference-data", "--from", "traderx-staging", "--to", "traderx-prod")
    assert mtx.commits() == before + 3
    listed = mtx.json("unit", "list", "--space", "traderx-*")
    assert [(u["space"], u["unit"]) for u in listed] == [
        ("traderx-dev", "reference-data"),
        ("traderx-prod", "reference-data"),
        ("traderx-staging", "reference-data"),
    ]
    assert "Mtx-Source: traderx-staging/reference-data" in mtx.git("log", "-1", "--format=%B")


def test_stage_3_three_regions_linked_to_base_with_their_own_scale(mtx: Mtx) -> None:
    build_stage_3(mtx)
    for region, count in REGIONS.items():
        assert replicas(mtx, f"traderx-prod-{region}", "trade-service") == count
        assert replicas(mtx, f"traderx-prod-{region}", "reference-data") == 1
    units = mtx.json("unit", "list", "--space", "traderx-prod-*", "--no-data")
    assert len(units) == 6
    assert all(u["upstream"]["space"] == "traderx-base" and not u["upgrade_needed"] for u in units)
    spaces = {s["space"]: s for s in mtx.json("space", "list")}
    assert spaces["traderx-prod-eu"]["labels"] == {"region": "eu"}


def test_linking_a_whole_space_is_one_commit_recording_merge_bases(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("space", "create", "traderx-prod-latam")
    before = mtx.commits()
    result = mtx.json("unit", "create", "--space", "traderx-prod-latam", "--upstream-space", "traderx-base")
    assert mtx.commits() == before + 1
    assert {u["unit"] for u in result["units"]} == {"reference-data", "trade-service"}
    link = (mtx.root / "spaces/traderx-prod-latam/.mtx/links/trade-service.yaml").read_text()
    blob = mtx.git("rev-parse", "HEAD:spaces/traderx-base/trade-service.yaml").strip()
    assert blob in link
    trailers = mtx.git("log", "-1", "--format=%B")
    assert "Mtx-Operation: unit.create" in trailers
    assert "Mtx-Unit: traderx-prod-latam/trade-service" in trailers


def test_a_patch_changes_one_line_and_keeps_comments(mtx: Mtx) -> None:
    build_stage_1(mtx)
    path = mtx.root / "spaces/traderx/reference-data.yaml"
    mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":4}}')
    diff = mtx.git("diff", "HEAD~1", "--unified=0", "--", str(path))
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ["-  replicas: 1", "+  replicas: 4"]
    assert path.read_text().startswith("# TraderX reference-data")


def test_branch_option_commits_elsewhere_and_leaves_checkout_alone(mtx: Mtx) -> None:
    build_stage_1(mtx)
    head = mtx.head()
    mtx(
        "unit",
        "update",
        "reference-data",
        "--space",
        "traderx",
        "--patch",
        '{"spec":{"replicas":2}}',
        "--branch",
        "scale-up",
    )
    assert mtx.head() == head
    assert "replicas: 1" in (mtx.root / "spaces/traderx/reference-data.yaml").read_text()
    on_branch = mtx.json("unit", "get", "reference-data", "--space", "traderx", "--branch", "scale-up")
    assert on_branch["data"]["spec"]["replicas"] == 2


def test_dry_run_shows_the_diff_and_writes_nothing(mtx: Mtx) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    result = mtx.json(
        "unit", "update", "reference-data", "--space", "traderx", "--dry-run", "--patch", '{"spec":{"replicas":7}}'
    )
    assert result["commit"] is None and "+  replicas: 7" in result["diff"]
    assert mtx.fingerprint() == before


def test_delete_refuses_while_downstream_units_link_to_it(mtx: Mtx) -> None:
    build_stage_3(mtx)
    refused = mtx("unit", "delete", "trade-service", "--space", "traderx-base", ok=False)
    assert refused.code == 1 and "traderx-prod-eu/trade-service" in refused.err
    mtx("unit", "delete", "trade-service", "--space", "traderx-prod-eu")
    assert not (mtx.root / "spaces/traderx-prod-eu/trade-service.yaml").exists()
    assert not (mtx.root / "spaces/traderx-prod-eu/.mtx/links/trade-service.yaml").exists()


def test_targets_live_in_mtx_yaml(mtx: Mtx) -> None:
    mtx("target", "create", "prod-us", "--kind", "kubernetes", "--kubeconfig", "${KUBECONFIG_PROD_US}")
    mtx("space", "create", "traderx-prod-us", "--target", "prod-us", "--namespace", "traderx")
    targets = {t["target"]: t for t in mtx.json("target", "list")}
    assert targets["prod-us"]["spaces"] == ["traderx-prod-us"]
    assert targets["local"]["kind"] == "directory"
    assert "# mtx config repository" in (mtx.root / "mtx.yaml").read_text()


def test_target_create_refuses_an_existing_target_and_update_changes_it(mtx: Mtx) -> None:
    mtx("target", "create", "prod-us", "--kind", "directory", "--path", "out/us")
    before = mtx.fingerprint()
    refused = mtx("target", "create", "prod-us", "--kind", "directory", "--path", "out/elsewhere", ok=False)
    assert refused.code == 1
    assert refused.err == "error: target 'prod-us' exists already; change it with `mtx target update prod-us`\n"
    assert mtx("target", "create", "local", "--path", "out/x", ok=False).code == 1
    assert mtx.fingerprint() == before

    mtx("target", "update", "prod-us", "--kind", "kubernetes", "--kubeconfig", "${KUBECONFIG_PROD_US}")
    mtx("target", "update", "prod-us", "--context", "us-east")
    targets = {t.pop("target"): t for t in mtx.json("target", "list")}
    assert targets["prod-us"] == {
        "kind": "kubernetes",
        "kubeconfig": "${KUBECONFIG_PROD_US}",
        "context": "us-east",
        "spaces": [],
    }
    assert targets["local"] == {"kind": "directory", "path": "out", "spaces": []}
    missing = mtx("target", "update", "prod-eu", "--path", "out/eu", ok=False)
    assert missing.code == 1 and "target 'prod-eu' is not defined" in missing.err
