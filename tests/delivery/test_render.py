"""Rendering a space: namespaces, labels, commit and hash, Service protocols, order, directory output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.core.model import Space, UnitRef
from mtx_gitops.delivery.directory import write_directory
from mtx_gitops.delivery.render import content_hash, render_space
from mtx_gitops.errors import UserError
from tests.delivery.traderx import config_map, deployment, render, service

SHA = "a" * 40


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def crd(kind: str, scope: str) -> dict[str, Any]:
    plural = f"{kind.lower()}s"
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.example.com"},
            "spec": {"group": "example.com", "scope": scope, "names": {"kind": kind, "plural": plural}}}  # fmt: skip


def test_stage1_reference_data_is_labelled_for_its_space() -> None:
    (dep,) = render("traderx", {"reference-data": [deployment("reference-data")]}, commit=SHA)

    assert dep["metadata"]["namespace"] == "traderx"
    assert dep["metadata"]["labels"] == {"app": "reference-data", "mtx.dev/space": "traderx",
                                         "mtx.dev/unit": "reference-data", "mtx.dev/inventory": "traderx"}  # fmt: skip
    assert dep["metadata"]["annotations"]["mtx.dev/commit"] == SHA
    assert dep["metadata"]["annotations"]["mtx.dev/unit-hash"] == content_hash(dep)
    assert list(dep["metadata"]) == ["name", "namespace", "labels", "annotations"]


def test_space_namespace_overrides_the_space_name_but_not_an_explicit_one() -> None:
    pinned = config_map("pinned")
    pinned["metadata"]["namespace"] = "elsewhere"

    objs = render("traderx-prod-eu", {"a": [config_map("plain"), pinned]}, namespace="eu")

    assert [o["metadata"]["namespace"] for o in objs] == ["eu", "elsewhere"]


def test_cluster_scoped_kinds_get_no_namespace() -> None:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "x"}}
    gadget = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}}

    objs = render("infra", {"crds": [crd("Widget", "Cluster"), crd("Gadget", "Namespaced")],
                            "objects": [role, widget, gadget]})  # fmt: skip

    assert {o["metadata"]["name"]: o["metadata"].get("namespace") for o in objs} == {
        "widgets.example.com": None,
        "gadgets.example.com": None,
        "r": None,
        "w": None,
        "g": "infra",
    }


def test_namespaces_and_crds_come_first_then_unit_order() -> None:
    objs = render("infra", {"web": [service("web"), deployment("web")], "ns": [namespace("traderx")],
                            "crd": [crd("Widget", "Namespaced")]})  # fmt: skip

    assert [o["kind"] for o in objs] == ["Namespace", "CustomResourceDefinition", "Service", "Deployment"]


def test_service_ports_get_protocol_tcp() -> None:
    udp = service("dns")
    udp["spec"]["ports"].append({"port": 53, "protocol": "UDP"})

    (svc,) = render("traderx", {"dns": [udp]})

    assert [p["protocol"] for p in svc["spec"]["ports"]] == ["TCP", "UDP"]
    assert "protocol" not in udp["spec"]["ports"][0]  # the unit's documents are not touched


def test_hash_ignores_the_commit_but_not_the_content_or_the_space() -> None:
    def hashed(space: str, replicas: int, commit: str) -> str:
        (dep,) = render(space, {"svc": [deployment("svc", replicas=replicas)]}, commit=commit)
        return str(dep["metadata"]["annotations"]["mtx.dev/unit-hash"])

    assert hashed("eu", 5, "1" * 40) == hashed("eu", 5, "2" * 40)
    assert hashed("eu", 5, SHA) != hashed("eu", 3, SHA)
    assert hashed("eu", 5, SHA) != hashed("us", 5, SHA)


def test_two_units_defining_one_object_are_refused() -> None:
    with pytest.raises(UserError, match="both unit a and unit b"):
        render("traderx", {"a": [config_map("settings")], "b": [config_map("settings")]})


def test_render_is_deterministic() -> None:
    units = [(UnitRef("s", "u"), [deployment("u"), service("u")])]
    first = render_space(units, space=Space("s"), commit=SHA)
    assert json.dumps(first) == json.dumps(render_space(units, space=Space("s"), commit=SHA))


def test_render_out_writes_one_file_per_unit_and_drops_stale_ones(tmp_path: Path) -> None:
    def dump(docs: list[dict[str, Any]]) -> str:
        return "".join(json.dumps(doc, sort_keys=True) + "\n" for doc in docs)

    objs = render("traderx", {"web": [deployment("web"), service("web")], "settings": [config_map("settings")]})
    (tmp_path / "traderx").mkdir()
    (tmp_path / "traderx" / "gone.yaml").write_text("old")

    done = write_directory(objs, tmp_path, dump=dump)

    assert sorted(p.name for p in (tmp_path / "traderx").iterdir()) == ["settings.yaml", "web.yaml"]
    assert len((tmp_path / "traderx" / "web.yaml").read_text().splitlines()) == 2
    assert [p.name for p in done.written] == ["settings.yaml", "web.yaml"]
    assert [p.name for p in done.deleted] == ["gone.yaml"]
    again = write_directory(objs, tmp_path, dump=dump)
    assert again.written == again.deleted == []  # unchanged files are left alone


def test_render_out_dry_run_says_what_it_would_write_and_touches_nothing(tmp_path: Path) -> None:
    objs = render("traderx", {"web": [deployment("web")], "settings": [config_map("settings")]})
    (tmp_path / "traderx").mkdir()
    (tmp_path / "traderx" / "gone.yaml").write_text("old")

    plan = write_directory(objs, tmp_path, dry_run=True)

    assert [p.name for p in plan.written] == ["settings.yaml", "web.yaml"]
    assert [p.name for p in plan.deleted] == ["gone.yaml"]
    assert sorted(p.name for p in (tmp_path / "traderx").iterdir()) == ["gone.yaml"]
    assert write_directory(objs, tmp_path / "fresh", dry_run=True).written
    assert not (tmp_path / "fresh").exists()
