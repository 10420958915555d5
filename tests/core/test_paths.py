"""Field paths: parse and format, get, set and delete over plain Kubernetes-shaped data."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.paths import Step, delete_path, format_path, get_all, parse_path, set_path
from mtx_gitops.errors import UserError


def trade_service() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "trade-service",
            "annotations": {"mtx.dev/space": "traderx-prod-eu", "note": "x"},
        },
        "spec": {
            "replicas": 5,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "trade-service",
                            "image": "ghcr.io/finos/traderx/trade-service:v1",
                            "args": ["--port", "18092"],
                            "ports": [{"containerPort": 18092}, {"containerPort": 9090, "protocol": "UDP"}],
                            "env": [{"name": "TRADING_ALGORITHM", "value": "standard"}],
                        },
                        {
                            "name": "sidecar",
                            "image": "envoy:1.29",
                            "env": [{"name": "TRADING_ALGORITHM", "value": "none"}],
                        },
                    ]
                }
            },
        },
    }


CONTAINERS = "spec.template.spec.containers"


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("spec.replicas", (Step(key="spec"), Step(key="replicas"))),
        (
            "containers[name=trade-service]",
            (Step(key="containers"), Step(match=(("name", "trade-service"),))),
        ),
        (
            "ports[containerPort=8080,protocol=TCP]",
            (Step(key="ports"), Step(match=(("containerPort", "8080"), ("protocol", "TCP")))),
        ),
        ("containers[*]", (Step(key="containers"), Step(wildcard=True))),
        ("args[0]", (Step(key="args"), Step(index=0))),
        ("args[-1]", (Step(key="args"), Step(index=-1))),
        (
            'metadata.annotations["mtx.dev/space"]',
            (Step(key="metadata"), Step(key="annotations"), Step(key="mtx.dev/space")),
        ),
        ("a['x']", (Step(key="a"), Step(key="x"))),
        ("c[name='a.b']", (Step(key="c"), Step(match=(("name", "a.b"),)))),
        ("c[ name = a , 'x y'=\"it's\" ]", (Step(key="c"), Step(match=(("name", "a"), ("x y", "it's"))))),
        ("a['it''s']", (Step(key="a"), Step(key="it's"))),
        ("[0].x", (Step(index=0), Step(key="x"))),
    ],
)
def test_parse_path(text: str, steps: tuple[Step, ...]) -> None:
    assert parse_path(text) == steps
    assert parse_path(format_path(steps)) == steps


def test_format_path_is_canonical() -> None:
    assert format_path(parse_path("a['b']")) == "a.b"
    assert format_path(parse_path("m['x.y']")) == 'm["x.y"]'
    assert format_path(parse_path("c[ name = 'a' ]")) == "c[name=a]"
    assert format_path(parse_path("c[name='a b']")) == "c[name='a b']"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a field name at column 1"),
        ("spec.", "expected a field name at column 6"),
        (".spec", "expected a field name at column 1"),
        ("spec..x", "expected a field name at column 6"),
        ("a[", "expected '*', an index, a quoted key or field=value at column 3"),
        ("a[name]", "expected '=' at column 7"),
        ("a[name=]", "expected a value at column 8"),
        ("a[name=x", "expected ',' or ']' at column 9"),
        ("a[*", "expected ']' at column 4"),
        ('a["x', 'expected a closing " at column 5'),
        ("a b", "expected '.' or '[' at column 2"),
        ("a[x=1,]", "expected a field name at column 7"),
    ],
)
def test_parse_errors_name_the_column(text: str, message: str) -> None:
    with pytest.raises(UserError, match=f"invalid path {text!r}: {message}$".replace("[", r"\[").replace("*", r"\*")):
        parse_path(text)


def test_parsed_paths_are_cached() -> None:
    assert parse_path("spec.template.spec") is parse_path("spec.template.spec")


def test_get_all_follows_keys_selectors_wildcards_and_indexes() -> None:
    unit = trade_service()
    assert get_all(unit, "spec.replicas") == [5]
    assert get_all(unit, f"{CONTAINERS}[name=trade-service].image") == ["ghcr.io/finos/traderx/trade-service:v1"]
    assert get_all(unit, f"{CONTAINERS}[*].image") == ["ghcr.io/finos/traderx/trade-service:v1", "envoy:1.29"]
    assert get_all(unit, f"{CONTAINERS}[*].env[name=TRADING_ALGORITHM].value") == ["standard", "none"]
    assert get_all(unit, f"{CONTAINERS}[0].args[-1]") == ["18092"]
    assert get_all(unit, 'metadata.annotations["mtx.dev/space"]') == ["traderx-prod-eu"]
    assert get_all(unit, "metadata.annotations[*]") == ["traderx-prod-eu", "x"]


def test_selector_values_compare_as_text_with_kubernetes_defaults() -> None:
    unit = trade_service()
    ports = f"{CONTAINERS}[name=trade-service].ports"
    assert get_all(unit, f"{ports}[containerPort=18092,protocol=TCP]") == [{"containerPort": 18092}]
    assert get_all(unit, f"{ports}[containerPort=9090,protocol=TCP]") == []
    assert get_all(unit, f"{ports}[containerPort=9090,protocol=UDP]") == [{"containerPort": 9090, "protocol": "UDP"}]
    assert get_all([{"on": True}, {"on": False}], "[on=true]") == [{"on": True}]


@pytest.mark.parametrize(
    "path",
    ["spec.missing", "spec.replicas.deeper", f"{CONTAINERS}[name=nope].image", f"{CONTAINERS}[7]", "kind[0]"],
)
def test_get_all_of_a_missing_path_is_empty(path: str) -> None:
    assert get_all(trade_service(), path) == []


def test_set_path_changes_every_match_and_counts_places() -> None:
    unit = trade_service()
    assert set_path(unit, "spec.replicas", 2) == 1
    assert set_path(unit, f"{CONTAINERS}[*].env[name=TRADING_ALGORITHM].value", "quantum") == 2
    assert get_all(unit, f"{CONTAINERS}[*].env[*].value") == ["quantum", "quantum"]
    assert get_all(unit, "spec.replicas") == [2]


def test_set_path_creates_missing_maps() -> None:
    unit = trade_service()
    assert set_path(unit, 'metadata.labels["app.kubernetes.io/name"]', "trade-service") == 1
    assert unit["metadata"]["labels"] == {"app.kubernetes.io/name": "trade-service"}


def test_set_path_treats_a_null_field_as_missing() -> None:
    unit = {"metadata": {"labels": None}}
    assert set_path(unit, "metadata.labels.tier", "backend") == 1
    assert unit == {"metadata": {"labels": {"tier": "backend"}}}


def test_set_path_adds_a_keyed_element_with_its_key_fields() -> None:
    unit = trade_service()
    container = f"{CONTAINERS}[name=trade-service]"
    assert set_path(unit, f"{container}.env[name=CIRCUIT_BREAKER].value", "true") == 1
    assert get_all(unit, f"{container}.env[-1]") == [{"name": "CIRCUIT_BREAKER", "value": "true"}]
    assert set_path(unit, f"{container}.ports[containerPort=8080,protocol=TCP].name", "http") == 1
    assert get_all(unit, f"{container}.ports[-1]") == [{"containerPort": 8080, "protocol": "TCP", "name": "http"}]


def test_set_path_of_a_selector_replaces_or_appends_the_element() -> None:
    unit = trade_service()
    env = f"{CONTAINERS}[name=sidecar].env"
    assert set_path(unit, f"{env}[name=TRADING_ALGORITHM]", {"name": "TRADING_ALGORITHM", "value": "x"}) == 1
    assert set_path(unit, f"{env}[name=NEW]", {"value": "y"}) == 1
    assert get_all(unit, env) == [[{"name": "TRADING_ALGORITHM", "value": "x"}, {"value": "y", "name": "NEW"}]]


def test_set_path_without_create_only_touches_what_exists() -> None:
    unit = trade_service()
    before = copy.deepcopy(unit)
    assert set_path(unit, "metadata.labels.tier", "x", create=False) == 0
    assert set_path(unit, f"{CONTAINERS}[*].env[name=NEW].value", "x", create=False) == 0
    assert unit == before
    assert set_path(unit, "spec.replicas", 1, create=False) == 1


def test_set_path_that_cannot_be_made_leaves_no_trace() -> None:
    unit = trade_service()
    before = copy.deepcopy(unit)
    assert set_path(unit, "spec.strategy.steps[0].pause", 1) == 0
    assert set_path(unit, "kind.sub", 1) == 0
    assert unit == before


def test_set_path_gives_each_place_its_own_copy() -> None:
    unit = trade_service()
    set_path(unit, f"{CONTAINERS}[*].resources", {"limits": {"memory": "1Gi"}})
    first, second = get_all(unit, f"{CONTAINERS}[*].resources")
    first["limits"]["memory"] = "2Gi"
    assert second == {"limits": {"memory": "1Gi"}}


def test_set_path_by_index_and_wildcard() -> None:
    data: dict[str, Any] = {"args": ["a", "b", "c"], "m": {"x": 1, "y": 2}}
    assert set_path(data, "args[-1]", "z") == 1
    assert set_path(data, "args[3]", "nope") == 0
    assert set_path(data, "m[*]", 0) == 2
    assert data == {"args": ["a", "b", "z"], "m": {"x": 0, "y": 0}}


def test_delete_path() -> None:
    unit = trade_service()
    assert delete_path(unit, 'metadata.annotations["mtx.dev/space"]') == 1
    assert delete_path(unit, f"{CONTAINERS}[name=sidecar]") == 1
    assert delete_path(unit, f"{CONTAINERS}[0].args[-2]") == 1
    assert delete_path(unit, f"{CONTAINERS}[0].ports[*]") == 2
    assert delete_path(unit, "spec.nothing.here") == 0
    assert delete_path(unit, f"{CONTAINERS}[5]") == 0
    assert unit["metadata"]["annotations"] == {"note": "x"}
    assert [c["name"] for c in unit["spec"]["template"]["spec"]["containers"]] == ["trade-service"]
    assert get_all(unit, f"{CONTAINERS}[0].args") == [["18092"]]
    assert get_all(unit, f"{CONTAINERS}[0].ports") == [[]]


_texts = st.text(st.characters(codec="utf-8"), max_size=8)
_steps = st.one_of(
    st.builds(Step, key=_texts),
    st.builds(Step, index=st.integers(-(10**6), 10**6)),
    st.just(Step(wildcard=True)),
    st.builds(Step, match=st.lists(st.tuples(_texts, _texts), min_size=1, max_size=3).map(tuple)),
)


@given(st.lists(_steps, min_size=1, max_size=6).map(tuple))
def test_format_then_parse_gives_the_same_steps(steps: tuple[Step, ...]) -> None:
    assert parse_path(format_path(steps)) == steps


@given(st.text(max_size=30))
def test_parse_path_raises_only_user_errors(text: str) -> None:
    try:
        steps = parse_path(text)
    except UserError:
        return
    assert parse_path(format_path(steps)) == steps


def test_the_empty_path_cannot_be_written() -> None:
    with pytest.raises(UserError, match="empty path"):
        set_path({}, (), 1)
    with pytest.raises(UserError, match="empty path"):
        delete_path({}, ())
    assert get_all({"a": 1}, ()) == [{"a": 1}]
