"""`mtx run set-string-path`, `set-label` and `set-annotation`."""

from __future__ import annotations

import pytest

from mtx_gitops.core.functions import set_annotation, set_label, set_string_path
from mtx_gitops.errors import UserError
from tests.core.traderx import env_of, service_unit

# --- set-string-path, labels and annotations ---------------------------------------------------


def test_set_string_path_sets_only_where_the_parent_exists() -> None:
    unit = service_unit("trade-service")
    path = "spec.template.spec.containers[name=trade-service].env[name=TRADING_ALGORITHM].value"

    documents, changed, _ = set_string_path(unit, path, "classic")

    assert changed and env_of(documents[0])["TRADING_ALGORITHM"] == "classic"
    assert documents[1] is unit[1]


def test_set_string_path_makes_the_path_in_the_first_document_when_nowhere_else() -> None:
    unit = service_unit("trade-service")
    documents = set_string_path(unit, 'metadata.annotations["mtx.dev/owner"]', "team-a").documents
    assert documents[0]["metadata"]["annotations"] == {"mtx.dev/owner": "team-a"}
    assert documents[1] is unit[1]


def test_set_string_path_can_be_limited_to_a_kind() -> None:
    unit = service_unit("trade-service")
    documents = set_string_path(unit, "spec.type", "NodePort", kind="Service").documents
    assert documents[1]["spec"]["type"] == "NodePort" and documents[0] is unit[0]
    assert set_string_path(unit, "spec.type", "x", kind="Ingress").notes == ["no Ingress document to set spec.type in"]


def test_set_string_path_refuses_a_bad_path() -> None:
    with pytest.raises(UserError, match="invalid path"):
        set_string_path(service_unit("trade-service"), "spec..replicas", "2")


def test_set_label_touches_metadata_only_never_the_pod_template() -> None:
    unit = service_unit("trade-service")
    documents, changed, _ = set_label(unit, "region", "eu")
    assert changed
    assert [d["metadata"]["labels"]["region"] for d in documents] == ["eu", "eu"]
    assert "region" not in documents[0]["spec"]["template"]["metadata"]["labels"]
    assert list(documents[1]["metadata"]) == ["name", "labels"]


def test_set_annotation_takes_any_string_value() -> None:
    documents = set_annotation(service_unit("trade-service"), "mtx.dev/reason", "markets closed: scale down").documents
    assert documents[0]["metadata"]["annotations"] == {"mtx.dev/reason": "markets closed: scale down"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("Region Bad", "eu", "invalid label key 'Region Bad'"),
        ("a/b/c", "eu", "invalid label key 'a/b/c': a key has at most one '/'"),
        ("Example.com/x", "eu", "invalid label key 'Example.com/x': the prefix"),
        ("/x", "eu", "invalid label key '/x': the prefix"),
        ("-x", "eu", "invalid label key '-x'"),
        ("x" * 64, "eu", "invalid label key"),
        ("", "eu", "invalid label key '': the key is empty"),
        ("region", "x" * 64, "invalid label value"),
        ("region", "-eu", "invalid label value '-eu' for region"),
        ("region", "e u", "invalid label value"),
    ],
)
def test_bad_labels_are_refused(key: str, value: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        set_label(service_unit("trade-service"), key, value)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(("key", "value"), [("mtx.dev/space", "traderx-prod-eu"), ("tier", ""), ("a.b_c-d", "A.b_9")])
def test_good_labels_are_set(key: str, value: str) -> None:
    assert set_label(service_unit("trade-service"), key, value).documents[0]["metadata"]["labels"][key] == value


def test_bad_annotation_keys_are_refused() -> None:
    with pytest.raises(UserError, match="invalid annotation key 'a b'"):
        set_annotation(service_unit("trade-service"), "a b", "x")
