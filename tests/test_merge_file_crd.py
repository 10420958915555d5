"""`mtx merge-file --crd FILE`: files outside a repo merge custom resources by their CRD's schema."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import run

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "gateways.net.example.com"},
    "spec": {
        "group": "net.example.com",
        "names": {"kind": "Gateway", "plural": "gateways"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "listeners": {
                                        "type": "array",
                                        "x-kubernetes-list-type": "map",
                                        "x-kubernetes-list-map-keys": ["port"],
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "port": {"type": "integer"},
                                                "timeout": {"type": "string"},
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


def _gateway(timeouts: tuple[str, str]) -> str:
    listeners = [{"port": 80, "timeout": timeouts[0]}, {"port": 443, "timeout": timeouts[1]}]
    doc = {
        "apiVersion": "net.example.com/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge"},
        "spec": {"listeners": listeners},
    }
    return yaml.safe_dump(doc)


def _files(tmp_path: Path) -> list[str]:
    names = []
    for name, timeouts in (("original", ("5s", "5s")), ("updated", ("10s", "5s")), ("local", ("5s", "30s"))):
        path = tmp_path / f"{name}.yaml"
        path.write_text(_gateway(timeouts), encoding="utf-8")
        names.append(str(path))
    return names


def test_a_crd_keys_its_list_so_two_edits_to_two_listeners_merge(tmp_path: Path) -> None:
    crd = tmp_path / "crd.yaml"
    crd.write_text(yaml.safe_dump(CRD), encoding="utf-8")

    result = run("-o", "json", "merge-file", *_files(tmp_path), "--crd", str(crd))

    assert result.code == 0, result.err
    merged = yaml.safe_load(json.loads(result.out)["merged"])
    assert merged["spec"]["listeners"] == [{"port": 80, "timeout": "10s"}, {"port": 443, "timeout": "30s"}]
    assert json.loads(result.out)["conflicts"] == []


def test_without_the_crd_the_list_is_one_value_and_the_edits_conflict(tmp_path: Path) -> None:
    result = run("-o", "json", "merge-file", *_files(tmp_path))

    assert result.code == 0, result.err
    assert [c["path"] for c in json.loads(result.out)["conflicts"]] == ["spec.listeners"]
