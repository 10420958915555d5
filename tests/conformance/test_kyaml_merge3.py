"""kyaml merge3 conformance: the 72 vectors of `conformance/kyaml-merge3/` (SPEC §3).

Under `--on-conflict upstream` mtx must produce kyaml's result; under the default `local` policy,
every place the result departs from kyaml's must be named by a reported conflict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mtx_gitops.core.changes import unexplained
from mtx_gitops.core.kube_types import Node
from mtx_gitops.core.merge3 import ABSENT, merge_values
from mtx_gitops.core.schemahints import schema_hints
from mtx_gitops.schema.types import official
from mtx_gitops.yaml import commented_fields
from tests.conformance.vectors import VECTORS, cases

CASES = cases()


def _parse(text: str | None) -> Any:
    if text is None or not text.strip():
        return ABSENT
    return yaml.safe_load(text)


def _case(path: Path) -> tuple[dict[str, Any], tuple[Any, Any, Any], Any, dict[str, Any]]:
    vector = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [vector.get(name) or "" for name in ("origin", "update", "local")]
    sides = (_parse(texts[0]), _parse(texts[1]), _parse(texts[2]))
    return vector, sides, _parse(vector.get("expected")), schema_hints(*map(commented_fields, texts), types=official())


def _type(*sides: Any) -> Node | None:
    """The official type of the vector's object (its local side, else upstream, else origin)."""
    return next((node for side in reversed(sides) if (node := official().for_document(side))), None)


def test_the_suite_is_there() -> None:
    assert len(list(VECTORS.glob("*.yaml"))) == 72


@pytest.mark.parametrize("path", CASES)
def test_upstream_policy_reproduces_kyaml(path: Path) -> None:
    _, (origin, update, local), expected, hints = _case(path)

    merged, _ = merge_values(origin, update, local, policy="upstream", hints=hints, node=_type(origin, update, local))

    assert merged == expected


@pytest.mark.parametrize("path", CASES)
def test_local_policy_reports_every_departure_from_kyaml(path: Path) -> None:
    _, (origin, update, local), expected, hints = _case(path)

    node = _type(origin, update, local)
    merged, conflicts = merge_values(origin, update, local, policy="local", hints=hints, node=node)

    assert unexplained(merged, expected, conflicts, hints=hints, node=node) == []
    assert all(conflict.resolution == "local" for conflict in conflicts)


def test_comment_schemas_become_list_key_hints() -> None:
    hints = {path.stem: _case(path)[3] for path in VECTORS.glob("*.yaml")}

    def named(hint: Any) -> Any:
        return hint.definition if isinstance(hint, Node) else hint

    assert hints["element-18"]["spec.template.spec.containers"] == ("name",)
    assert named(hints["element-18"]["spec.template.spec.containers[*]"]) == "io.k8s.api.core.v1.Container"
    assert hints["element-19"]["spec.template.spec.containers"] == ("name",)
    assert named(hints["element-20"]["spec"]) == "io.k8s.api.core.v1.PodSpec"
    assert named(hints["element-21"]["spec"]) == "io.k8s.api.core.v1.PodSpec"
    assert hints["scalar-03"] == {}
    # The named definitions give the keys below them, from the official schema.
    pod_spec = hints["element-20"]["spec"]
    assert pod_spec.child("containers").list_keys() == ("name",)
    assert pod_spec.child("containers").items().child("ports").list_keys() == ("containerPort", "protocol")


def test_element_16_infers_list_keys_from_the_elements() -> None:
    vector, (origin, update, local), expected, _ = _case(VECTORS / "element-16.yaml")
    assert vector["infer_list_keys"] is True

    merged, conflicts = merge_values(origin, update, local, policy="local")

    assert merged == expected
    assert conflicts == []
