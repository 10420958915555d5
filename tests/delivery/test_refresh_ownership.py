"""Which live differences a refresh takes: the unit's own fields, as managedFields record their owners."""

from __future__ import annotations

import copy
from typing import Any

from mtx_gitops.core.managed_fields import owners, owns
from mtx_gitops.core.paths import parse_path
from mtx_gitops.delivery.refresh import live_differences

RENDERED: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "eu", "labels": {"app": "web"}},
    "spec": {
        "replicas": 5,
        "template": {
            "spec": {"containers": [{"name": "web", "image": "web:1", "resources": {"requests": {"cpu": "500m"}}}]}
        },
    },
}
MTX_FIELDS = {
    "f:metadata": {"f:labels": {"f:app": {}}},
    "f:spec": {
        "f:replicas": {},
        "f:template": {"f:spec": {"f:containers": {'k:{"name":"web"}': {".": {}, "f:image": {}, "f:name": {}}}}},
    },
}


def live(**changes: Any) -> dict[str, Any]:
    obj = copy.deepcopy(RENDERED)
    obj["spec"].update(changes.pop("spec", {}))
    obj["spec"]["progressDeadlineSeconds"] = 600  # a server default
    obj["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "0.5"  # normalised
    obj["status"] = {"replicas": 5}
    obj["metadata"]["managedFields"] = changes.pop(
        "managed", [{"manager": "mtx", "operation": "Apply", "fieldsV1": MTX_FIELDS}]
    )
    return obj


class Cluster:
    def __init__(self, obj: dict[str, Any] | None) -> None:
        self.obj = obj

    def get(self, _obj: Any) -> dict[str, Any] | None:
        return self.obj


def test_owns_reads_fields_keyed_elements_and_atomic_ancestors() -> None:
    assert owns(MTX_FIELDS, parse_path("spec.replicas"))
    assert owns(MTX_FIELDS, parse_path("spec.template.spec.containers[name=web].image"))
    assert not owns(MTX_FIELDS, parse_path("spec.template.spec.containers[name=sidecar].image"))
    assert not owns(MTX_FIELDS, parse_path("spec.paused"))
    assert owns({"f:spec": {"f:selector": {}}}, parse_path("spec.selector.matchLabels.app"))
    assert owners(live(), parse_path("spec.replicas")) == {"mtx"}


def test_a_scaled_replica_count_is_taken_and_defaults_status_and_quantities_are_not() -> None:
    fields, notes = live_differences([RENDERED], Cluster(live(spec={"replicas": 7})))  # type: ignore[arg-type]
    assert [(f.path, f.git, f.live) for f in fields] == [("spec.replicas", 5, 7)]
    assert notes == []


def test_a_field_a_controller_owns_is_left_out_and_a_person_s_kubectl_edit_is_taken() -> None:
    autoscaler = {
        "manager": "horizontal-pod-autoscaler",
        "operation": "Update",
        "fieldsV1": {"f:spec": {"f:replicas": {}}},
    }
    mtx_rest = {"f:spec": {"f:template": MTX_FIELDS["f:spec"]["f:template"]}}
    managed = [{"manager": "mtx", "operation": "Apply", "fieldsV1": mtx_rest}, autoscaler]
    fields, notes = live_differences([RENDERED], Cluster(live(spec={"replicas": 9}, managed=managed)))  # type: ignore[arg-type]
    assert fields == [] and notes == [
        "spec.replicas in apps/Deployment/eu/web is owned by horizontal-pod-autoscaler: left out"
    ]

    edit = {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}}
    managed = [{"manager": "mtx", "operation": "Apply", "fieldsV1": mtx_rest}, edit]
    fields, _notes = live_differences([RENDERED], Cluster(live(spec={"replicas": 9}, managed=managed)))  # type: ignore[arg-type]
    assert [(f.path, f.live) for f in fields] == [("spec.replicas", 9)]


def test_an_object_that_is_not_live_is_named() -> None:
    fields, notes = live_differences([RENDERED], Cluster(None))  # type: ignore[arg-type]
    assert fields == [] and notes == ["apps/Deployment/eu/web is not live: nothing to refresh from it"]
