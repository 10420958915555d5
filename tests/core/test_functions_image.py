"""`mtx run set-image` and image references (stage 6: market-data-v2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.functions import set_image
from mtx_gitops.core.imageref import ImageRef, parse_image, parse_version
from mtx_gitops.errors import UserError
from tests.core.traderx import DIGEST, REGISTRY, images, pod_spec, service_unit

# --- stage 6: new images ----------------------------------------------------------------------


def test_stage6_bare_tag_keeps_each_repository() -> None:
    documents = service_unit("reference-data", port=18085) + service_unit("trade-service")

    result = set_image(documents, ":v2")

    assert result.changed and result.notes == []
    assert images(result.documents) == [f"{REGISTRY}/reference-data:v2", f"{REGISTRY}/trade-service:v2"]
    assert images(documents) == [f"{REGISTRY}/reference-data:v1", f"{REGISTRY}/trade-service:v1"]


def test_full_reference_only_touches_its_repository() -> None:
    unit = service_unit("trade-service")
    spec = pod_spec(unit[0])
    spec["containers"].append({"name": "proxy", "image": f"{REGISTRY}/trade-proxy:v1"})
    spec["initContainers"] = [{"name": "warm", "image": f"{REGISTRY}/trade-service:v1"}]
    other = service_unit("reference-data")

    documents, changed, _ = set_image([*unit, *other], f"{REGISTRY}/trade-service:v2")

    assert changed
    assert images(documents) == [
        f"{REGISTRY}/trade-service:v2",
        f"{REGISTRY}/trade-proxy:v1",
        f"{REGISTRY}/reference-data:v1",
    ]
    assert pod_spec(documents[0])["initContainers"][0]["image"] == f"{REGISTRY}/trade-service:v2"
    assert documents[2] is other[0]


def test_full_reference_matches_docker_hub_short_names() -> None:
    unit = service_unit("trade-service")
    pod_spec(unit[0])["containers"][0]["image"] = "docker.io/library/nginx:1.24"
    assert images(set_image(unit, "nginx:1.25").documents) == ["nginx:1.25"]


def test_full_reference_with_a_container_replaces_that_container_whatever_its_repository() -> None:
    unit = service_unit("trade-service")
    pod_spec(unit[0])["containers"].append({"name": "proxy", "image": "envoyproxy/envoy:v1.30.1"})
    documents = set_image(unit, "ghcr.io/acme/proxy:v2", container="proxy").documents
    assert images(documents) == [f"{REGISTRY}/trade-service:v1", "ghcr.io/acme/proxy:v2"]


def test_digests_pin_and_a_new_tag_unpins() -> None:
    unit = service_unit("trade-service")
    pinned = set_image(unit, f"@{DIGEST}").documents
    assert images(pinned) == [f"{REGISTRY}/trade-service@{DIGEST}"]
    assert images(set_image(pinned, ":v2").documents) == [f"{REGISTRY}/trade-service:v2"]
    both = set_image(unit, f":v3@{DIGEST}").documents
    assert images(both) == [f"{REGISTRY}/trade-service:v3@{DIGEST}"]


def test_bare_tag_skips_an_image_that_does_not_parse() -> None:
    unit = service_unit("trade-service")
    pod_spec(unit[0])["containers"][0]["image"] = "${IMAGE}"
    _, changed, notes = set_image(unit, ":v2")
    assert not changed and "'${IMAGE}' is not a valid reference" in notes[0]


@pytest.mark.parametrize(
    "image",
    [
        "Foo:bar baz",
        "",
        "ghcr.io/FINOS/traderx/trade-service:v2",
        "TradeService:v2",
        "trade-service:",
        "trade-service:-v2",
        "trade-service:" + "v" * 129,
        "trade-service@sha256:abc",
        "trade-service@sha256:" + "AB" * 32,
        "trade-service@md5:" + "ab" * 16,
        ":",
        "@",
        ": v2",
        "ghcr.io//trade-service",
        "-trade-service:v1",
        "trade--service_:v1",
    ],
)
def test_invalid_image_references_are_refused(image: str) -> None:
    with pytest.raises(UserError) as caught:
        set_image(service_unit("trade-service"), image)
    assert str(caught.value) == f"invalid image reference {image!r}"


@pytest.mark.parametrize(
    ("text", "repository", "tag", "digest"),
    [
        (f"{REGISTRY}/trade-service:v2", f"{REGISTRY}/trade-service", "v2", None),
        ("localhost:5000/trade-service", "localhost:5000/trade-service", None, None),
        ("nginx", "nginx", None, None),
        (
            f"registry.example.com:443/a/b_c.d__e:1.2-rc_1@{DIGEST}",
            "registry.example.com:443/a/b_c.d__e",
            "1.2-rc_1",
            DIGEST,
        ),
    ],
)
def test_image_references_parse_and_round_trip(text: str, repository: str, tag: str | None, digest: str | None) -> None:
    ref = parse_image(text)
    assert ref == ImageRef(repository, tag, digest)
    assert str(ref) == text
    assert str(ref.with_tag("v9")) == f"{repository}:v9"


def test_canonical_repository_and_versions() -> None:
    assert parse_image("nginx").canonical_repository == "docker.io/library/nginx"
    assert parse_image("bitnami/redis").canonical_repository == "docker.io/bitnami/redis"
    assert parse_image(f"{REGISTRY}/x:v1").same_repository(parse_image(f"{REGISTRY}/x@{DIGEST}"))
    assert parse_version(":v2") == ("v2", None)
    with pytest.raises(UserError, match="invalid image tag"):
        parse_image("nginx").with_tag("bad tag")


_COMPONENT = st.from_regex(r"[a-z0-9]+([._-][a-z0-9]+)?", fullmatch=True)


@given(
    path=st.lists(_COMPONENT, min_size=1, max_size=3),
    tag=st.none() | st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True),
)
def test_generated_references_round_trip(path: list[str], tag: str | None) -> None:
    text = "ghcr.io/" + "/".join(path) + (f":{tag}" if tag else "")
    assert str(parse_image(text)) == text
