"""Identical copies of a unit are merged and rewritten once per distinct content, each copy landing right."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mtx_gitops import yaml as mtx_yaml
from mtx_gitops.ops import upgrade
from tests.conftest import Mtx

SPACES = ("eu", "us", "asia", "apac")


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def copies(m: Mtx) -> None:
    """Four copies of traderx-base; `us` scaled its trade-service, so that copy differs."""
    m("space", "create", "traderx-base")
    for unit in ("reference-data", "trade-service"):
        m("unit", "create", unit, str(m.root / f"base/{unit}.yaml"), "--space", "traderx-base")
    for space in SPACES:
        m("space", "create", space)
        m("unit", "create", "--space", space, "--upstream-space", "traderx-base")
    m("unit", "update", "trade-service", "--space", "us", "--patch", '{"spec":{"replicas":5}}')


def text(m: Mtx, space: str, unit: str) -> str:
    return (m.root / f"spaces/{space}/{unit}.yaml").read_text()


def test_an_upgrade_merges_and_rewrites_each_distinct_copy_once(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    copies(mtx)
    patch = {
        "spec": {
            "replicas": 3,
            "template": {
                "spec": {"containers": [{"name": "trade-service", "image": "ghcr.io/finos/traderx/trade-service:v2"}]}
            },
        }
    }
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(patch))
    merges = counting(monkeypatch, upgrade, "merge_documents")
    rewrites = counting(monkeypatch, mtx_yaml, "rewrite")
    result = mtx.json("unit", "update", "--upgrade", "--space", "*")
    changed = sorted(u["space"] for u in result["units"] if u["changed"])
    assert changed == sorted(SPACES)
    assert len(merges) == 2 and len(rewrites) == 2  # the three unscaled copies share one merge and one text
    conflicts = {u["space"]: u["conflicts"] for u in result["units"]}
    assert conflicts["us"] and [c["local"] for c in conflicts["us"]] == [5]
    assert not any(conflicts[space] for space in SPACES if space != "us")
    trailers = mtx.git("log", "-1", "--format=%B").count("Mtx-Conflict:")
    assert trailers == 1
    base = text(mtx, "traderx-base", "trade-service")
    assert all(text(mtx, space, "trade-service") == base for space in SPACES if space != "us")
    scaled = text(mtx, "us", "trade-service")
    assert scaled == base.replace("replicas: 3", "replicas: 5")
    links = {mtx.git("show", f"HEAD:spaces/{space}/.mtx/links/trade-service.yaml") for space in SPACES}
    assert len(links) == 1  # every copy's merge base advanced to the same upstream blob


def test_a_bulk_function_rewrites_each_distinct_copy_once(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    copies(mtx)
    rewrites = counting(monkeypatch, mtx_yaml, "rewrite")
    result = mtx.json("run", "set-image", "--image", ":v9", "--space", "*")
    assert sum(u["changed"] for u in result["units"]) == 2 * (len(SPACES) + 1)
    # reference-data: the base and its four copies share one text; trade-service: the base and the three
    # unscaled copies share one, `us` has its own. Three distinct (text, new data) pairs in all.
    assert len(rewrites) == 3
    for space in ("traderx-base", *SPACES):
        for unit in ("reference-data", "trade-service"):
            data = mtx_yaml.load_documents(text(mtx, space, unit), source=unit)
            assert data[0]["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":v9")
    assert text(mtx, "us", "trade-service").count("replicas: 5") == 1
