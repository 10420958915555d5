"""Drift: rendered fields against live values, tolerant of server defaults and normalisation."""

from __future__ import annotations

import copy
from typing import Any

from mtx_gitops.delivery.drift import drifted_fields
from tests.delivery.traderx import deployment, render


def live_copy(obj: dict[str, Any]) -> dict[str, Any]:
    """What a v1.20 server returns for an applied Deployment: defaults, status, normalised values."""
    live = copy.deepcopy(obj)
    live["metadata"].update({"uid": "u", "resourceVersion": "7", "generation": 1, "managedFields": []})
    spec = live["spec"]
    spec.update({"revisionHistoryLimit": 10, "progressDeadlineSeconds": 600})
    container = spec["template"]["spec"]["containers"][0]
    container["ports"][0]["protocol"] = "TCP"
    container["resources"]["requests"]["cpu"] = "100m"  # rendered as "0.1"
    container.update({"imagePullPolicy": "Always", "terminationMessagePath": "/dev/termination-log"})
    live["status"] = {"replicas": 1}
    return live


def test_a_fresh_apply_has_no_drift() -> None:
    (dep,) = render("eu", {"trade-service": [deployment("trade-service", replicas=5, env={"A": "1"})]})
    assert drifted_fields(dep, live_copy(dep)) == []


def test_kubectl_scale_and_set_image_are_drift() -> None:
    (dep,) = render("eu", {"trade-service": [deployment("trade-service", replicas=5)]})
    live = live_copy(dep)
    live["spec"]["replicas"] = 1
    live["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/finos/traderx/trade-service:hotfix"

    assert drifted_fields(dep, live) == ["spec.replicas",
                                         "spec.template.spec.containers[name=trade-service].image"]  # fmt: skip


def test_env_changes_are_found_by_name_not_position() -> None:
    (dep,) = render("eu", {"svc": [deployment("svc", env={"A": "1", "B": "2"})]})
    live = live_copy(dep)
    env = live["spec"]["template"]["spec"]["containers"][0]["env"]
    env.reverse()
    assert drifted_fields(dep, live) == []
    env[0]["value"] = "changed"
    assert drifted_fields(dep, live) == ["spec.template.spec.containers[name=svc].env[name=B].value"]


def test_a_removed_label_is_drift_but_the_recorded_commit_is_not() -> None:
    (dep,) = render("eu", {"svc": [deployment("svc")]})
    live = live_copy(dep)
    live["metadata"]["annotations"]["mtx.dev/commit"] = "0" * 40
    assert drifted_fields(dep, live) == []
    del live["metadata"]["labels"]["app"]
    assert drifted_fields(dep, live) == ["metadata.labels.app"]


def test_empty_values_match_what_the_server_omits() -> None:
    rendered = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {}},
                "data": {}, "binaryData": None}  # fmt: skip
    assert drifted_fields(rendered, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}) == []


def test_secret_string_data_is_compared_as_data() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "pw"}}
    live: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                            "data": {"password": "cHc="}}  # fmt: skip
    assert drifted_fields(secret, live) == []
    live["data"]["password"] = "b3RoZXI="
    assert drifted_fields(secret, live) == ["data.password"]
