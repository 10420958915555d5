"""WHERE over the guide's stage-5 units: traderx-prod-us/eu/asia × reference-data and trade-service — what
each operator, attribute and path finds, and how values of different types compare."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import yaml

from mtx_gitops.core.paths import Step
from mtx_gitops.core.where import Attr, Compare, Subject, evaluate, parse_where
from mtx_gitops.errors import WhereError

REGIONS = {"us": 3, "eu": 5, "asia": 2}
IMAGE = "ghcr.io/finos/traderx/{service}:{tag}"


def deployment(service: str, *, replicas: int, tag: str, memory: str, algorithm: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": service, "labels": {"app": service}},
        "spec": {
            "replicas": replicas,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": service,
                            "image": IMAGE.format(service=service, tag=tag),
                            "env": [{"name": "TRADING_ALGORITHM", "value": algorithm}],
                            "resources": {"limits": {"memory": memory}},
                        },
                        {
                            "name": "log-shipper",
                            "image": "fluent/fluent-bit:3.0",
                            "env": [{"name": "X", "value": "1"}],
                        },
                    ]
                }
            },
        },
    }


def service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"ports": [{"port": 80}]},
    }


def unit(region: str, name: str) -> Subject:
    """One unit as the guide has it after stage 4: asia's trade-service still on v1, eu on 1Gi."""
    if name == "reference-data":
        docs = [deployment(name, replicas=1, tag="v1", memory="256Mi", algorithm="standard")]
    else:
        tag = "v1" if region == "asia" else "v2"
        memory = "1Gi" if region == "eu" else "512Mi"
        docs = [
            deployment(name, replicas=REGIONS[region], tag=tag, memory=memory, algorithm="quantum"),
            service(name),
        ]
    return Subject(
        slug=name,
        space=f"traderx-prod-{region}",
        labels={"tier": "data" if name == "reference-data" else "trading", "note": "it's"},
        space_labels={"region": region, "env": "prod"},
        upstream_unit=name,
        upstream_space="traderx-base",
        upgrade_needed=region == "asia",
        head_revision_num={"us": 3, "eu": 4, "asia": 2}[region],
        documents=docs,
        text=yaml.safe_dump_all(docs, sort_keys=False),
    )


UNITS = [unit(region, name) for region in REGIONS for name in ("reference-data", "trade-service")]
BASE = Subject(slug="trade-service", space="traderx-base", documents=[service("trade-service")], text="kind: Service")


def found(where: str, units: list[Subject] = UNITS) -> set[str]:
    expr = parse_where(where)
    return {f"{u.space.removeprefix('traderx-prod-')}/{u.slug}" for u in units if evaluate(expr, u)}


ALL = {f"{region}/{name}" for region in REGIONS for name in ("reference-data", "trade-service")}
TRADE = {"us/trade-service", "eu/trade-service", "asia/trade-service"}
REFDATA = ALL - TRADE


def test_stage_5_finds_eu_trade_service_by_space_and_replicas() -> None:
    assert found("Space.Slug LIKE '%prod-eu%' AND spec.replicas > 2") == {"eu/trade-service"}
    assert found("spec.replicas > 2") == {"us/trade-service", "eu/trade-service"}


def test_stage_5_finds_old_images_in_the_text() -> None:
    assert found("Data CONTAINS 'trade-service:v1'") == {"asia/trade-service"}
    assert found("Data CONTAINS 'image: ghcr.io/finos/traderx/trade-service:v1'") == {"asia/trade-service"}


