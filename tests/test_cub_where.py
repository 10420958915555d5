"""WHERE in cub's spelling, typed as a cub user would, checked against the units it selects."""

from __future__ import annotations

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3

C = "spec.template.spec.containers"


@pytest.fixture
def stage3(mtx: Mtx) -> Mtx:
    build_stage_3(mtx)
    # a sidecar in EU, and a hardened container in US
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch",
        '{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.30"}]}}}}')  # fmt: skip
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch",
        '{"spec":{"template":{"spec":{"containers":[{"name":"trade-service",'
        '"securityContext":{"runAsNonRoot":true}}]}}}}')  # fmt: skip
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-asia", "--patch",
        '{"metadata":{"annotations":{"confighub.com/owner":"asia-team"}}}')  # fmt: skip
    return mtx


def spaces(m: Mtx, where: str, *flags: str) -> list[str]:
    out = m("unit", "list", "--space", "traderx-prod-*", "--where", where, *flags, "--columns", "Space.Slug,Name")
    return [line.split()[0] for line in out.out.splitlines()[1:]]


def test_dotted_wildcard_first_match_and_numeric_index(stage3: Mtx) -> None:
    assert spaces(stage3, f"{C}.*.image = 'envoy:1.30'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.?name=proxy.image ~~ 'envoy%'") == ["traderx-prod-eu"]
    # the patch put the proxy first: index 0 in EU, and no unit has it second
    assert spaces(stage3, f"{C}.0.image = 'envoy:1.30'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.1.name = 'proxy'") == []
    assert spaces(stage3, f"{C}.1.name = 'trade-service'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"LEN({C}) > 1") == ["traderx-prod-eu"]


def test_escaped_keys_and_cubs_operators(stage3: Mtx) -> None:
    assert spaces(stage3, "metadata.annotations.confighub~1com/owner = 'asia-team'") == ["traderx-prod-asia"]
    where = "Slug = 'trade-service' AND Space.Slug !~~ '%eu%'"
    assert spaces(stage3, where) == ["traderx-prod-asia", "traderx-prod-us"]
    assert spaces(stage3, "Slug = 'trade-service' AND Space.Slug ~* 'PROD-(EU|US)'") == [
        "traderx-prod-eu",
        "traderx-prod-us",
    ]
    assert spaces(stage3, "Slug = 'trade-service' AND Space.Slug !~* 'PROD-(EU|US)'") == ["traderx-prod-asia"]
    assert spaces(stage3, "Slug = 'trade-service' AND Space.Slug !~ 'prod-(eu|us)'") == ["traderx-prod-asia"]


def test_split_path_finds_the_containers_that_could_run_as_root(stage3: Mtx) -> None:
    where = f"Slug = 'trade-service' AND {C}.*.|securityContext.runAsNonRoot != true"
    # US hardened its only container; EU's proxy and Asia's container set nothing
    assert spaces(stage3, where) == ["traderx-prod-asia", "traderx-prod-eu"]


def test_attributes_created_at_head_revision_and_changeset(stage3: Mtx) -> None:
    assert spaces(stage3, "Slug = 'trade-service' AND HeadRevisionNum > 2") == [
        "traderx-prod-asia",
        "traderx-prod-eu",
        "traderx-prod-us",
    ]
    assert len(spaces(stage3, "CreatedAt > '2000-01-01T00:00:00'")) == 6
    assert spaces(stage3, "CreatedAt < '2000-01-01'") == []
    stage3("changeset", "create", "market-data-v3")
    stage3("run", "set-replicas", "--replicas", "9", "--unit", "reference-data", "--space", "traderx-prod-us")
    found = stage3("unit", "list", "--space", "*", "--where", "ChangeSet.Slug = 'market-data-v3'", "--names")
    assert found.out.split() == ["reference-data"]


def test_where_data_reads_every_name_as_a_path(stage3: Mtx) -> None:
    assert spaces(stage3, "Slug = 'trade-service'", "--where-data", "spec.replicas > 2") == [
        "traderx-prod-eu",
        "traderx-prod-us",
    ]


def test_a_path_no_unit_has_warns_and_matches_nothing(stage3: Mtx) -> None:
    result = stage3("unit", "list", "--space", "*", "--where", "spec.replica > 2")
    assert result.out.splitlines()[1:] == []
    assert "warning: spec.replica is a field of none of the 8 selected unit(s)" in result.err
    quiet = stage3("unit", "list", "--space", "*", "--where", "spec.replicas > 2")
    assert "warning" not in quiet.err


def test_the_grammar_is_in_unit_list_help(stage3: Mtx) -> None:
    help_text = stage3("unit", "list", "--help").out
    assert "containers.?name=web.image" in help_text and "!~~" in help_text and "LEN(attr)" in help_text


def test_negated_patterns_hold_value_by_value_as_cub_reads_them(stage3: Mtx) -> None:
    # EU runs envoy beside its trade-service image: one value fails the pattern, so cub's `!~` holds
    where = f"Slug = 'trade-service' AND {C}.*.image !~ '^envoy'"
    assert spaces(stage3, where) == ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]
    assert spaces(stage3, f"Slug = 'trade-service' AND {C}.*.image !~~ 'envoy%'") == spaces(stage3, where)
    # mtx's NOT holds only where no value matches
    assert spaces(stage3, f"Slug = 'trade-service' AND NOT {C}.*.image ~ '^envoy'") == [
        "traderx-prod-asia",
        "traderx-prod-us",
    ]


def test_image_accessors_and_bound_path_segments(stage3: Mtx) -> None:
    assert spaces(stage3, f"{C}.?name=proxy.image#reference = ':1.30'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.*.image#uri = 'envoy'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.*?name:container-name.image#uri IN ('envoy', 'nothing')") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.?name:container-name=proxy.image = 'envoy:1.30'") == ["traderx-prod-eu"]
    assert spaces(stage3, f"{C}.?name=@0.image = 'envoy:1.30'") == ["traderx-prod-eu"]
    assert spaces(stage3, "metadata.annotations.@confighub~1com/owner:key = 'asia-team'") == ["traderx-prod-asia"]
    assert spaces(stage3, "metadata.annotations.\"confighub.com/owner\" = 'asia-team'") == ["traderx-prod-asia"]


def test_an_unknown_accessor_is_refused_with_its_column(stage3: Mtx) -> None:
    result = stage3("unit", "list", "--space", "*", "--where", f"{C}.*.image#tag = 'x'", ok=False)
    assert result.code != 0
    assert "expected an accessor (uri, reference) after '#'" in result.err
