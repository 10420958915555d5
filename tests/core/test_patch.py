"""`mtx unit update --patch`: parsing and strategic merge patches on TraderX units."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtx_gitops.core.patch import apply_patch as untyped_apply_patch
from mtx_gitops.core.patch import parse_patch
from mtx_gitops.errors import PatchError, UserError
from mtx_gitops.schema.types import official
from tests.core.traderx import IMAGE, app, containers_of, containers_patch, trade_service


def apply_patch(documents: Any, patch: Any, **options: Any) -> Any:
    """The patch as mtx applies it: with the official Kubernetes types."""
    return untyped_apply_patch(documents, patch, types=official(), **options)


# --- parsing ----------------------------------------------------------------------------------


def test_invalid_json_is_one_line_naming_the_source_and_column() -> None:
    with pytest.raises(PatchError) as caught:
        parse_patch('{"image":1 "x":2}')
    assert str(caught.value) == "invalid patch (--patch): Expecting ',' delimiter at line 1 column 12"
    with pytest.raises(PatchError, match=r"^invalid patch \(patch.json\): Expecting value"):
        parse_patch("", source="patch.json")


def test_parse_checks_the_shape_of_each_type() -> None:
    assert parse_patch('{"spec": {"replicas": 2}}', type="strategic") == {"spec": {"replicas": 2}}
    with pytest.raises(PatchError, match="a merge patch must be a JSON object"):
        parse_patch("[1]", type="merge")
    with pytest.raises(PatchError, match="a json patch is a list of operations"):
        parse_patch('{"op": "add"}', type="json")
    with pytest.raises(PatchError, match="NaN is not valid JSON"):
        parse_patch('{"a": NaN}')
    assert issubclass(PatchError, UserError)


# --- strategic merge patch --------------------------------------------------------------------


def test_stage4_base_update_merges_container_by_name_and_env_by_name() -> None:
    base = trade_service()
    before = copy.deepcopy(base)
    patch = containers_patch(
        {
            "name": "trade-service",
            "image": f"{IMAGE}:v2",
            "env": [{"name": "TRADING_ALGORITHM", "value": "quantum"}, {"name": "TIMEOUT", "value": "60s"}],
        }
    )

    documents = apply_patch(base, patch)

    assert app(documents)["image"] == f"{IMAGE}:v2"
    assert app(documents)["env"] == [
        {"name": "REFERENCE_DATA_URL", "value": "http://reference-data:18085"},
        {"name": "TRADING_ALGORITHM", "value": "quantum"},
        {"name": "TIMEOUT", "value": "60s"},
    ]
    assert app(documents)["ports"] == before[0]["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert containers_of(documents)[1] == {"name": "proxy", "image": "envoyproxy/envoy:v1.30.1"}
    assert list(app(documents)) == ["name", "image", "args", "env", "ports"]
    assert base == before and documents[1] is base[1]


def test_a_new_container_goes_first_as_kubectl_orders_it() -> None:
    documents = apply_patch(trade_service(), containers_patch({"name": "metrics", "image": "prom/statsd:v0.26"}))
    # kubectl: elements the original did not have come before it; `$setElementOrder` decides otherwise.
    assert [c["name"] for c in containers_of(documents)] == ["metrics", "trade-service", "proxy"]

    ordered = containers_patch({"name": "metrics", "image": "prom/statsd:v0.26"})
    ordered["spec"]["template"]["spec"]["$setElementOrder/containers"] = [
        {"name": "trade-service"},
        {"name": "proxy"},
        {"name": "metrics"},
    ]
    appended = apply_patch(trade_service(), ordered)
    assert [c["name"] for c in containers_of(appended)] == ["trade-service", "proxy", "metrics"]


def test_ports_merge_by_container_port_alone_as_kubectl_does() -> None:
    same = apply_patch(
        trade_service(),
        containers_patch(
            {"name": "trade-service", "ports": [{"containerPort": 18092, "protocol": "TCP", "hostPort": 80}]}
        ),
    )
    assert app(same)["ports"] == [{"name": "http", "containerPort": 18092, "protocol": "TCP", "hostPort": 80}]

    # The patch merge key of container ports is containerPort alone (the API's patchMergeKey), so
    # kubectl merges a UDP port into the TCP port with the same number.
    udp = apply_patch(
        trade_service(),
        containers_patch({"name": "trade-service", "ports": [{"containerPort": 18092, "protocol": "UDP"}]}),
    )
    assert app(udp)["ports"] == [{"name": "http", "containerPort": 18092, "protocol": "UDP"}]


def test_patch_delete_removes_a_list_element_or_a_map() -> None:
    patch = containers_patch({"name": "trade-service", "env": [{"name": "REFERENCE_DATA_URL", "$patch": "delete"}]})
    patch["spec"]["strategy"] = {"$patch": "delete"}
    documents = apply_patch(trade_service(), patch)
    assert [e["name"] for e in app(documents)["env"]] == ["TRADING_ALGORITHM"]
    assert "strategy" not in documents[0]["spec"]

    gone = apply_patch(trade_service(), containers_patch({"name": "proxy", "$patch": "delete"}))
    assert [c["name"] for c in containers_of(gone)] == ["trade-service"]


def test_patch_replace_replaces_a_map_a_list_or_an_element() -> None:
    labels = apply_patch(trade_service(), {"metadata": {"labels": {"$patch": "replace", "tier": "backend"}}})
    assert labels[0]["metadata"]["labels"] == {"tier": "backend"}

    whole = apply_patch(trade_service(), containers_patch({"$patch": "replace"}, {"name": "only", "image": "busybox"}))
    assert containers_of(whole) == [{"name": "only", "image": "busybox"}]

    element = apply_patch(trade_service(), containers_patch({"name": "proxy", "$patch": "replace", "image": "x:1"}))
    assert containers_of(element)[1] == {"name": "proxy", "image": "x:1"}


def test_null_deletes_and_unkeyed_lists_are_replaced() -> None:
    patch = containers_patch({"name": "trade-service", "args": ["--port", "9000"]})
    patch["spec"]["replicas"] = None
    documents = apply_patch(trade_service(), patch)
    assert "replicas" not in documents[0]["spec"]
    assert app(documents)["args"] == ["--port", "9000"]


def test_retain_keys_drops_the_keys_it_does_not_list() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert apply_patch(trade_service(), patch)[0]["spec"]["strategy"] == {"type": "Recreate"}
    with pytest.raises(PatchError, match=r"spec.strategy: \$retainKeys does not list 'rollingUpdate'"):
        apply_patch(trade_service(), {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}})


def test_delete_from_primitive_list_and_set_element_order() -> None:
    service = {
        "kind": "Service",
        "metadata": {"name": "trade-service", "$deleteFromPrimitiveList/finalizers": ["b"]},
    }
    base = trade_service()
    documents = apply_patch(base, service)
    assert documents[1]["metadata"]["finalizers"] == ["a", "c"]
    assert documents[0] is base[0]

    order = {"$setElementOrder/containers": [{"name": "proxy"}, {"name": "trade-service"}]}
    reordered = apply_patch(trade_service(), {"spec": {"template": {"spec": order}}})
    assert [c["name"] for c in containers_of(reordered)] == ["proxy", "trade-service"]
    assert "$setElementOrder/containers" not in reordered[0]["spec"]["template"]["spec"]


def test_directives_never_reach_the_result() -> None:
    patch = {"spec": {"newField": {"$patch": "replace", "a": {"$patch": "delete"}, "b": 1}}}
    assert apply_patch(trade_service(), patch)[0]["spec"]["newField"] == {"b": 1}


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"spec": {"$patch": "explode"}}, "spec: unknown $patch directive 'explode'"),
        (containers_patch({"image": "x"}), "spec.template.spec.containers[0]: element has no merge key name"),
        (
            containers_patch("trade-service"),
            "spec.template.spec.containers[0]: expected an object keyed by name",
        ),
        (
            {"metadata": {"name": None}},
            "the patch would leave Deployment/trade-service without metadata.name",
        ),
        ({"kind": None}, "the patch would leave Deployment/trade-service without kind"),
        ({"$patch": "delete"}, "the patch would delete Deployment/trade-service"),
        ({"kind": "Ingress", "metadata": {"name": "web"}}, "the patch names Ingress/web, which is not"),
    ],
)
def test_bad_strategic_patches_are_refused(patch: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError) as caught:
        apply_patch(trade_service(), patch)
    assert str(caught.value).startswith(message)


def test_a_patch_naming_a_document_applies_to_it() -> None:
    patch = {"kind": "Service", "metadata": {"name": "trade-service"}, "spec": {"type": "NodePort"}}
    base = trade_service()
    documents = apply_patch(base, patch)
    assert documents[1]["spec"] == {"ports": [{"port": 18092}], "type": "NodePort"}
    assert documents[0] is base[0]
