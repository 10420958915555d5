"""The merge follows the Kubernetes types: keyed and atomic lists, atomic maps, one-of groups, CRDs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.schema.openapi import combined, crd_table, official_table
from mtx_gitops.schema.types import official
from tests.core.traderx import pod_spec, service_unit


def _probe(handler: dict[str, Any]) -> dict[str, Any]:
    return {**handler, "periodSeconds": 10}


def _with_probe(handler: dict[str, Any]) -> list[dict[str, Any]]:
    docs = service_unit("productcatalogservice")
    pod_spec(docs[0])["containers"][0]["readinessProbe"] = _probe(handler)
    return docs


EXEC = {"exec": {"command": ["/bin/grpc_health_probe", "-addr=:3550"]}}
EXEC_EDITED = {"exec": {"command": ["/bin/grpc_health_probe", "-addr=:3550", "-rpc-timeout=5s"]}}
GRPC = {"grpc": {"port": 3550}}


@pytest.mark.parametrize(("policy", "kept"), [("local", EXEC_EDITED), ("upstream", GRPC)])
def test_a_probe_handler_switched_upstream_and_edited_locally_is_one_conflict_with_one_handler(
    policy: str, kept: dict[str, Any]
) -> None:
    merged = merge_documents(
        _with_probe(EXEC),
        _with_probe(GRPC),
        _with_probe(EXEC_EDITED),
        policy=policy,
        types=official(),  # type: ignore[arg-type]
    )

    probe = pod_spec(merged.documents[0])["containers"][0]["readinessProbe"]
    assert probe == _probe(kept)  # exactly one handler: a valid Probe
    (conflict,) = merged.conflicts
    assert conflict.path == "spec.template.spec.containers[name=productcatalogservice].readinessProbe"
    assert conflict.base == EXEC and conflict.upstream == GRPC and conflict.local == EXEC_EDITED
    assert conflict.resolution == policy
    assert conflict.document == "apps/Deployment//productcatalogservice"


def test_a_handler_switched_on_one_side_only_merges_without_conflict() -> None:
    merged = merge_documents(_with_probe(EXEC), _with_probe(GRPC), _with_probe(EXEC), policy="local", types=official())

    assert pod_spec(merged.documents[0])["containers"][0]["readinessProbe"] == _probe(GRPC)
    assert merged.conflicts == []


def test_edits_inside_the_same_handler_merge_field_by_field() -> None:
    upstream = {"exec": {"command": ["/bin/grpc_health_probe", "-addr=:3550"]}, "timeoutSeconds": 3}
    merged = merge_documents(
        _with_probe(EXEC), _with_probe(upstream), _with_probe(EXEC_EDITED), policy="local", types=official()
    )

    probe = pod_spec(merged.documents[0])["containers"][0]["readinessProbe"]
    assert probe["exec"] == EXEC_EDITED["exec"] and probe["timeoutSeconds"] == 3
    assert merged.conflicts == []


def _strategy(strategy: dict[str, Any]) -> list[dict[str, Any]]:
    docs = service_unit("trade-service")
    docs[0]["spec"]["strategy"] = strategy
    return docs


def test_a_recreate_strategy_upstream_never_keeps_a_local_rolling_update() -> None:
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}
    local = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2}}

    kept = merge_documents(_strategy(rolling), _strategy({"type": "Recreate"}), _strategy(local), policy="local",
                           types=official())  # fmt: skip
    taken = merge_documents(_strategy(rolling), _strategy({"type": "Recreate"}), _strategy(local), policy="upstream",
                            types=official())  # fmt: skip

    assert kept.documents[0]["spec"]["strategy"] == local
    assert taken.documents[0]["spec"]["strategy"] == {"type": "Recreate"}
    assert [c.path for c in kept.conflicts] == ["spec.strategy"] == [c.path for c in taken.conflicts]


def test_env_value_and_value_from_are_one_field() -> None:
    def with_env(entry: dict[str, Any]) -> list[dict[str, Any]]:
        docs = service_unit("trade-service")
        pod_spec(docs[0])["containers"][0]["env"] = [{"name": "DB_PASSWORD", **entry}]
        return docs

    secret = {"valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
    merged = merge_documents(with_env({"value": "x"}), with_env(secret), with_env({"value": "y"}), policy="local",
                             types=official())  # fmt: skip

    assert pod_spec(merged.documents[0])["containers"][0]["env"] == [{"name": "DB_PASSWORD", "value": "y"}]
    assert [c.path for c in merged.conflicts] == [
        "spec.template.spec.containers[name=trade-service].env[name=DB_PASSWORD]"
    ]


def test_tolerations_are_atomic_in_the_schema_so_edits_to_two_elements_conflict() -> None:
    def with_tolerations(*values: str) -> list[dict[str, Any]]:
        docs = service_unit("trade-service")
        pod_spec(docs[0])["tolerations"] = [{"key": f"k{i}", "value": v} for i, v in enumerate(values)]
        return docs

    merged = merge_documents(with_tolerations("a", "b"), with_tolerations("A", "b"), with_tolerations("a", "B"),
                             policy="local", types=official())  # fmt: skip

    assert [c.path for c in merged.conflicts] == ["spec.template.spec.tolerations"]


def test_an_atomic_map_is_replaced_whole() -> None:
    def with_selector(labels: dict[str, str]) -> list[dict[str, Any]]:
        docs = service_unit("trade-service")
        docs[0]["spec"]["selector"] = {"matchLabels": labels}
        return docs

    # LabelSelector is an atomic struct: both sides changing it is one conflict on the whole selector.
    merged = merge_documents(with_selector({"app": "t"}), with_selector({"app": "t", "tier": "x"}),
                             with_selector({"app": "t", "env": "prod"}), policy="local", types=official())  # fmt: skip

    assert [c.path for c in merged.conflicts] == ["spec.selector"]
    assert merged.documents[0]["spec"]["selector"] == {"matchLabels": {"app": "t", "env": "prod"}}


CRD_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "routes": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "weight": {"type": "integer"}},
                    },
                },
                "hosts": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}


def _route(weights: tuple[int, int], hosts: tuple[str, ...] = ("a",)) -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "traffic.example.com/v1",
            "kind": "Route",
            "metadata": {"name": "trade"},
            "spec": {
                "routes": [{"name": "blue", "weight": weights[0]}, {"name": "green", "weight": weights[1]}],
                "hosts": [{"name": host} for host in hosts],
            },
        }
    ]


def _crd_types() -> TypeTable:
    return combined([official_table("1.33"), crd_table({("traffic.example.com", "v1", "Route"): CRD_SCHEMA})])


def test_a_crd_map_list_merges_element_by_element() -> None:
    merged = merge_documents(_route((50, 50)), _route((60, 50)), _route((50, 40)), policy="local", types=_crd_types())

    assert merged.documents[0]["spec"]["routes"] == [{"name": "blue", "weight": 60}, {"name": "green", "weight": 40}]
    assert merged.conflicts == []


def test_a_crd_list_without_list_type_is_atomic_even_when_elements_have_names() -> None:
    merged = merge_documents(_route((50, 50), ("a", "b")), _route((50, 50), ("a", "c")),
                             _route((50, 50), ("d", "b")), policy="local", types=_crd_types())  # fmt: skip

    assert [c.path for c in merged.conflicts] == ["spec.hosts"]


def test_a_kind_no_schema_knows_is_keyed_by_name_as_kyaml_infers() -> None:
    merged = merge_documents(_route((50, 50)), _route((60, 50)), _route((50, 40)), policy="local", types=official())

    assert merged.documents[0]["spec"]["routes"] == [{"name": "blue", "weight": 60}, {"name": "green", "weight": 40}]
    assert merged.conflicts == []


def test_documents_pair_without_their_namespace() -> None:
    base = service_unit("trade-service")
    upstream = copy.deepcopy(base)
    upstream[0]["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/finos/traderx/trade-service:v2"
    local = copy.deepcopy(base)
    for doc in local:
        doc["metadata"]["namespace"] = "traderx-prod-us"

    merged = merge_documents(base, upstream, local, policy="fail", types=official())

    assert merged.conflicts == []
    assert [doc["metadata"]["namespace"] for doc in merged.documents] == ["traderx-prod-us"] * 2
    assert pod_spec(merged.documents[0])["containers"][0]["image"].endswith(":v2")
