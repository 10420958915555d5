"""The rest of cub's function forms typed at the command line as cub spells them: `set-image` with
`--container-name --container-image`, `set-env` (an empty value removes), `set-namespace`,
`set-annotation`, `run set-container-resources` with flags, and `unit tree --filter`."""

from __future__ import annotations

from typing import Any

from tests.conftest import Mtx
from tests.functions.conftest import SPACE, documents, nginx


def test_set_image_with_cubs_flags_replaces_one_containers_image(apps: Mtx) -> None:
    before = apps.commits()

    apps("run", "set-image", "--container-name", "nginx", "--container-image", "ghcr.io/acme/nginx:1.27",
         "--space", SPACE, "--unit", "mydep")  # fmt: skip

    assert apps.commits() == before + 1
    assert nginx(apps)["image"] == "ghcr.io/acme/nginx:1.27"
    sidecar = documents(apps, "mydep")[0]["spec"]["template"]["spec"]["containers"][1]
    assert sidecar["image"] == "otel/opentelemetry-collector:latest-amd64"


def test_set_env_upserts_and_an_empty_value_removes(apps: Mtx) -> None:
    apps("run", "set-env", "--container-name", "nginx", "--env-key-value", "A=1", "--env-key-value", "B=2",
         "--space", SPACE, "--unit", "mydep")  # fmt: skip
    apps("function", "do", "set-env", "nginx", "A=", "B=3", "--space", SPACE, "--unit", "mydep")

    assert nginx(apps)["env"] == [{"name": "B", "value": "3"}]


def test_set_namespace_and_set_annotation_by_flag_and_by_position(apps: Mtx) -> None:
    apps("run", "set-namespace", "--namespace-name", "shop", "--space", SPACE, "--unit", "mydep")
    apps("function", "do", "set-annotation", "example.com/owner", "team-a", "--space", SPACE, "--unit", "mydep")
    apps("run", "set-annotation", "--annotation-key", "example.com/tier", "--annotation-value", "gold",
         "--space", SPACE, "--unit", "mydep")  # fmt: skip

    metadata: dict[str, Any] = documents(apps, "mydep")[0]["metadata"]
    assert metadata["namespace"] == "shop"
    assert metadata["annotations"] == {
        "confighub.com/key": "something",
        "example.com/owner": "team-a",
        "example.com/tier": "gold",
    }


def test_run_set_container_resources_with_flags_sets_requests_and_limits(apps: Mtx) -> None:
    apps("run", "set-container-resources", "--container-name", "nginx", "--operation", "all", "--cpu", "250m",
         "--memory", "256Mi", "--limit-factor", "2", "--space", SPACE, "--unit", "mydep")  # fmt: skip

    resources = nginx(apps)["resources"]
    assert resources["requests"] == {"cpu": "250m", "memory": "256Mi"}
    assert resources["limits"] == {"cpu": "500m", "memory": "512Mi"}


def test_unit_tree_takes_a_stored_filter(apps: Mtx) -> None:
    apps("filter", "create", "deployments", "Unit", "--space", SPACE, "--where", "Slug IN ('mydep', 'web')")

    tree = apps("unit", "tree", "--space", SPACE, "--filter", f"{SPACE}/deployments").out

    assert "mydep" in tree and "web" in tree and "draft" not in tree
