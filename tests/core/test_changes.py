"""Where two values differ, as leaf field paths."""

from __future__ import annotations

from typing import Any

from mtx_gitops.core.changes import is_within, unexplained
from mtx_gitops.core.merge3 import ABSENT, changed_paths, merge_values

CONTAINER = "spec.template.spec.containers[name=trade-service]"


def pod(image: str, **env: str) -> dict[str, Any]:
    container = {"name": "trade-service", "image": image, "env": [{"name": k, "value": v} for k, v in env.items()]}
    return {"spec": {"replicas": 3, "template": {"spec": {"containers": [container]}}}}


def test_changed_paths_lists_leaf_fields_with_keyed_elements() -> None:
    before = pod("v1", TIMEOUT="30s")
    after = pod("v2", TIMEOUT="30s", CIRCUIT_BREAKER="true")

    assert changed_paths(before, after) == [
        f"{CONTAINER}.image",
        f"{CONTAINER}.env[name=CIRCUIT_BREAKER].name",
        f"{CONTAINER}.env[name=CIRCUIT_BREAKER].value",
    ]


def test_key_order_is_no_change_but_types_and_list_order_are() -> None:
    assert changed_paths({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}) == []
    assert changed_paths({"a": 1}, {"a": True}) == ["a"]
    assert changed_paths({"a": 1}, {"a": 1.0}) == ["a"]
    assert changed_paths({"args": [1, 2]}, {"args": [2, 1]}) == ["args"]


def test_a_value_on_one_side_only_gives_its_leaves() -> None:
    assert changed_paths(ABSENT, {"a": {"b": 1, "c": []}}) == ["a.b", "a.c"]
    assert changed_paths({"a": {}}, {}) == ["a"]
    assert changed_paths({"a": None}, {}) == ["a"]


def test_unexplained_lists_differences_no_conflict_covers() -> None:
    merged, conflicts = merge_values(pod("v1"), pod("v2"), pod("v3"), policy="local")
    upstream, _ = merge_values(pod("v1"), pod("v2"), pod("v3"), policy="upstream")

    assert unexplained(merged, upstream, conflicts) == []
    assert unexplained(merged, upstream, []) == [f"{CONTAINER}.image"]


def test_a_path_lies_within_itself_and_its_parents_only() -> None:
    path = f"{CONTAINER}.env[name=X].value"

    assert is_within(path, path)
    assert is_within(path, CONTAINER)
    assert is_within(path, "spec")
    assert is_within(path, "")
    assert not is_within("spec.replicasx", "spec.replicas")
    assert not is_within("spec", path)
