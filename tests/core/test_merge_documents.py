"""Merging the documents of a unit: matched by identity, with kpt's resource-level rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtx_gitops.core.merge3 import merge_documents


def deployment(name: str, *, replicas: int = 1, image: str = "v1") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "traderx"},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": name, "image": image}]}}},
    }


def service(name: str, *, port: int = 80) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "traderx"},
        "spec": {"ports": [{"port": port, "protocol": "TCP"}]},
    }


def names(docs: list[dict[str, Any]]) -> list[str]:
    return [f"{doc['kind']}/{doc['metadata']['name']}" for doc in docs]


def test_documents_merge_by_identity_in_local_order() -> None:
    original = [deployment("trade-service"), service("trade-service")]
    updated = [service("trade-service", port=8080), deployment("trade-service", image="v2")]
    local = [deployment("trade-service", replicas=5), service("trade-service")]

    merged = merge_documents(original, updated, local, policy="local")

    assert names(merged.documents) == ["Deployment/trade-service", "Service/trade-service"]
    assert merged.documents[0]["spec"]["replicas"] == 5
    assert merged.documents[0]["spec"]["template"]["spec"]["containers"][0]["image"] == "v2"
    assert merged.documents[1]["spec"]["ports"][0]["port"] == 8080
    assert merged.conflicts == []
    assert merged.notes == []


def test_a_document_added_upstream_is_appended() -> None:
    merged = merge_documents(
        [deployment("a")], [deployment("a"), service("b")], [deployment("a", replicas=2)], policy="local"
    )

    assert names(merged.documents) == ["Deployment/a", "Service/b"]


def test_a_document_deleted_locally_is_not_re_added() -> None:
    merged = merge_documents(
        [deployment("a"), service("b")], [deployment("a"), service("b")], [deployment("a")], policy="upstream"
    )

    assert names(merged.documents) == ["Deployment/a"]
    assert merged.conflicts == []


@pytest.mark.parametrize(("policy", "kept"), [("local", False), ("fail", False), ("upstream", True)])
def test_a_document_deleted_locally_but_changed_upstream_is_a_conflict(policy: str, kept: bool) -> None:
    merged = merge_documents(
        [deployment("a"), service("b")],
        [deployment("a"), service("b", port=81)],
        [deployment("a")],
        policy=policy,  # type: ignore[arg-type]
    )

    assert ("Service/b" in names(merged.documents)) is kept
    [conflict] = merged.conflicts
    assert (conflict.path, conflict.document, conflict.local) == ("", "/Service/traderx/b", None)
    assert conflict.upstream == service("b", port=81)
    assert merged.notes == [
        "/Service/traderx/b deleted locally but changed upstream: " + ("re-added" if kept else "not re-added")
    ]


def test_a_document_deleted_upstream_and_unchanged_locally_is_removed_and_noted() -> None:
    merged = merge_documents(
        [deployment("a"), service("b")], [deployment("a")], [deployment("a"), service("b")], policy="local"
    )

    assert names(merged.documents) == ["Deployment/a"]
    assert merged.conflicts == []
    assert merged.notes == ["/Service/traderx/b deleted upstream: removed"]


@pytest.mark.parametrize("policy", ["local", "upstream"])
def test_a_document_deleted_upstream_but_edited_locally_is_kept_and_reported(policy: str) -> None:
    edited = deployment("trade-service", replicas=5)

    merged = merge_documents([deployment("trade-service")], [], [edited], policy=policy)  # type: ignore[arg-type]

    assert merged.documents == [edited]  # kpt keeps it under every policy
    [conflict] = merged.conflicts
    assert (conflict.path, conflict.document, conflict.upstream) == ("", "apps/Deployment/traderx/trade-service", None)
    assert conflict.resolution == "local"
    assert merged.notes == ["apps/Deployment/traderx/trade-service deleted upstream but edited locally: kept"]


def test_a_document_added_on_both_sides_merges_with_an_empty_base() -> None:
    merged = merge_documents(
        [], [deployment("a", replicas=2, image="v2")], [deployment("a", replicas=3, image="v2")], policy="local"
    )

    assert merged.documents == [deployment("a", replicas=3, image="v2")]
    assert [(c.path, c.base, c.upstream, c.local, c.document) for c in merged.conflicts] == [
        ("spec.replicas", None, 2, 3, "apps/Deployment/traderx/a")
    ]


def test_field_conflicts_carry_their_document() -> None:
    merged = merge_documents(
        [deployment("a"), deployment("b")],
        [deployment("a", replicas=2), deployment("b", replicas=2)],
        [deployment("a", replicas=3), deployment("b")],
        policy="upstream",
    )

    assert [(c.document, c.path) for c in merged.conflicts] == [("apps/Deployment/traderx/a", "spec.replicas")]
    assert [doc["spec"]["replicas"] for doc in merged.documents] == [2, 2]


def test_inputs_are_left_alone() -> None:
    sides = ([deployment("a")], [deployment("a", image="v2"), service("b")], [deployment("a", replicas=4)])
    before = copy.deepcopy(sides)

    merge_documents(*sides, policy="local")

    assert sides == before


def test_single_documents_are_one_object_whatever_their_identity() -> None:
    renamed = deployment("trade-svc", image="v2")

    merged = merge_documents(
        [deployment("trade-service")], [renamed], [deployment("trade-service", replicas=5)], policy="local"
    )

    assert merged.documents == [deployment("trade-svc", replicas=5, image="v2")]
    assert (merged.conflicts, merged.notes) == ([], [])


def test_single_documents_renamed_on_both_sides_conflict_on_the_name() -> None:
    merged = merge_documents([service("a")], [service("b")], [service("c")], policy="upstream")

    assert merged.documents == [service("b")]
    assert [(c.document, c.path, c.base, c.upstream, c.local) for c in merged.conflicts] == [
        ("/Service/traderx/c", "metadata.name", "a", "b", "c")
    ]


def test_a_single_document_deleted_locally_stays_deleted_even_if_renamed_upstream() -> None:
    merged = merge_documents([service("a")], [service("b", port=81)], [], policy="local")

    assert merged.documents == []
    assert [(c.document, c.path) for c in merged.conflicts] == [("/Service/traderx/b", "")]


def test_multi_document_files_pair_by_identity_and_a_lone_rename_as_a_rename() -> None:
    merged = merge_documents(
        [deployment("a"), service("a")],
        [deployment("a"), service("b")],
        [deployment("a", replicas=3), service("a")],
        policy="local",
    )

    assert names(merged.documents) == ["Deployment/a", "Service/b"]
    assert merged.notes == []  # Service a became b upstream: one object renamed, not one deleted and one added
    assert merged.documents[0]["spec"]["replicas"] == 3

    two_new = merge_documents(
        [deployment("a"), service("a")],
        [deployment("a"), service("b"), service("c")],
        [deployment("a"), service("a")],
        policy="local",
    )
    assert names(two_new.documents) == ["Deployment/a", "Service/b", "Service/c"]
    assert two_new.notes == ["/Service/traderx/a deleted upstream: removed"]


def test_different_objects_added_on_both_sides_without_an_original_stay_two() -> None:
    merged = merge_documents([], [service("upstream-side")], [service("local-side")], policy="local")

    assert names(merged.documents) == ["Service/local-side", "Service/upstream-side"]
    assert merged.conflicts == []
