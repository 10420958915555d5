"""The WHERE expressions ConfigHub's SDK holds true of its two-container Deployment, read by mtx."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops.core.where import Subject, evaluate, parse_where

C = "spec.template.spec.containers"

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "example-deployment", "annotations": {"confighub.com/key": "mydep"}},
    "spec": {
        "replicas": 3,
        "template": {
            "spec": {
                "containers": [
                    {"name": "otel-sidecar", "image": "otel/opentelemetry-collector:latest-amd64"},
                    {"name": "main", "image": "nginx:1.14.2"},
                ]
            }
        },
    },
}
UNIT = Subject(slug="mydep", space="s", documents=(DEPLOYMENT,))


@pytest.mark.parametrize(
    "where",
    [
        f"{C}.1.image='nginx:1.14.2'",
        f"{C}.*.image='nginx:1.14.2'",
        f"{C}.*?name:container-name.image='nginx:1.14.2'",
        f"{C}.?name=main.image='nginx:1.14.2'",
        f"{C}.?name:container-name=main.image='nginx:1.14.2'",
        f"{C}.?name=main.image#uri='nginx'",
        f"{C}.?name=main.image#reference=':1.14.2'",
        f"{C}.*.image#reference=':1.14.2'",
        f"{C}.1.image LIKE 'nginx:%'",
        f"{C}.1.image ILIKE 'Nginx:%'",
        f"{C}.1.image ~~ 'nginx:%'",
        f"{C}.1.image ~ 'nginx:.*'",
        f"{C}.1.image ~* 'Nginx:.*'",
        f"{C}.0.image !~~ 'nginx:%'",
        f"{C}.0.image !~ 'nginx:.*'",
        f"{C}.0.image !~* 'Nginx:.*'",
        f"{C}.1.image IN ('nginx:1.14.1', 'nginx:1.14.2')",
        f"{C}.1.image NOT IN ('nginx:latest')",
        "metadata.annotations.confighub~1com/key='mydep'",
        "metadata.annotations.@confighub~1com/key:annotation-key='mydep'",
        "spec.replicas > 1",
    ],
)
def test_the_sdks_true_expressions_hold(where: str) -> None:
    assert evaluate(parse_where(where), UNIT), where


@pytest.mark.parametrize(
    "where",
    [
        f"{C}.1.image !~ 'nginx:.*'",
        f"{C}.?name=main.image#reference = ':latest'",
        f"{C}.?name=@0.image = 'nginx:1.14.2'",
        f"NOT {C}.*.image ~ 'nginx'",
    ],
)
def test_and_their_opposites_do_not(where: str) -> None:
    assert not evaluate(parse_where(where), UNIT), where


def test_a_negated_pattern_over_a_wildcard_holds_for_one_value_that_fails_it() -> None:
    # cub reads value by value: the sidecar is not nginx, so the unit matches
    assert evaluate(parse_where(f"{C}.*.image !~ '^nginx'"), UNIT)
    assert not evaluate(parse_where(f"NOT {C}.*.image ~ '^nginx'"), UNIT)
