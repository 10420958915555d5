"""cub's container functions on plain documents, with the results ConfigHub's golden outputs and
handler tests give for the same calls (cmd/fctl golden-output, container_functions_test.go)."""

from __future__ import annotations

import pytest

from mtx_gitops.core import fn_containers as fc
from mtx_gitops.errors import UserError
from tests.functions.cub_fixtures import DEPLOYMENT, containers, docs

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  containers:
  - name: test-container
    image: busybox
    env:
    - name: EXISTING_VAR
      value: existing_value
"""


def test_set_image_reference_changes_only_the_named_containers_tag() -> None:
    result = fc.set_image_reference(docs(DEPLOYMENT), "nginx", ":v17.5.2")

    assert result.changed
    assert containers(result.documents[0])["nginx"]["image"] == "nginx:v17.5.2"
    assert containers(result.documents[0])["otel-sidecar"]["image"] == "otel/opentelemetry-collector:latest-amd64"


def test_set_image_sets_the_whole_image_of_the_named_container() -> None:
    result = fc.set_container_image(docs(DEPLOYMENT), "nginx", "mynginx:stable")

    assert containers(result.documents[0])["nginx"]["image"] == "mynginx:stable"


@pytest.mark.parametrize(
    ("image", "uri", "expected"),
    [
        ("nginx:latest", "example.myreg.com/nginx", "example.myreg.com/nginx:latest"),
        ("example.foo.bar:30100/nginx:1.14.2", "nginx-plus", "nginx-plus:1.14.2"),  # the handler test
    ],
)
def test_set_image_uri_keeps_the_tag(image: str, uri: str, expected: str) -> None:
    documents = docs(DEPLOYMENT.replace("nginx:latest", image))

    result = fc.set_image_uri(documents, "nginx", uri)

    assert containers(result.documents[0])["nginx"]["image"] == expected


def test_set_env_var_adds_a_string_value_to_the_named_container() -> None:
    result = fc.set_env_var(docs(DEPLOYMENT), "nginx", "SUCCESS", "true")

    assert containers(result.documents[0])["nginx"]["env"] == [{"name": "SUCCESS", "value": "true"}]
    assert "env" not in containers(result.documents[0])["otel-sidecar"]


def test_set_env_upserts_pairs_and_an_empty_value_removes_the_variable() -> None:
    result = fc.set_env(docs(POD), "test-container", ["NEW_VAR=new_value", "EXISTING_VAR="])

    assert result.documents[0]["spec"]["containers"][0]["env"] == [{"name": "NEW_VAR", "value": "new_value"}]


def test_set_env_twice_is_the_same_as_once_and_leaves_other_containers_alone() -> None:
    text = DEPLOYMENT.replace(
        "        resources: {}\n",
        "        resources: {}\n        env:\n        - name: asdf\n          value: a\n"
        "        - name: asdf\n          value: b\n",
    )
    pairs = ["PROXY_ADDRESS=api:8080", "FOO=44111", "DDD=111"]

    once = fc.set_env(docs(text), "otel-sidecar", pairs)
    twice = fc.set_env(once.documents, "otel-sidecar", pairs)

    assert not twice.changed
    assert containers(twice.documents[0])["otel-sidecar"]["env"] == [
        {"name": "PROXY_ADDRESS", "value": "api:8080"},
        {"name": "FOO", "value": "44111"},
        {"name": "DDD", "value": "111"},
    ]
    assert [e["value"] for e in containers(twice.documents[0])["nginx"]["env"]] == ["a", "b"]


def test_set_env_refuses_a_word_without_equals() -> None:
    with pytest.raises(UserError, match="KEY=VALUE"):
        fc.set_env(docs(POD), "test-container", ["NOEQUALS"])


def test_set_container_resources_all_sets_requests_and_limits_at_the_factor() -> None:
    result = fc.set_container_resources(
        docs(DEPLOYMENT), "nginx", operation="all", cpu="500m", memory="256Mi", limit_factor=2
    )

    assert containers(result.documents[0])["nginx"]["resources"] == {
        "requests": {"cpu": "500m", "memory": "256Mi"},
        "limits": {"cpu": "1", "memory": "512Mi"},
    }
    assert "resources" not in containers(result.documents[0])["otel-sidecar"]


def test_set_container_resources_cap_lowers_and_floor_raises() -> None:
    sized = fc.set_container_resources(docs(DEPLOYMENT), "*", operation="all", cpu="1", memory="1Gi", limit_factor=0)
    capped = fc.set_container_resources(
        sized.documents, "nginx", operation="cap", cpu="500m", memory="2Gi", limit_factor=0
    )
    floored = fc.set_container_resources(
        sized.documents, "nginx", operation="floor", cpu="2", memory="512Mi", limit_factor=0
    )

    assert containers(capped.documents[0])["nginx"]["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}}
    assert containers(floored.documents[0])["nginx"]["resources"] == {"requests": {"cpu": "2", "memory": "1Gi"}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"operation": "some", "cpu": "1", "memory": "", "limit_factor": 0}, "invalid operation"),
        ({"operation": "all", "cpu": "", "memory": "", "limit_factor": 0}, "at least one"),
        ({"operation": "all", "cpu": "lots", "memory": "", "limit_factor": 0}, "invalid cpu"),
    ],
)
def test_set_container_resources_refuses_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        fc.set_container_resources(docs(DEPLOYMENT), "nginx", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "factor", "expected"), [("500m", 2, "1"), ("256Mi", 2, "512Mi"), ("250m", 3, "750m")])
def test_quantities_scale_as_kubernetes_writes_them(text: str, factor: int, expected: str) -> None:
    assert fc.scale_quantity(text, factor) == expected


def test_set_pod_defaults_with_every_group_matches_the_golden_output() -> None:
    result = fc.set_pod_defaults(
        docs(DEPLOYMENT),
        pod_security=True,
        automount_service_account_token=True,
        security_context=True,
        resources=True,
        probes=True,
    )

    spec = result.documents[0]["spec"]["template"]["spec"]
    assert spec["automountServiceAccountToken"] is False
    assert spec["terminationGracePeriodSeconds"] == 60
    assert spec["securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
    nginx, sidecar = spec["containers"]
    assert nginx["resources"] == {"requests": {"cpu": "128m", "memory": "128Mi"}}
    assert nginx["securityContext"] == {
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
    }
    assert nginx["imagePullPolicy"] == "Always"
    assert nginx["startupProbe"]["httpGet"] == {"path": "confighubplaceholder", "port": 8080}
    assert (nginx["startupProbe"]["failureThreshold"], nginx["livenessProbe"]["initialDelaySeconds"]) == (30, 30)
    assert nginx["readinessProbe"]["initialDelaySeconds"] == 5
    assert sidecar["livenessProbe"]["httpGet"]["port"] == 4318


def test_set_pod_defaults_without_probes_adds_none_and_keeps_a_liveness_probe_model() -> None:
    plain = fc.set_pod_defaults(docs(DEPLOYMENT), security_context=True, resources=True)
    assert "startupProbe" not in containers(plain.documents[0])["nginx"]

    live = DEPLOYMENT.replace(
        "        resources: {}\n", "        livenessProbe:\n          tcpSocket:\n            port: 8080\n"
    )
    probed = fc.set_pod_defaults(docs(live), probes=True)
    nginx = containers(probed.documents[0])["nginx"]
    assert nginx["readinessProbe"] == {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 5, "periodSeconds": 10}
    assert "startupProbe" not in nginx


def test_a_container_named_nowhere_changes_nothing_and_says_so() -> None:
    result = fc.set_image_reference(docs(DEPLOYMENT), "nope", ":v2")

    assert not result.changed
    assert result.notes == ["Deployment/mydep has no container 'nope'"]


def test_star_names_every_container() -> None:
    result = fc.set_image_reference(docs(DEPLOYMENT), "*", ":v2")

    assert {c["image"] for c in containers(result.documents[0]).values()} == {
        "nginx:v2",
        "otel/opentelemetry-collector:v2",
    }