def test_stage_5_finds_high_memory_services() -> None:
    assert found("Data CONTAINS 'memory:' AND Data CONTAINS '1Gi'") == {"eu/trade-service"}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("spec.replicas = 5", {"eu/trade-service"}),
        ("spec.replicas == 5", {"eu/trade-service"}),
        ("spec.replicas != 1", TRADE),
        ("spec.replicas <> 1", TRADE),
        ("spec.replicas < 3", REFDATA | {"asia/trade-service"}),
        ("spec.replicas <= 3", REFDATA | {"us/trade-service", "asia/trade-service"}),
        ("spec.replicas >= 3", {"us/trade-service", "eu/trade-service"}),
        ("spec.replicas > 4.5", {"eu/trade-service"}),
        ("spec.replicas > -1", ALL),
        ("Slug LIKE 'trade-%'", TRADE),
        ("Slug LIKE 'TRADE-%'", set()),
        ("Slug ILIKE 'TRADE-%'", TRADE),
        ("Slug LIKE 'reference_data'", REFDATA),
        ("Slug NOT LIKE 'trade%'", REFDATA),
        ("Space.Slug ~ '-(eu|asia)$'", ALL - {"us/reference-data", "us/trade-service"}),
        (
            "Space.Slug < 'traderx-prod-f'",
            {"eu/reference-data", "eu/trade-service", "asia/reference-data", "asia/trade-service"},
        ),
        ("Slug IN ('trade-service', 'nope')", TRADE),
        ("Slug NOT IN ('trade-service', 'nope')", REFDATA),
        ("spec.replicas IN (2, 3)", {"us/trade-service", "asia/trade-service"}),
    ],
)
def test_every_operator(where: str, expected: set[str]) -> None:
    assert found(where) == expected


def test_not_and_or_precedence_and_parentheses() -> None:
    # NOT binds tighter than AND, AND tighter than OR.
    assert found("Slug = 'reference-data' OR Slug = 'trade-service' AND spec.replicas > 4") == REFDATA | {
        "eu/trade-service"
    }
    assert found("(Slug = 'reference-data' OR Slug = 'trade-service') AND spec.replicas > 4") == {"eu/trade-service"}
    assert found("NOT Slug = 'reference-data' AND spec.replicas < 5") == {
        "us/trade-service",
        "asia/trade-service",
    }
    assert found("NOT (Slug = 'reference-data' AND Space.Labels.region = 'us')") == ALL - {"us/reference-data"}
    assert found("NOT NOT Slug = 'trade-service'") == TRADE


def test_keywords_are_case_insensitive() -> None:
    assert found("space.slug like '%eu%' aNd spec.replicas > 2 Or slug = 'x'") == {"eu/trade-service"}
    assert found("Slug not in ('trade-service') and data contains 'v1'") == REFDATA
    assert found("UPGRADENEEDED = TRUE AND Kind = 'Service'") == {"asia/trade-service"}


def test_doubled_quotes_escape_a_quote() -> None:
    assert found("Labels.note = 'it''s'") == ALL
    assert parse_where("Slug = ''''") == Compare(Attr("Slug", "Slug"), "=", "'")


def test_labels_and_space_labels() -> None:
    assert found("Labels.tier = 'trading' AND Space.Labels.region IN ('eu', 'asia')") == {
        "eu/trade-service",
        "asia/trade-service",
    }
    assert found("Labels.missing = 'x'") == set()
    assert found("Labels.missing != 'x'") == set()
    assert found("Labels.missing = null") == ALL


def test_upstream_attributes() -> None:
    assert found("UpstreamSpace.Slug = 'traderx-base' AND UpstreamUnit.Slug = 'reference-data'") == REFDATA
    assert found("UpstreamUnit.Slug = null", [*UNITS, BASE]) == {"traderx-base/trade-service"}
    assert found("UpstreamUnit.Slug != null", [*UNITS, BASE]) == ALL


def test_upgrade_needed_kind_and_head_revision() -> None:
    assert found("UpgradeNeeded = true") == {"asia/reference-data", "asia/trade-service"}
    assert found("UpgradeNeeded = false") == ALL - {"asia/reference-data", "asia/trade-service"}
    assert found("Kind = 'Deployment'") == ALL
    assert found("Kind = 'Service'") == TRADE
    assert found("HeadRevisionNum >= 3") == ALL - {"asia/reference-data", "asia/trade-service"}


