"""The guide's stages on real manifests, where knowing the Kubernetes types changes the answer."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas
from tests.test_stages_4_and_7 import container, update_base


def pod(m: Mtx, space: str, unit: str = "trade-service") -> dict[str, Any]:
    data = m.json("unit", "get", unit, "--space", space)["data"]
    spec: dict[str, Any] = data["spec"]["template"]["spec"]
    return spec


def test_a_strategic_patch_replaces_tolerations_as_kubectl_does(mtx: Mtx) -> None:
    build_stage_3(mtx)
    patch = {"spec": {"template": {"spec": {"tolerations": [{"operator": "Exists"}]}}}}
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", json.dumps(patch))
    assert pod(mtx, "traderx-prod-eu")["tolerations"] == [{"operator": "Exists"}]

    again = {"spec": {"template": {"spec": {"tolerations": [{"key": "dedicated", "operator": "Exists"}]}}}}
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", json.dumps(again))
    assert pod(mtx, "traderx-prod-eu")["tolerations"] == [{"key": "dedicated", "operator": "Exists"}]


def test_stage_4_reaches_a_region_that_filled_in_its_namespace(mtx: Mtx) -> None:
    build_stage_3(mtx)
    for region in REGIONS:
        space = f"traderx-prod-{region}"
        for unit in ("trade-service", "reference-data"):
            mtx("run", "set-string-path", "--path", "metadata.namespace", "--value", space, "--space", space,
                "--unit", unit)  # fmt: skip
    update_base(mtx)

    result = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--on-conflict", "fail")

    assert sorted(u["space"] for u in result["units"] if u["changed"]) == sorted(f"traderx-prod-{r}" for r in REGIONS)
    for region, count in REGIONS.items():
        space = f"traderx-prod-{region}"
        assert container(mtx, space)["image"] == "ghcr.io/finos/traderx/trade-service:v2"
        assert replicas(mtx, space, "trade-service") == count
        data = mtx.json("unit", "get", "trade-service", "--space", space)["data"]
        assert data["metadata"]["namespace"] == space


def _set_probe(m: Mtx, space: str, handler: dict[str, Any]) -> None:
    probe = {"httpGet": None, **handler}  # the example's probe is an httpGet: one handler at a time
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "trade-service", "readinessProbe": probe}]}}}}
    m("unit", "update", "trade-service", "--space", space, "--patch", json.dumps(patch))


def test_an_upgrade_that_switches_a_probe_handler_never_commits_two_handlers(mtx: Mtx) -> None:
    build_stage_3(mtx)
    _set_probe(mtx, "traderx-base", {"exec": {"command": ["/bin/health"]}})
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    _set_probe(mtx, "traderx-prod-eu", {"exec": {"command": ["/bin/health", "--deep"]}})
    switch = {"readinessProbe": {"exec": None, "grpc": {"port": 18092}}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "trade-service", **switch}]}}}}
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(patch))

    refused = mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--on-conflict", "fail", ok=False)
    assert refused.code == 1 and "readinessProbe" in refused.err
    result = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")

    eu = next(u for u in result["units"] if (u["space"], u["unit"]) == ("traderx-prod-eu", "trade-service"))
    (conflict,) = eu["conflicts"]
    assert conflict["path"] == "spec.template.spec.containers[name=trade-service].readinessProbe"
    assert conflict["upstream"] == {"grpc": {"port": 18092}}
    handlers = {"exec", "httpGet", "tcpSocket", "grpc"}
    eu_probe = container(mtx, "traderx-prod-eu")["readinessProbe"]
    assert eu_probe["exec"] == {"command": ["/bin/health", "--deep"]}  # type: ignore[index]
    assert handlers & set(eu_probe) == {"exec"}  # type: ignore[arg-type]
    for region in ("us", "asia"):
        probe = container(mtx, f"traderx-prod-{region}")["readinessProbe"]
        assert probe["grpc"] == {"port": 18092}  # type: ignore[index]
        assert handlers & set(probe) == {"grpc"}  # type: ignore[arg-type]


def _limit(m: Mtx, space: str, memory: str, cpu: str | int) -> None:
    resources = {"limits": {"memory": memory, "cpu": cpu}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "trade-service", "resources": resources}]}}}}
    m("unit", "update", "trade-service", "--space", space, "--patch", json.dumps(patch))


def _matching(m: Mtx, where: str) -> list[str]:
    listed = m.json("unit", "list", "--space", "traderx-prod-*", "--where", where, "--no-data")
    return sorted(u["space"] for u in listed if u["unit"] == "trade-service")


def test_stage_5_where_compares_quantities_by_amount(mtx: Mtx) -> None:
    build_stage_3(mtx)
    _limit(mtx, "traderx-prod-us", "128Mi", "250m")
    _limit(mtx, "traderx-prod-eu", "1Gi", 1)
    _limit(mtx, "traderx-prod-asia", "512Mi", "500m")
    memory = "spec.template.spec.containers[*].resources.limits.memory"
    cpu = "spec.template.spec.containers[*].resources.limits.cpu"

    assert _matching(mtx, f"{memory} > '256Mi'") == ["traderx-prod-asia", "traderx-prod-eu"]
    assert _matching(mtx, f"{memory} = '1024Mi'") == ["traderx-prod-eu"]
    assert _matching(mtx, f"{cpu} >= '500m'") == ["traderx-prod-asia", "traderx-prod-eu"]
    assert _matching(mtx, f"{cpu} < 1") == ["traderx-prod-asia", "traderx-prod-us"]


def test_stage_5_a_unit_with_a_wrong_type_is_reported_and_never_fails_the_fleet_query(mtx: Mtx) -> None:
    build_stage_3(mtx)
    # A hand edit, committed with plain git: mtx's own writes would refuse it.
    unit = mtx.root / "spaces/traderx-prod-asia/trade-service.yaml"
    unit.write_text(unit.read_text().replace("replicas: 2", "replicas: five", 1))
    mtx.git("commit", "-qam", "scale asia by hand")

    answer = mtx("unit", "list", "--space", "*", "--where", "spec.replicas > 2", "--no-data", "-o", "json")

    assert answer.code == 0
    assert sorted(u["space"] for u in answer.json if u["unit"] == "trade-service") == [
        "traderx-prod-eu",
        "traderx-prod-us",
    ]
    assert "traderx-prod-asia/trade-service: spec.replicas is 'five', not an integer" in answer.err


def test_ordering_a_typed_field_by_a_literal_of_another_type_blames_the_query(mtx: Mtx) -> None:
    build_stage_3(mtx)

    refused = mtx("unit", "list", "--space", "*", "--where", "spec.replicas > 'two'", "--no-data", ok=False)

    assert refused.code == 2
    assert "spec.replicas is an integer, 'two' is not" in refused.err


def test_a_crd_in_the_repo_keys_its_custom_resources_lists_in_an_upgrade(mtx: Mtx) -> None:
    import yaml

    from tests.test_merge_file_crd import CRD, _gateway

    # The Gateway CRD keys `listeners` by `port`: without it they would be one value (no `name`).
    (mtx.root / "gateway-crd.yaml").write_text(yaml.safe_dump(CRD), encoding="utf-8")
    (mtx.root / "edge.yaml").write_text(_gateway(("5s", "5s")), encoding="utf-8")
    mtx("space", "create", "net-base")
    mtx("unit", "create", "gateway-crd", str(mtx.root / "gateway-crd.yaml"), "--space", "net-base")
    mtx("unit", "create", "edge", str(mtx.root / "edge.yaml"), "--space", "net-base")
    mtx("space", "create", "net-eu")
    mtx("unit", "create", "--space", "net-eu", "--upstream-space", "net-base")
    # A strategic patch of a custom resource merges its lists by the CRD's keys too.
    eu = {"spec": {"listeners": [{"port": 443, "timeout": "30s"}]}}
    mtx("unit", "update", "edge", "--space", "net-eu", "--patch", json.dumps(eu))
    v2 = {"spec": {"listeners": [{"port": 80, "timeout": "10s"}]}}
    mtx("unit", "update", "edge", "--space", "net-base", "--patch", json.dumps(v2))

    result = mtx.json("unit", "update", "--upgrade", "--space", "net-eu", "--on-conflict", "fail")

    assert all(not u["conflicts"] for u in result["units"])
    data = mtx.json("unit", "get", "edge", "--space", "net-eu")["data"]
    assert data["spec"]["listeners"] == [{"port": 80, "timeout": "10s"}, {"port": 443, "timeout": "30s"}]


def test_null_comparisons_keep_their_meaning_on_typed_fields(mtx: Mtx) -> None:
    build_stage_3(mtx)

    assert _matching(mtx, "spec.paused = null") == ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]
    assert _matching(mtx, "spec.replicas != null") == ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]
