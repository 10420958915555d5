"""The validator on real kinds: the official strict schemas, the API server's extra rules, CRDs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from mtx_gitops.schema.crds import crds_in_files
from mtx_gitops.schema.validate import Finding, Validator

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parents[2] / "mtx_gitops" / "examples" / "traderx"
WORKLOADS = {doc["kind"]: doc for doc in yaml.safe_load_all((DATA / "workloads.yaml").read_text())}
VALIDATOR = Validator("1.33", lambda: crds_in_files([DATA / "widgets-crd.yaml", DATA / "gadgets-crd.json"]))


def check(doc: dict[str, Any]) -> list[str]:
    return [f"{f.path}: {f.message}" if f.path else f.message for f in VALIDATOR.check(doc, source="s/u", index=1)]


def mutated(kind: str, path: str, value: Any) -> dict[str, Any]:
    """A copy of the valid `kind` with the field at dotted `path` (numbers index lists) set to `value`."""
    doc = copy.deepcopy(WORKLOADS[kind])
    *parents, last = [int(step) if step.isdigit() else step for step in path.split(".")]
    node: Any = doc
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


DELETE = object()
POD = "spec.template.spec"
CONTAINER = f"{POD}.containers.0"


@pytest.mark.parametrize("kind", sorted(WORKLOADS))
def test_valid_objects_of_real_kinds_pass(kind: str) -> None:
    assert check(WORKLOADS[kind]) == []


def test_the_shipped_examples_pass() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert check(doc) == [], path.name


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    [
        ("Deployment", "spec.replicas", "five", 'spec.replicas: expected integer, got string "five"'),
        ("StatefulSet", "spec.replicas", 2.5, "spec.replicas: expected integer, got number 2.5"),
        ("CronJob", "spec.suspend", "yes", 'spec.suspend: expected boolean, got string "yes"'),
        ("Service", "spec.ports.0.port", "5432", 'spec.ports[name=pg].port: expected integer, got string "5432"'),
        (
            "Deployment",
            f"{CONTAINER}.image",
            ["nginx"],
            "spec.template.spec.containers[name=web].image: expected string, got a list",
        ),
        ("Deployment", "metadata.labels", {"app": 3}, "metadata.labels.app: expected string, got number 3"),
    ],
)
def test_a_wrong_type_names_the_path_and_the_expected_type(kind: str, path: str, value: Any, expected: str) -> None:
    assert check(mutated(kind, path, value)) == [expected]


def test_an_integral_float_is_an_integer_and_int_or_string_takes_both() -> None:
    assert check(mutated("Deployment", "spec.replicas", 2.0)) == []
    assert check(mutated("Service", "spec.ports.0.targetPort", 5432)) == []
    assert check(mutated("Service", "spec.ports.0.targetPort", True)) == [
        "spec.ports[name=pg].targetPort: expected string or integer, got boolean true"
    ]


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        ("Deployment", "spec.replica", "spec.replica: unknown field"),
        (
            "StatefulSet",
            f"{CONTAINER}.readinessprobe",
            "spec.template.spec.containers[name=ledger].readinessprobe: unknown field",
        ),
        (
            "CronJob",
            "spec.jobTemplate.spec.template.spec.restart",
            "spec.jobTemplate.spec.template.spec.restart: unknown field",
        ),
        ("Service", "spec.port", "spec.port: unknown field"),
        ("Service", "metadata.label", "metadata.label: unknown field"),
    ],
)
def test_an_unknown_field_is_refused(kind: str, path: str, expected: str) -> None:
    assert check(mutated(kind, path, 1)) == [expected]


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        ("Deployment", "spec.selector", "spec.selector: missing required field"),
        ("Deployment", f"{CONTAINER}.name", "spec.template.spec.containers[0].name: missing required field"),
        ("StatefulSet", "spec.template", "spec.template: missing required field"),
        ("CronJob", "spec.schedule", "spec.schedule: missing required field"),
        ("Service", "spec.ports.0.port", "spec.ports[name=pg].port: missing required field"),
    ],
)
def test_a_missing_required_field_is_refused(kind: str, path: str, expected: str) -> None:
    assert check(mutated(kind, path, DELETE)) == [expected]


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    [
        (
            "Deployment",
            "spec.strategy.type",
            "Rolling",
            "spec.strategy.type: expected one of Recreate, RollingUpdate, got 'Rolling'",
        ),
        (
            "Service",
            "spec.type",
            "Internal",
            "spec.type: expected one of ClusterIP, ExternalName, LoadBalancer, NodePort, got 'Internal'",
        ),
        (
            "Service",
            "spec.ports.0.protocol",
            "tcp",
            "spec.ports[name=pg].protocol: expected one of SCTP, TCP, UDP, got 'tcp'",
        ),
        (
            "CronJob",
            "spec.concurrencyPolicy",
            "Never",
            "spec.concurrencyPolicy: expected one of Allow, Forbid, Replace, got 'Never'",
        ),
        (
            "StatefulSet",
            "spec.podManagementPolicy",
            "Serial",
            "spec.podManagementPolicy: expected one of OrderedReady, Parallel, got 'Serial'",
        ),
        ("Deployment", "kind", "Deployment", None),
        (
            "Deployment",
            "apiVersion",
            "apps/v2",
            "Kubernetes 1.33 has no apps/v2 Deployment (see kubernetesVersion in mtx.yaml)",
        ),
    ],
)
def test_an_enum_outside_its_values_is_refused(kind: str, path: str, value: Any, expected: str | None) -> None:
    assert check(mutated(kind, path, value)) == ([expected] if expected else [])


def test_an_enum_field_of_another_type_is_a_type_error_only() -> None:
    assert check(mutated("Deployment", f"{CONTAINER}.imagePullPolicy", {"always": True})) == [
        "spec.template.spec.containers[name=web].imagePullPolicy: expected string, got an object"
    ]


def test_a_probe_with_two_handlers_or_none_is_refused() -> None:
    two = mutated("Deployment", f"{CONTAINER}.readinessProbe.exec", {"command": ["true"]})
    assert check(two) == [
        "spec.template.spec.containers[name=web].readinessProbe: "
        "expected at most one handler type (exec, httpGet, tcpSocket, grpc), got exec and grpc"
    ]
    none = mutated("Deployment", f"{CONTAINER}.livenessProbe", {"periodSeconds": 5})
    assert check(none) == [
        "spec.template.spec.containers[name=web].livenessProbe: "
        "expected one handler type (exec, httpGet, tcpSocket, grpc), got none"
    ]
    hook = mutated("StatefulSet", f"{CONTAINER}.lifecycle.preStop.sleep", {"seconds": 5})
    assert check(hook) == [
        "spec.template.spec.containers[name=ledger].lifecycle.preStop: "
        "expected at most one handler type (exec, httpGet, tcpSocket, sleep), got exec and sleep"
    ]


def test_the_other_unions_the_api_server_enforces() -> None:
    volume = mutated("Deployment", f"{POD}.volumes.0.configMap", {"name": "x"})
    assert check(volume) == [
        "spec.template.spec.volumes[name=cache]: expected at most one volume type, got emptyDir and configMap"
    ]
    assert check(mutated("Deployment", f"{POD}.volumes.0.emptyDir", DELETE)) == [
        "spec.template.spec.volumes[name=cache]: expected one volume type, got none"
    ]
    env = mutated("StatefulSet", f"{CONTAINER}.env.0.value", "ledger-0")
    assert check(env) == [
        "spec.template.spec.containers[name=ledger].env[name=POD_NAME]: "
        "expected at most one value source (value, valueFrom), got value and valueFrom"
    ]
    source = mutated("StatefulSet", f"{CONTAINER}.env.0.valueFrom.secretKeyRef", {"name": "s", "key": "k"})
    assert check(source) == [
        "spec.template.spec.containers[name=ledger].env[name=POD_NAME].valueFrom: "
        "expected at most one source (fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef, fileKeyRef), "
        "got fieldRef and secretKeyRef"
    ]
    recreate = mutated("Deployment", "spec.strategy.rollingUpdate", {"maxSurge": 1})
    assert check(recreate) == ["spec.strategy.rollingUpdate: must not be set when type is Recreate"]
    on_delete = mutated("StatefulSet", "spec.updateStrategy.type", "OnDelete")
    assert check(on_delete) == ["spec.updateStrategy.rollingUpdate: must not be set when type is OnDelete"]
    seccomp = mutated("Deployment", f"{POD}.securityContext.seccompProfile.localhostProfile", "p.json")
    assert check(seccomp) == [
        "spec.template.spec.securityContext.seccompProfile.localhostProfile: "
        "must not be set when type is RuntimeDefault"
    ]


def test_quantities_follow_the_api_grammar() -> None:
    assert check(mutated("StatefulSet", f"{CONTAINER}.resources.limits.memory", "1.5Gi")) == []
    assert check(mutated("StatefulSet", f"{CONTAINER}.resources.limits.memory", "lots")) == [
        "spec.template.spec.containers[name=ledger].resources.limits.memory: "
        "expected a quantity such as 500m, 2 or 256Mi, got 'lots'"
    ]


def test_every_finding_of_a_document_is_reported() -> None:
    doc = mutated("Deployment", "spec.replicas", "five")
    doc["spec"]["template"]["spec"]["containers"][0]["foo"] = 1
    assert len(check(doc)) == 2


WIDGET = {
    "apiVersion": "shop.example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "w1", "namespace": "shop", "labels": {"tier": "gold"}},
    "spec": {
        "size": 3,
        "color": "red",
        "port": "http",
        "ports": [{"name": "a", "number": 1}, {"name": "b"}],
        "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": "y"}},
        "extra": {"anything": [1, {"goes": True}]},
        "note": None,
    },
    "status": {"free": "form"},
}


def widget(**spec: Any) -> dict[str, Any]:
    doc = copy.deepcopy(WIDGET)
    for key, value in spec.items():
        if value is DELETE:
            del doc["spec"][key]
        else:
            doc["spec"][key] = value
    return doc


def test_a_custom_resource_is_checked_against_its_crd() -> None:
    assert check(WIDGET) == []
    assert check(widget(size="3")) == ['spec.size: expected integer, got string "3"']
    assert check(widget(size=DELETE)) == ["spec.size: missing required field"]
    assert check(widget(size=11)) == ["spec.size: expected a number <= 10, got 11"]
    assert check(widget(color="pink")) == ['spec.color: expected one of "red", "green", "blue", got string "pink"']
    assert check(widget(colour="red")) == ["spec.colour: unknown field"]
    assert check(widget(port=8080)) == []
    assert check(widget(port=[8080])) == ["spec.port: expected integer or string, got a list"]
    assert check(widget(ports=[{"name": "a"}, {"name": "a"}])) == ["spec.ports[name=a]: duplicate item (name=a)"]
    assert check(widget(template={"data": {}})) == [
        "spec.template.apiVersion: missing required field",
        "spec.template.kind: missing required field",
    ]
    bad_meta = copy.deepcopy(WIDGET)
    bad_meta["metadata"]["labels"] = {"tier": 1}
    assert check(bad_meta) == ["metadata.labels.tier: expected string, got number 1"]


def test_a_crd_version_that_preserves_unknown_fields_takes_anything() -> None:
    loose = {**copy.deepcopy(WIDGET), "apiVersion": "shop.example.com/v1beta1", "anything": {"at": "all"}}
    assert check(loose) == []


def test_a_custom_resource_of_an_unseen_crd_passes_with_a_warning() -> None:
    found = VALIDATOR.check(
        {"apiVersion": "other.io/v1", "kind": "Thing", "metadata": {"name": "t"}}, source="s/u", index=2
    )
    assert found == [
        Finding(found[0].document, "", "no CRD for other.io/v1 Thing in the repo: not validated", "warning")
    ]
    assert str(found[0].document) == "s/u: other.io/v1 Thing t"
    served_no_more = {**WIDGET, "apiVersion": "shop.example.com/v1alpha1"}
    assert [f.severity for f in VALIDATOR.check(served_no_more, source="s/u", index=1)] == ["warning"]


def test_schema_keywords_mtx_cannot_read_are_skipped_not_fatal() -> None:
    from mtx_gitops.schema.nodes import Definitions, compile_crd
    from mtx_gitops.schema.validate import _walk

    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": "name",
                "properties": {
                    "name": {"type": "string", "pattern": "^\\p{Lu}", "maxLength": "ten"},
                    "count": {"type": "integer", "minimum": None},
                },
            }
        },
    }
    root = compile_crd(schema, object_meta=Definitions({}).node("meta"))
    found: list[tuple[object, str]] = []
    _walk({"spec": {"count": 3}}, root, (), found)
    assert [message for _path, message in found] == ["missing required field"]