def test_container_selector_and_wildcard_env_paths() -> None:
    containers = "spec.template.spec.containers"
    assert found(f"{containers}[name=trade-service].image LIKE '%:v1'") == {"asia/trade-service"}
    assert found(f"{containers}[name=log-shipper].image LIKE '%:v1'") == set()
    assert found(f"{containers}[*].env[name=TRADING_ALGORITHM].value = 'quantum'") == TRADE
    assert found(f"{containers}[*].env[name=X].value = '1'") == ALL
    assert found(f"{containers}[*].resources.limits.memory ILIKE '%gi'") == {"eu/trade-service"}


def test_any_document_and_any_value_matches() -> None:
    # The Service document has spec.ports; the Deployment does not.
    assert found("spec.ports[*].port = 80") == TRADE
    # != is existential: the log-shipper image differs from the app image in every unit.
    assert found("spec.template.spec.containers[*].image != 'fluent/fluent-bit:3.0'") == ALL
    assert found("NOT spec.template.spec.containers[*].image = 'fluent/fluent-bit:3.0'") == set()


def test_equality_across_types_is_false_not_an_error() -> None:
    assert found("spec.replicas = '5'") == set()
    assert found("spec.replicas != '5'") == ALL
    assert found("spec.template = 'x'") == set()


def test_lower_case_kind_and_data_are_paths() -> None:
    kind = parse_where("kind = 'Service'")
    assert isinstance(kind, Compare)
    assert kind.attr == Attr("path", "kind", path=(Step(key="kind"),))
    configmap = Subject(slug="cm", space="s", documents=[{"kind": "ConfigMap", "data": {"mode": "fast"}}])
    assert evaluate(parse_where("data.mode = 'fast'"), configmap)
    assert evaluate(parse_where("slug = 'cm'"), configmap)


def test_ordering_a_number_against_a_string_is_a_type_mismatch() -> None:
    expr = parse_where("spec.replicas > 'abc'")
    with pytest.raises(WhereError, match=re.escape("type mismatch: spec.replicas is a number, 'abc' is a string")):
        evaluate(expr, UNITS[1])


def test_like_escapes_and_matches_whole_values() -> None:
    subject = Subject(slug="a", space="s", labels={"pct": "100%", "under": "a_b", "n": "x\ny"})
    assert evaluate(parse_where(r"Labels.pct LIKE '100\%'"), subject)
    assert not evaluate(parse_where(r"Labels.under LIKE 'a\_'"), subject)
    assert evaluate(parse_where("Labels.n LIKE 'x%'"), subject)
    assert not evaluate(parse_where("Labels.under LIKE 'a'"), subject)
    assert evaluate(parse_where("Labels.under ~ '_'"), subject)


def test_like_and_regex_see_numbers_and_booleans_as_yaml_text() -> None:
    subject = Subject(slug="a", space="s", documents=[{"version": 1.25, "enabled": True}])
    assert evaluate(parse_where("version LIKE '1.%'"), subject)
    assert evaluate(parse_where("enabled ~ '^true$'"), subject)


def test_subject_derives_kinds_from_documents() -> None:
    assert UNITS[1].kinds == ("Deployment", "Service")


def test_six_thousand_units_evaluate_with_one_parse() -> None:
    units = [UNITS[i % len(UNITS)] for i in range(6000)]
    expr = parse_where(
        "Space.Slug LIKE '%prod-eu%' AND spec.template.spec.containers[name=trade-service].image ~ ':v2$'"
    )
    assert sum(evaluate(expr, u) for u in units) == 1000
    # Parsing is cached per text, so a bulk run parses once (speed itself is measured in benchmarks/).
    assert parse_where("spec.replicas > 2") is parse_where("spec.replicas > 2")


def test_timestamps_compare_as_their_text() -> None:
    subject = Subject(slug="a", space="s", documents=[{"metadata": {"created": datetime.date(2024, 5, 1)}}])
    assert evaluate(parse_where("metadata.created = '2024-05-01'"), subject)
    assert evaluate(parse_where("metadata.created < '2025'"), subject)
    assert evaluate(parse_where("metadata.created LIKE '2024-%'"), subject)
    assert evaluate(parse_where("metadata.created IN ('2024-05-01')"), subject)
