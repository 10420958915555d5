"""set-string/int/bool-path (cub's path forms, typed by the official schema), set-namespace, set-label,
delete-resource, upsert-resource, search-replace and the placeholder scan, against what ConfigHub's
golden outputs show for the same calls."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops.core import fn_resources as fr
from mtx_gitops.core import functions
from mtx_gitops.core.fn_paths import expected_type, set_typed_path
from mtx_gitops.core.kube_types import EMPTY_TABLE
from mtx_gitops.core.path_syntax import parse_path
from mtx_gitops.errors import UserError
from mtx_gitops.schema.types import official
from tests.functions.cub_fixtures import ALL_IN_ONE, DEPLOYMENT, PLACEHOLDERS, ROLEBINDING, SERVICE, containers, docs

TYPES = official("1.33")
DEPLOY = "apps/v1/Deployment"


def setp(path: str, value: Any, kind: str, *, resource: str | None = DEPLOY, text: str = DEPLOYMENT) -> Any:
    return set_typed_path(docs(text), path=path, value=value, value_kind=kind, types=TYPES, resource=resource)


def test_set_string_path_sets_a_string_field() -> None:
    result = setp("spec.template.spec.dnsPolicy", "None", "string")

    assert result.documents[0]["spec"]["template"]["spec"]["dnsPolicy"] == "None"


def test_set_int_path_and_set_bool_path_write_typed_values() -> None:
    replicas = setp("spec.replicas", 5, "integer")
    paused = setp("spec.paused", True, "boolean")

    assert replicas.documents[0]["spec"]["replicas"] == 5
    assert paused.documents[0]["spec"]["paused"] is True


def test_image_uri_accessor_replaces_the_repository_and_keeps_the_tag() -> None:
    result = setp("spec.template.spec.containers.0.image#uri", "example.myreg.com/nginx", "string")

    assert containers(result.documents[0])["nginx"]["image"] == "example.myreg.com/nginx:latest"


def test_image_reference_accessor_replaces_the_tag() -> None:
    result = setp("spec.template.spec.containers.?name=nginx.image#reference", ":1.27", "string")

    assert containers(result.documents[0])["nginx"]["image"] == "nginx:1.27"


def test_a_wildcard_upserts_into_every_element() -> None:
    result = setp("spec.template.spec.containers.*.securityContext.runAsNonRoot", True, "boolean")

    assert [c["securityContext"] for c in containers(result.documents[0]).values()] == [{"runAsNonRoot": True}] * 2


def test_an_associative_match_upserts_into_that_element_only() -> None:
    result = setp("spec.template.spec.containers.?name=nginx.securityContext.runAsNonRoot", True, "boolean")

    assert containers(result.documents[0])["nginx"]["securityContext"] == {"runAsNonRoot": True}
    assert "securityContext" not in containers(result.documents[0])["otel-sidecar"]


def test_an_existence_split_sets_nothing_where_the_prefix_is_missing() -> None:
    result = setp("spec.template.spec.containers.0.securityContext.|runAsNonRoot", True, "boolean")

    assert not result.changed


def test_an_existence_split_sets_where_the_prefix_exists() -> None:
    result = setp("spec.template.spec.containers.0.resources.|limits.cpu", "1", "string")

    assert containers(result.documents[0])["nginx"]["resources"] == {"limits": {"cpu": "1"}}


def test_a_resource_type_limits_the_setter_to_documents_of_that_type() -> None:
    text = DEPLOYMENT + "---\n" + SERVICE

    result = setp("metadata.labels.tier", "web", "string", text=text)

    assert result.documents[0]["metadata"]["labels"]["tier"] == "web"
    assert "labels" not in result.documents[1]["metadata"]


@pytest.mark.parametrize(
    ("path", "kind", "value", "message"),
    [
        ("spec.paused", "string", "true", "spec.paused is a boolean, not a string: use set-bool-path"),
        ("spec.paused", "integer", 1, "spec.paused is a boolean, not an integer: use set-bool-path"),
        ("spec.replicas", "boolean", True, "spec.replicas is an integer, not a boolean: use set-int-path"),
        ("spec.replicas", "string", "five", "spec.replicas is an integer, not a string: use set-int-path"),
        ("spec.template.spec.containers.0.ports", "string", "x", "is an array, not a string"),
    ],
)
def test_a_value_of_the_wrong_type_for_the_schema_is_refused(path: str, kind: str, value: Any, message: str) -> None:
    with pytest.raises(UserError, match=message) as caught:
        setp(path, value, kind, resource=None)

    assert str(caught.value).startswith("apps/v1/Deployment mydep: ")


@pytest.mark.parametrize(
    ("path", "kind", "value"),
    [
        ("spec.template.spec.containers.0.resources.limits.memory", "string", "1Gi"),  # a quantity
        ("spec.strategy.rollingUpdate.maxSurge", "string", "25%"),  # int-or-string
        ("spec.strategy.rollingUpdate.maxSurge", "integer", 1),
        ("metadata.annotations.note", "string", "hello"),
    ],
)
def test_quantities_and_int_or_string_fields_take_what_the_api_takes(path: str, kind: str, value: Any) -> None:
    assert setp(path, value, kind).changed


def test_fields_the_schema_does_not_know_take_any_value() -> None:
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n"

    result = setp("spec.size", "large", "string", resource="example.com/v1/Widget", text=widget)

    assert result.documents[0]["spec"]["size"] == "large"
    assert expected_type(TYPES, result.documents[0], parse_path("spec.size")) is None
    assert expected_type(EMPTY_TABLE, docs(DEPLOYMENT)[0], parse_path("spec.paused")) is None


def test_expected_type_follows_the_path_through_lists_and_maps() -> None:
    deployment = docs(DEPLOYMENT)[0]

    def of(path: str) -> str | None:
        return expected_type(TYPES, deployment, parse_path(path))

    assert of("spec.paused") == "boolean"
    assert of("spec.replicas") == "integer"
    assert of("spec.template.spec.containers.*.image") == "string"
    assert of("spec.template.spec.containers.?name=nginx.ports.0.containerPort") == "integer"
    assert of("spec.template.spec.containers[name=nginx].resources.limits.cpu") == "quantity"
    assert of("metadata.labels.app") == "string"


def test_set_namespace_sets_metadata_and_binding_subjects() -> None:
    deployment = fr.set_namespace(docs(DEPLOYMENT), "myns")
    binding = fr.set_namespace(docs(ROLEBINDING), "myns")
    namespace = fr.set_namespace(docs("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foobar\n"), "myns")

    assert deployment.documents[0]["metadata"]["namespace"] == "myns"
    assert binding.documents[0]["metadata"]["namespace"] == "myns"
    assert [s["namespace"] for s in binding.documents[0]["subjects"]] == ["myns", "myns"]
    assert not namespace.changed  # a Namespace is cluster-scoped; its name is left alone


def test_set_label_and_annotation_touch_metadata_only() -> None:
    labelled = functions.set_label(docs(DEPLOYMENT), "app", "nginx")
    annotated = functions.set_annotation(docs(DEPLOYMENT), "confighub.com/upsert-test", "new-value")

    assert labelled.documents[0]["metadata"]["labels"] == {"app": "nginx"}
    assert labelled.documents[0]["spec"]["selector"]["matchLabels"] == {"app": "mydep"}
    assert annotated.documents[0]["metadata"]["annotations"] == {
        "confighub.com/key": "something",
        "confighub.com/upsert-test": "new-value",
    }


def test_delete_resource_removes_by_type_and_name_without_the_namespace() -> None:
    result = fr.delete_resource(docs(ALL_IN_ONE), "v1/ConfigMap", "foobar/myconfig")

    assert [d["kind"] for d in result.documents] == ["Service", "Namespace"]
    with pytest.raises(UserError, match="resource with type v1/ConfigMap and name foobar/nope not found"):
        fr.delete_resource(docs(ALL_IN_ONE), "v1/ConfigMap", "foobar/nope")


def test_upsert_resource_appends_then_replaces() -> None:
    service = docs(SERVICE)[0]

    added = fr.upsert_resource(docs(DEPLOYMENT), service, "v1/Service", "/my-service")
    changed = {**service, "spec": {**service["spec"], "type": "NodePort"}}
    replaced = fr.upsert_resource(added.documents, changed, "v1/Service", "my-service")

    assert [d["kind"] for d in added.documents] == ["Deployment", "Service"]
    assert replaced.documents[1]["spec"]["type"] == "NodePort" and len(replaced.documents) == 2
    assert not fr.upsert_resource(replaced.documents, changed, "v1/Service", "my-service").changed


def test_search_replace_rewrites_strings_and_leaves_numbers() -> None:
    result = fr.search_replace(docs(PLACEHOLDERS), "confighubplaceholder", "replaceme")

    document = result.documents[0]
    assert document["metadata"]["name"] == "replaceme"
    assert document["spec"]["template"]["spec"]["containers"][0]["image"] == "replaceme:latest"
    assert document["spec"]["replicas"] == 999999999


def test_placeholders_lists_strings_by_path_then_numbers() -> None:
    found = fr.placeholders(docs(PLACEHOLDERS))

    assert [a["Path"] for a in found] == [
        "metadata.labels.app",
        "metadata.name",
        "metadata.namespace",
        "spec.selector.matchLabels.app",
        "spec.template.metadata.labels.app",
        "spec.template.spec.containers.0.env.0.value",
        "spec.template.spec.containers.0.envFrom.0.configMapRef.name",
        "spec.template.spec.containers.0.image",
        "spec.template.spec.serviceAccountName",
        "spec.replicas",
    ]
    assert found[0]["ResourceName"] == "confighubplaceholder/confighubplaceholder"
    assert found[0]["ResourceType"] == "apps/v1/Deployment"
    assert found[-1]["Value"] == 999999999
    assert fr.placeholders(docs(DEPLOYMENT)) == []
