"""Placeholders, needs/provides and link order over plain data (what the link commands and delivery use)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.needs import Fill, fill_needs, provided_namespace
from mtx_gitops.core.placeholders import fill_text, find_placeholders, has_placeholders, is_placeholder
from mtx_gitops.core.scope import CLUSTER_SCOPED_KINDS
from mtx_gitops.core.unitlinks import UnitLink, apply_order, find_cycle
from mtx_gitops.errors import UserError


def namespaced(doc: dict[str, Any]) -> bool:
    return doc.get("kind") not in CLUSTER_SCOPED_KINDS


def deployment(namespace: str = "confighubplaceholder") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace},
        "spec": {"replicas": 999999999, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
    }


def test_what_is_a_placeholder() -> None:
    assert is_placeholder("confighubplaceholder") and is_placeholder("confighubplaceholder-http")
    assert is_placeholder(999999999) and is_placeholder(-999999999)
    assert not is_placeholder(True) and not is_placeholder(99999999) and not is_placeholder("traderx")
    assert fill_text("confighubplaceholdersubdomain.example.com", "eu") == "eu.example.com"  # a named one
    assert fill_text("confighubplaceholder-http", "eu") == "eu-http"


def test_placeholders_are_found_with_their_paths() -> None:
    doc = deployment()
    doc["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "HOST", "value": "confighubplaceholder.svc"}]
    assert [(p.document, p.path, p.value) for p in find_placeholders([doc])] == [
        ("apps/Deployment/confighubplaceholder/web", "metadata.namespace", "confighubplaceholder"),
        ("apps/Deployment/confighubplaceholder/web", "spec.replicas", 999999999),
        (
            "apps/Deployment/confighubplaceholder/web",
            "spec.template.spec.containers[name=web].env[name=HOST].value",
            "confighubplaceholder.svc",
        ),
    ]
    assert has_placeholders([doc]) and not has_placeholders([{"kind": "ConfigMap", "data": {"a": "b"}}])


def test_a_namespace_fills_namespaced_documents_only() -> None:
    cluster_role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": {"name": "r", "namespace": "confighubplaceholder"}}  # fmt: skip
    hook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "v"},
        "webhooks": [{"name": "w", "clientConfig": {"service": {"name": "s", "namespace": "confighubplaceholder"}}}],
    }
    filled = fill_needs([deployment(), cluster_role, hook], namespace="eu", namespaced=namespaced)
    dep, role, hook_after = filled.documents
    assert dep["metadata"]["namespace"] == "eu" and dep["spec"]["replicas"] == 999999999  # no provider of numbers
    assert role["metadata"]["namespace"] == "confighubplaceholder"  # cluster-scoped: not a need
    assert hook_after["webhooks"][0]["clientConfig"]["service"]["namespace"] == "eu"
    assert [(f.document, f.path) for f in filled.written] == [
        ("apps/Deployment//web", "metadata.namespace"),
        (
            "admissionregistration.k8s.io/ValidatingWebhookConfiguration//v",
            "webhooks[0].clientConfig.service.namespace",
        ),
    ]
    assert deployment()["metadata"]["namespace"] == "confighubplaceholder"  # the input is not changed


def test_a_refill_rewrites_what_the_link_wrote_and_nothing_else() -> None:
    previous = (Fill("apps/Deployment//web", "metadata.namespace", "confighubplaceholder-a", "eu-a"),)
    kept = fill_needs([deployment("eu-a")], namespace="asia", previous=previous, namespaced=namespaced)
    assert kept.documents[0]["metadata"]["namespace"] == "asia-a"
    assert kept.fills == (Fill("apps/Deployment//web", "metadata.namespace", "confighubplaceholder-a", "asia-a"),)
    mine = fill_needs([deployment("mine")], namespace="asia", previous=previous, namespaced=namespaced)
    assert mine.documents[0]["metadata"]["namespace"] == "mine" and mine.fills == () and not mine.changed
    gone = fill_needs([deployment("eu-a")], namespace=None, previous=previous, namespaced=namespaced)
    assert gone.fills == previous and not gone.changed  # the provider lost its name: the value stays


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True))
def test_filling_twice_changes_nothing_more(namespace: str) -> None:
    once = fill_needs([deployment()], namespace=namespace, namespaced=namespaced)
    again = fill_needs(once.documents, namespace=namespace, previous=once.fills, namespaced=namespaced)
    assert again.documents == once.documents and not again.changed and again.fills == once.fills


def test_what_a_unit_provides() -> None:
    ns = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in ("a", "confighubplaceholder")]
    assert provided_namespace(ns, provider="infra/ns") == "a"
    assert provided_namespace([deployment()], provider="infra/ns") is None
    with pytest.raises(UserError, match="provides 2 namespaces"):
        provided_namespace([ns[0], {**ns[0], "metadata": {"name": "b"}}], provider="infra/ns")


def ref(name: str) -> UnitRef:
    space, unit = name.split("/")
    return UnitRef(space, unit)


def link(source: str, target: str) -> UnitLink:
    return UnitLink(f"{ref(source).unit}-to-{ref(target).unit}", ref(source), ref(target))


def test_providers_go_first_and_circles_are_found() -> None:
    links = [link("us/trade", "infra/ns-us"), link("us/trade", "us/ref"), link("us/ref", "infra/ns-us")]
    units = [ref("us/trade"), ref("us/ref"), ref("infra/ns-us"), ref("us/other")]
    assert [str(u) for u in apply_order(units, links)] == ["infra/ns-us", "us/ref", "us/trade", "us/other"]
    assert find_cycle({ref("a/x"): {ref("b/y")}, ref("b/y"): {ref("a/x")}}) == [ref("a/x"), ref("b/y"), ref("a/x")]
    with pytest.raises(UserError, match="circle: a/x -> b/y -> a/x"):
        apply_order([ref("a/x"), ref("b/y")], [link("a/x", "b/y"), link("b/y", "a/x")])
