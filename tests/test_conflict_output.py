"""A merge refused for its conflicts (`--on-conflict fail`) under `-o json`: the conflicts as data on
stdout for scripts, the one error line on stderr for people, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Mtx, run
from tests.test_stages_1_to_3 import REGIONS, build_stage_3


def test_a_failed_upgrade_names_its_conflicts_as_json(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"replicas":4}}')
    before = mtx.fingerprint()
    upgrade = ("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--on-conflict", "fail")

    table = mtx(*upgrade, ok=False)
    as_json = mtx(*upgrade, "-o", "json", ok=False)

    assert table.code == as_json.code == 1 and table.out == ""
    assert as_json.err == table.err and as_json.err.count("\n") == 1
    assert as_json.json["error"] == table.err.removeprefix("error: ").strip()
    assert sorted((c["space"], c["unit"], c["path"], c["local"]) for c in as_json.json["conflicts"]) == sorted(
        (f"traderx-prod-{region}", "trade-service", "spec.replicas", count) for region, count in REGIONS.items()
    )
    assert mtx.fingerprint() == before


def test_merge_file_on_conflict_fail_names_its_conflicts_as_json(tmp_path: Path) -> None:
    sides = {
        "original": "replicas: 1\nimage: a\n",
        "updated": "replicas: 4\nimage: b\n",
        "local": "replicas: 5\nimage: a\n",
    }
    for name, text in sides.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    files = [str(tmp_path / f"{name}.yaml") for name in sides]

    refused = run("merge-file", *files, "--on-conflict", "fail", "-o", "json")
    plain = run("merge-file", *files, "--on-conflict", "fail")

    assert refused.code == plain.code == 1 and plain.out == "" and refused.err == plain.err
    assert refused.json["error"].startswith("1 conflict(s): replicas")
    assert [(c["path"], c["base"], c["upstream"], c["local"]) for c in refused.json["conflicts"]] == [
        ("replicas", 1, 4, 5)
    ]
    assert (tmp_path / "local.yaml").read_text() == sides["local"]


def test_other_failures_under_json_print_only_their_error_line(mtx: Mtx) -> None:
    failed = mtx("unit", "get", "nope", "--space", "nowhere", "-o", "json", ok=False)
    assert failed.code == 1 and failed.out == "" and failed.err.count("\n") == 1


CATALOG = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: productcatalogservice
spec:
  selector:
    matchLabels:
      app: productcatalogservice
  template:
    metadata:
      labels:
        app: productcatalogservice
    spec:
      containers:
      - name: server
        image: productcatalogservice:v0.10.2
      - name: sidecar
        image: envoy:v1
"""
SERVER_IMAGE = "spec.template.spec.containers[name=server].image"


def _two_containers_in_conflict(mtx: Mtx) -> None:
    """Base and region both change the `server` container's image of a two-container unit."""
    (mtx.root / "base" / "catalog.yaml").write_text(CATALOG)
    mtx("space", "create", "boutique-base")
    mtx("unit", "create", "catalog", str(mtx.root / "base" / "catalog.yaml"), "--space", "boutique-base")
    mtx("space", "create", "boutique-eu")
    mtx("unit", "create", "--space", "boutique-eu", "--upstream-space", "boutique-base")
    mtx("run", "set-image", "--space", "boutique-eu", "--container", "server", "--image", "productcatalogservice:eu")
    mtx("run", "set-image", "--space", "boutique-base", "--container", "server", "--image", "productcatalogservice:v3")


def test_a_conflict_line_names_the_list_key_and_the_object_as_the_trailer_does(mtx: Mtx) -> None:
    _two_containers_in_conflict(mtx)

    out = mtx("unit", "update", "--upgrade", "--space", "boutique-eu").out

    [trailer] = [line for line in mtx.git("log", "-1", "--format=%B").splitlines() if line.startswith("Mtx-Conflict")]
    assert f'"path":"{SERVER_IMAGE}"' in trailer and '"document":"apps/Deployment//productcatalogservice"' in trailer
    assert (
        f"conflict {SERVER_IMAGE} in apps/Deployment/productcatalogservice: base 'productcatalogservice:v0.10.2', "
        "upstream 'productcatalogservice:v3', local 'productcatalogservice:eu' → kept local"
    ) in out


def test_under_on_conflict_fail_no_conflict_claims_a_side_was_kept(mtx: Mtx) -> None:
    _two_containers_in_conflict(mtx)
    upgrade = ("unit", "update", "--upgrade", "--space", "boutique-eu", "--on-conflict", "fail")

    refused = mtx(*upgrade, "-o", "json", ok=False)

    assert refused.code == 1
    [conflict] = refused.json["conflicts"]
    assert conflict["resolution"] == "unresolved" and conflict["path"] == SERVER_IMAGE
    assert f"boutique-eu/catalog {SERVER_IMAGE} in apps/Deployment/productcatalogservice:" in refused.err
    assert "→ not merged" in refused.err and "kept" not in refused.err
