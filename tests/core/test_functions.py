"""`mtx run set-replicas` and `set-env-var` on the units of the guide (stages 5 and 7)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtx_gitops.core import workloads
from mtx_gitops.core.functions import hpa_targets_of, set_env_var, set_replicas
from mtx_gitops.errors import UserError
from tests.core.traderx import REGISTRY, env_of, hpa, pod_spec, service_unit

# --- stage 5: scale EU down when its markets close ---------------------------------------------


def test_stage5_scales_eu_trade_service_to_2_and_leaves_the_input_alone() -> None:
    eu = service_unit("trade-service", replicas=5)
    before = copy.deepcopy(eu)

    documents, changed, notes = set_replicas(eu, 2)

    assert changed and notes == []
    assert documents[0]["spec"]["replicas"] == 2
    assert documents[1] is eu[1]  # the Service is not a workload: same object back
    assert eu == before
    assert list(documents[0]["spec"]) == list(eu[0]["spec"])  # key order kept


def test_set_replicas_to_the_current_count_changes_nothing() -> None:
    asia = service_unit("trade-service", replicas=2)
    result = set_replicas(asia, 2)
    assert not result.changed
    assert all(new is old for new, old in zip(result.documents, asia, strict=True))


def test_set_replicas_adds_a_missing_count_at_the_end_of_spec() -> None:
    unit = service_unit("trade-service")
    del unit[0]["spec"]["replicas"]
    documents, changed, _ = set_replicas(unit, 4)
    assert changed and list(documents[0]["spec"])[-1] == "replicas"


@pytest.mark.parametrize("kind", ["StatefulSet", "ReplicaSet"])
def test_set_replicas_scales_other_replicated_kinds(kind: str) -> None:
    unit = service_unit("trade-service")
    unit[0]["kind"] = kind
    assert set_replicas(unit, 7).documents[0]["spec"]["replicas"] == 7


@pytest.mark.parametrize("replicas", [-3, -1])
def test_negative_replicas_are_refused(replicas: int) -> None:
    with pytest.raises(UserError, match="--replicas must be >= 0"):
        set_replicas(service_unit("trade-service"), replicas)


def test_boolean_replicas_are_refused() -> None:
    with pytest.raises(UserError, match="--replicas must be >= 0"):
        set_replicas(service_unit("trade-service"), True)


def test_a_deployment_scaled_by_an_hpa_is_skipped_with_a_note() -> None:
    unit = service_unit("trade-service", replicas=5)
    space = [*unit, hpa("trade-service-hpa", target="trade-service")]
    targets = hpa_targets_of(space)
    assert targets == {"Deployment/trade-service": "trade-service-hpa"}

    documents, changed, notes = set_replicas(unit, 2, hpa_targets=targets)

    assert not changed and documents[0]["spec"]["replicas"] == 5
    assert notes == ["skipped Deployment/trade-service: scaled by HorizontalPodAutoscaler trade-service-hpa"]


def test_force_scales_a_deployment_an_hpa_scales_and_says_so() -> None:
    unit = service_unit("trade-service", replicas=5)
    targets = hpa_targets_of([hpa("trade-service-hpa", target="trade-service")])
    documents, changed, notes = set_replicas(unit, 2, hpa_targets=targets, force=True)
    assert changed and documents[0]["spec"]["replicas"] == 2
    assert "HorizontalPodAutoscaler trade-service-hpa" in notes[0] and "--force" in notes[0]


def test_hpa_targets_may_be_plain_names_and_must_match_the_kind_when_qualified() -> None:
    unit = service_unit("trade-service", replicas=5)
    assert set_replicas(unit, 2, hpa_targets={"trade-service"}).notes == [
        "skipped Deployment/trade-service: scaled by an HPA"
    ]
    statefulset_only = hpa_targets_of([hpa("h", target="trade-service", kind="StatefulSet")])
    assert set_replicas(unit, 2, hpa_targets=statefulset_only).changed


# --- stage 7: the circuit breaker -------------------------------------------------------------


def test_stage7_sets_circuit_breaker_and_keeps_the_existing_env() -> None:
    eu = service_unit("trade-service", replicas=5)

    documents, changed, notes = set_env_var(eu, "CIRCUIT_BREAKER=true")

    assert changed and notes == []
    assert env_of(documents[0]) == {
        "REFERENCE_DATA_URL": "http://reference-data:18085",
        "TRADING_ALGORITHM": "quantum",
        "CIRCUIT_BREAKER": "true",
    }
    assert documents[0]["spec"]["replicas"] == 5
    assert "CIRCUIT_BREAKER" not in env_of(eu[0])
    assert not set_env_var(documents, "CIRCUIT_BREAKER=true").changed


def test_set_env_var_updates_an_entry_in_place_and_replaces_value_from() -> None:
    unit = service_unit("trade-service")
    env = pod_spec(unit[0])["containers"][0]["env"]
    env.insert(0, {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}})

    documents = set_env_var(unit, "DB_PASSWORD=").documents
    documents = set_env_var(documents, "TRADING_ALGORITHM=a=b").documents

    new_env = pod_spec(documents[0])["containers"][0]["env"]
    assert new_env[0] == {"name": "DB_PASSWORD", "value": ""}
    assert [e["name"] for e in new_env] == ["DB_PASSWORD", "REFERENCE_DATA_URL", "TRADING_ALGORITHM"]
    assert new_env[2]["value"] == "a=b"


def test_set_env_var_on_one_container_and_on_a_container_without_env() -> None:
    unit = service_unit("trade-service")
    spec = pod_spec(unit[0])
    spec["containers"].append({"name": "sidecar", "image": "envoyproxy/envoy:v1.30.1"})
    spec["initContainers"] = [{"name": "migrate", "image": f"{REGISTRY}/database:v1"}]

    only_sidecar = set_env_var(unit, "LOG=debug", container="sidecar").documents
    assert pod_spec(only_sidecar[0])["containers"][1]["env"] == [{"name": "LOG", "value": "debug"}]
    assert "LOG" not in env_of(only_sidecar[0])

    everywhere = set_env_var(unit, "LOG=debug").documents
    assert "env" not in pod_spec(everywhere[0])["initContainers"][0]
    init = set_env_var(unit, "LOG=debug", container="migrate").documents
    assert pod_spec(init[0])["initContainers"][0]["env"] == [{"name": "LOG", "value": "debug"}]


def test_set_env_var_notes_a_workload_without_the_named_container() -> None:
    _, changed, notes = set_env_var(service_unit("trade-service"), "A=1", container="nope")
    assert not changed and notes == ["Deployment/trade-service has no container 'nope'"]


_APP = {"containers": [{"name": "app", "image": "busybox:1.36"}]}


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("Pod", _APP),
        ("Job", {"template": {"spec": _APP}}),
        ("CronJob", {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": _APP}}}}),
        ("DaemonSet", {"template": {"spec": _APP}}),
        ("StatefulSet", {"template": {"spec": _APP}}),
    ],
)
def test_set_env_var_reaches_every_workload_kind(kind: str, spec: dict[str, Any]) -> None:
    document = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "w"}, "spec": spec}
    (new,) = set_env_var([document], "X=1").documents
    new_spec = workloads.pod_spec(new)
    assert new_spec is not None and new_spec["containers"][0]["env"] == [{"name": "X", "value": "1"}]
    assert _APP == {"containers": [{"name": "app", "image": "busybox:1.36"}]}


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("NOVALUE", "--env-var must be KEY=VALUE: 'NOVALUE'"),
        ("=value", "invalid environment variable name ''"),
        ("1ABC=x", "invalid environment variable name '1ABC'"),
        ("A B=x", "invalid environment variable name 'A B'"),
    ],
)
def test_bad_env_var_assignments_are_refused(assignment: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        set_env_var(service_unit("trade-service"), assignment)
    assert str(caught.value).startswith(message)
