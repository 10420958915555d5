"""The 3-way merge of one document, told through the MicroTraderX guide (stages 4 and 7)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtx_gitops.core.merge3 import ABSENT, merge_values
from mtx_gitops.core.model import Conflict
from mtx_gitops.errors import UserError
from mtx_gitops.schema.types import official

CONTAINER = "spec.template.spec.containers[name=trade-service]"


def trade_service(
    *, replicas: int = 3, image: str = "v1", algorithm: str = "standard", timeout: str = "30s"
) -> dict[str, Any]:
    """The TraderX trade-service Deployment as traderx-base ships it (about 2.3 KB of YAML)."""
    env = {
        "DATABASE_TCP_HOST": "database",
        "DATABASE_TCP_PORT": "18082",
        "PEOPLE_SERVICE_HOST": "people-service",
        "ACCOUNT_SERVICE_HOST": "account-service",
        "REFERENCE_DATA_HOST": "reference-data",
        "TRADE_FEED_HOST": "trade-feed",
        "TRADING_ALGORITHM": algorithm,
        "TIMEOUT": timeout,
    }
    probe = {"httpGet": {"path": "/actuator/health", "port": 18092}, "periodSeconds": 10}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "trade-service",
            "namespace": "traderx",
            "labels": {"app": "trade-service", "app.kubernetes.io/part-of": "traderx"},
            "annotations": {"mtx.dev/space": "traderx-base"},
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "trade-service"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"app": "trade-service", "app.kubernetes.io/part-of": "traderx"}},
                "spec": {
                    "containers": [
                        {
                            "name": "trade-service",
                            "image": f"ghcr.io/finos/traderx/trade-service:{image}",
                            "ports": [{"containerPort": 18092, "name": "http", "protocol": "TCP"}],
                            "env": [{"name": name, "value": value} for name, value in env.items()],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "256Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"},
                            },
                            "readinessProbe": {**probe, "initialDelaySeconds": 20},
                            "livenessProbe": {**probe, "initialDelaySeconds": 60},
                            "volumeMounts": [{"name": "config", "mountPath": "/config", "readOnly": True}],
                        }
                    ],
                    "volumes": [{"name": "config", "configMap": {"name": "trade-service-config"}}],
                },
            },
        },
    }


def region(replicas: int, **base: str) -> dict[str, Any]:
    """A regional copy of trade-service with its own replica count."""
    doc = trade_service(**base)  # type: ignore[arg-type]
    doc["spec"]["replicas"] = replicas
    return doc


def container(doc: dict[str, Any], name: str = "trade-service") -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["spec"]["template"]["spec"]["containers"] if c["name"] == name)
    return found


def env(doc: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item.get("value") for item in container(doc)["env"]}


def set_env(doc: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    items = container(doc)["env"]
    for item in items:
        if item["name"] == name:
            item["value"] = value
            return doc
    items.append({"name": name, "value": value})
    return doc


# Stage 4: the base update reaches every region, the regions keep their replicas.


@pytest.mark.parametrize(
    ("space", "replicas"), [("traderx-prod-us", 3), ("traderx-prod-eu", 5), ("traderx-prod-asia", 2)]
)
def test_stage4_upgrade_brings_quantum_v2_and_60s_and_keeps_regional_replicas(space: str, replicas: int) -> None:
    before = trade_service()
    after = trade_service(image="v2", algorithm="quantum", timeout="60s")

    merged, conflicts = merge_values(before, after, region(replicas), policy="local")

    assert conflicts == []
    assert merged["spec"]["replicas"] == replicas
    assert container(merged)["image"] == "ghcr.io/finos/traderx/trade-service:v2"
    assert env(merged)["TRADING_ALGORITHM"] == "quantum"
    assert env(merged)["TIMEOUT"] == "60s"


def test_stage4_upgrade_shares_untouched_subtrees_and_keeps_local_key_order() -> None:
    local = region(5)
    local["spec"] = {"paused": False, **local["spec"]}

    merged, _ = merge_values(trade_service(), trade_service(image="v2"), local, policy="local")

    assert merged["metadata"] is local["metadata"]
    assert merged["spec"]["strategy"] is local["spec"]["strategy"]
    assert list(merged["spec"]) == list(local["spec"])


# Stage 7: EU's fix moves laterally to Asia; Asia keeps its replicas.


def test_stage7_lateral_promotion_carries_the_circuit_breaker_and_keeps_asia_replicas() -> None:
    eu_before = region(5, image="v2", algorithm="quantum", timeout="60s")
    eu_after = set_env(eu_before, "CIRCUIT_BREAKER", "true")
    asia = region(2, image="v2", algorithm="quantum", timeout="60s")

    merged, conflicts = merge_values(eu_before, eu_after, asia, policy="local")

    assert conflicts == []
    assert merged["spec"]["replicas"] == 2
    assert env(merged)["CIRCUIT_BREAKER"] == "true"
    assert [item["name"] for item in container(merged)["env"]][-1] == "CIRCUIT_BREAKER"


# Conflicts: both sides changed the same field differently.


@pytest.mark.parametrize(
    ("policy", "replicas", "resolution"),
    [("local", 5, "local"), ("fail", 5, "unresolved"), ("upstream", 4, "upstream")],
)
def test_both_sides_changing_replicas_is_one_conflict_resolved_by_policy(
    policy: str, replicas: int, resolution: str
) -> None:
    merged, conflicts = merge_values(trade_service(), region(4), region(5), policy=policy)  # type: ignore[arg-type]

    assert merged["spec"]["replicas"] == replicas
    assert conflicts == [Conflict("spec.replicas", 3, 4, 5, resolution)]


def test_a_conflict_inside_keyed_lists_names_the_elements() -> None:
    base = set_env(trade_service(), "CIRCUIT_BREAKER", "false")

    merged, conflicts = merge_values(
        base, set_env(base, "CIRCUIT_BREAKER", "true"), set_env(base, "CIRCUIT_BREAKER", "open"), policy="local"
    )

    assert [c.path for c in conflicts] == [f"{CONTAINER}.env[name=CIRCUIT_BREAKER].value"]
    assert env(merged)["CIRCUIT_BREAKER"] == "open"


def test_ports_are_named_by_container_port_and_protocol() -> None:
    def with_port_name(name: str) -> dict[str, Any]:
        doc = trade_service()
        container(doc)["ports"][0]["name"] = name
        return doc

    node = official().for_document(trade_service())
    _, conflicts = merge_values(
        trade_service(), with_port_name("web"), with_port_name("api"), policy="local", node=node
    )

    assert [c.path for c in conflicts] == [f"{CONTAINER}.ports[containerPort=18092,protocol=TCP].name"]


def test_keys_with_dots_or_slashes_are_quoted_in_conflict_paths() -> None:
    def annotated(space: str) -> dict[str, Any]:
        doc = trade_service()
        doc["metadata"]["annotations"]["mtx.dev/space"] = space
        return doc

    _, conflicts = merge_values(trade_service(), annotated("a"), annotated("b"), policy="local")

    assert [c.path for c in conflicts] == ['metadata.annotations["mtx.dev/space"]']


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    after = trade_service(image="v2")

    merged, conflicts = merge_values(trade_service(), after, copy.deepcopy(after), policy="local")

    assert merged == after
    assert conflicts == []


def test_atomic_lists_conflict_as_a_whole() -> None:
    def with_args(*args: str) -> dict[str, Any]:
        doc = trade_service()
        container(doc)["args"] = list(args)
        return doc

    merged, conflicts = merge_values(with_args("-a"), with_args("-a", "-b"), with_args("-c"), policy="upstream")

    assert container(merged)["args"] == ["-a", "-b"]
    assert [(c.path, c.local) for c in conflicts] == [(f"{CONTAINER}.args", ["-c"])]


# Deletions.


def test_a_field_removed_upstream_and_untouched_locally_is_removed() -> None:
    after = trade_service()
    del after["spec"]["strategy"]

    merged, conflicts = merge_values(trade_service(), after, region(5), policy="local")

    assert "strategy" not in merged["spec"]
    assert conflicts == []


def test_a_field_removed_upstream_but_edited_locally_is_a_conflict() -> None:
    after = trade_service()
    del container(after)["resources"]["limits"]
    local = region(5)
    container(local)["resources"]["limits"]["cpu"] = "2"

    merged, conflicts = merge_values(trade_service(), after, local, policy="local")

    # Maps merge per key: the removal takes the memory limit local left alone.
    assert container(merged)["resources"]["limits"] == {"cpu": "2"}
    assert [(c.path, c.upstream, c.local) for c in conflicts] == [
        (f"{CONTAINER}.resources.limits.cpu", None, "2"),
    ]


def test_an_element_deleted_locally_but_edited_upstream_is_one_conflict() -> None:
    before = set_env(trade_service(), "DEBUG", "false")
    local = copy.deepcopy(before)
    container(local)["env"] = [item for item in container(local)["env"] if item["name"] != "DEBUG"]

    merged, conflicts = merge_values(before, set_env(before, "DEBUG", "true"), local, policy="local")

    assert "DEBUG" not in env(merged)
    assert [c.path for c in conflicts] == [f"{CONTAINER}.env[name=DEBUG]"]
    assert conflicts[0].local is None


def test_a_null_in_local_deletes_the_field_when_it_wins() -> None:
    local = region(5)
    local["spec"]["replicas"] = None

    merged, conflicts = merge_values(trade_service(), region(4), local, policy="local")

    assert "replicas" not in merged["spec"]
    assert [(c.path, c.local) for c in conflicts] == [("spec.replicas", None)]


def test_absent_documents() -> None:
    doc = trade_service()

    assert merge_values(ABSENT, doc, ABSENT, policy="local") == (doc, [])
    assert merge_values(doc, ABSENT, doc, policy="local") == (ABSENT, [])
    assert merge_values(doc, doc, ABSENT, policy="local") == (ABSENT, [])


def test_path_names_where_the_values_sit() -> None:
    def containers(image: str) -> list[dict[str, Any]]:
        return [{"name": "trade-service", "image": image}, {"name": "sidecar", "image": "envoy"}]

    merged, conflicts = merge_values(
        containers("v1"), containers("v2"), containers("v3"), policy="upstream", path="spec.containers"
    )

    assert merged == containers("v2")
    assert [c.path for c in conflicts] == ["spec.containers[name=trade-service].image"]


def test_hints_key_lists_the_field_rules_do_not_know() -> None:
    def widgets(*items: tuple[str, int]) -> dict[str, Any]:
        return {"widgets": [{"id": ident, "size": size} for ident, size in items]}

    original, updated, local = widgets(("a", 1)), widgets(("a", 2)), widgets(("a", 1), ("b", 1))

    keyed, _ = merge_values(original, updated, local, policy="local", hints={"widgets": ("id",)})
    atomic, conflicts = merge_values(original, updated, local, policy="local")

    assert keyed == widgets(("a", 2), ("b", 1))
    assert atomic == local
    assert [c.path for c in conflicts] == ["widgets"]


def test_unknown_policy_is_bad_input() -> None:
    with pytest.raises(UserError, match="policy"):
        merge_values(1, 2, 3, policy="theirs")  # type: ignore[arg-type]
