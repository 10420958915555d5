"""MicroTraderX's `setup-structure 1`-`7` and `bulk-operations`, replayed line by line with `cub` -> `mtx`.

The lines are the scripts' own, in order, with the name prefix and ConfigHub-only steps left out, the
`|| true` guards dropped (every line must work) and `k8s/X.yaml` read from this repo's `base/`. Each
stage runs in a fresh config repo, as after the tutorial's cleanup. `deploy 3`, with its `cub unit apply`,
is replayed on a cluster in tests/delivery/test_microtraderx_deploy_kube.py.
Each stage's checks are the results the scripts' comments describe.
"""

from __future__ import annotations

import shlex

import pytest

from tests.conftest import Mtx
from tests.test_cub_output import shell

REGIONS = ("us", "eu", "asia")
SCALE = {"us": 3, "eu": 5, "asia": 2}  # "NYSE hours", "Peak trading", "Overnight"


def replay(m: Mtx, *lines: str) -> list[str]:
    """Run each line (`mtx …`, or `echo 'X' | mtx …`) in the repo; return their stdouts."""
    outs = []
    for line in lines:
        stdin = b""
        if line.startswith("echo "):
            echo, _, line = line.partition(" | ")
            stdin = (shlex.split(echo)[1] + "\n").encode()
        words = shlex.split(line)
        assert words[0] == "mtx", line
        outs.append(m(*words[1:], stdin=stdin).out)
    return outs


@pytest.fixture(autouse=True)
def in_the_repo(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripts run in the tutorial's checkout: relative manifest paths are read from there."""
    monkeypatch.chdir(mtx.root)


def replicas(m: Mtx, space: str, unit: str = "trade-service") -> int:
    return int(m.json("unit", "get", unit, "--space", space)["data"]["spec"]["replicas"])


def image(m: Mtx, space: str, unit: str) -> str:
    return str(
        m.json("unit", "get", unit, "--space", space)["data"]["spec"]["template"]["spec"]["containers"][0]["image"]
    )


def stage_4(m: Mtx) -> None:
    replay(
        m,
        "mtx space create traderx-base",
        "mtx unit create --space traderx-base reference-data base/reference-data.yaml",
        "mtx unit create --space traderx-base trade-service base/trade-service.yaml",
    )
    for region in REGIONS:
        replay(
            m,
            f"mtx space create traderx-prod-{region}",
            f"mtx unit create reference-data --space traderx-prod-{region} --upstream-space traderx-base"
            " --upstream-unit reference-data",
            f"mtx unit create trade-service --space traderx-prod-{region} --upstream-space traderx-base"
            " --upstream-unit trade-service",
        )
    for region in REGIONS:
        replay(
            m,
            f"""echo '{{"spec":{{"replicas":{SCALE[region]}}}}}' | mtx unit update trade-service"""
            f" --space traderx-prod-{region} --patch --from-stdin",
        )


def test_stage_1_hello_traderx(mtx: Mtx) -> None:
    replay(
        mtx,
        "mtx space create traderx",
        "mtx unit create --space traderx reference-data base/reference-data.yaml",
    )
    assert mtx("unit", "list", "--space", "traderx", "--names").out.split() == ["reference-data"]


def test_stage_2_three_environments_inherit_from_traderx(mtx: Mtx) -> None:
    replay(
        mtx,
        "mtx space create traderx",
        "mtx unit create --space traderx reference-data base/reference-data.yaml",
    )
    for env in ("dev", "staging", "prod"):
        replay(
            mtx,
            f"mtx space create traderx-{env}",
            f"mtx unit create reference-data --space traderx-{env} --upstream-space traderx"
            " --upstream-unit reference-data",
        )
    ups = mtx("unit", "list", "--space", "traderx-*", "--no-header", "--columns", "Space.Slug,UpstreamSpace.Slug").out
    assert ups.split() == ["traderx-dev", "traderx", "traderx-prod", "traderx", "traderx-staging", "traderx"]


def test_stage_3_three_regions_scaled_by_trading_volume(mtx: Mtx) -> None:
    namespace = mtx.root / "base/namespace-base.yaml"
    namespace.write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: traderx\n")
    replay(
        mtx,
        "mtx space create traderx-base",
        "mtx unit create --space traderx-base reference-data base/reference-data.yaml",
        "mtx unit create --space traderx-base trade-service base/trade-service.yaml",
        "mtx space create traderx-infra",
        "mtx unit create --space traderx-infra ns-base base/namespace-base.yaml",
    )
    for region in REGIONS:
        replay(
            mtx,
            f"mtx space create traderx-prod-{region}",
            f"mtx unit create reference-data --space traderx-prod-{region} --upstream-space traderx-base"
            " --upstream-unit reference-data",
            f"mtx unit create trade-service --space traderx-prod-{region} --upstream-space traderx-base"
            " --upstream-unit trade-service",
            f"mtx unit create ns-{region} --space traderx-infra --upstream-space traderx-infra --upstream-unit ns-base",
            "mtx run set-string-path --resource-type v1/Namespace --path metadata.name"
            f" --attribute-value traderx-prod-{region} --unit ns-{region} --space traderx-infra --quiet",
            f"mtx link create --space traderx-prod-{region} --json app-to-ns-ref reference-data ns-{region}"
            " traderx-infra",
            f"mtx link create --space traderx-prod-{region} --json app-to-ns-trade trade-service ns-{region}"
            " traderx-infra",
            f"mtx link create --space traderx-prod-{region} --json trade-to-ref trade-service reference-data",
        )
    replay(
        mtx,
        "mtx run set-replicas --replicas 3 --unit trade-service --space traderx-prod-us",
        "mtx run set-replicas --replicas 5 --unit trade-service --space traderx-prod-eu",
        "mtx run set-replicas --replicas 2 --unit trade-service --space traderx-prod-asia",
    )
    assert {r: replicas(mtx, f"traderx-prod-{r}") for r in REGIONS} == SCALE
    names = mtx("unit", "data", "ns-eu", "--space", "traderx-infra").out
    assert "name: traderx-prod-eu" in names
    links = mtx.json("link", "list", "--space", "traderx-prod-*")
    assert len(links) == 9 and {link["update_type"] for link in links} == {"NeedsProvides"}


def test_stage_4_regional_scale_is_preserved_by_the_upgrade(mtx: Mtx) -> None:
    stage_4(mtx)
    assert {r: replicas(mtx, f"traderx-prod-{r}") for r in REGIONS} == SCALE
    # bulk-operations 4 version: update the base once, push to every region
    replay(
        mtx,
        "mtx run set-image --image ghcr.io/finos/traderx/trade-service:v1.2.3"
        " --unit trade-service --space traderx-base",
        "mtx unit update --upgrade --patch --space 'traderx-prod-*'",
    )
    for region in REGIONS:
        assert image(mtx, f"traderx-prod-{region}", "trade-service").endswith(":v1.2.3")
    assert {r: replicas(mtx, f"traderx-prod-{r}") for r in REGIONS} == SCALE  # "Regional scale preserved"


def test_stage_5_find_and_fix(mtx: Mtx) -> None:
    stage_4(mtx)
    found, _fixed, after = replay(
        mtx,
        "mtx unit list --space 'traderx-prod-eu' --where \"Data CONTAINS 'replicas: 5'\"",
        "mtx run set-replicas --replicas 2 --space traderx-prod-eu --where \"Data CONTAINS 'replicas: 5'\"",
        "mtx unit list --space 'traderx-prod-eu' --where \"Data CONTAINS 'replicas: 5'\"",
    )
    assert [line.split()[0] for line in found.splitlines()[1:]] == ["trade-service"]
    assert replicas(mtx, "traderx-prod-eu") == 2
    assert after.splitlines()[1:] == []


def test_stage_6_two_patches_land_as_one_commit(mtx: Mtx) -> None:
    stage_4(mtx)
    before = mtx.commits()
    replay(
        mtx,
        "mtx changeset create market-data-v2",
        """echo '{"spec":{"template":{"spec":{"containers":"""
        """[{"name":"reference-data","image":"traderx/reference-data:v2"}]}}}}'"""
        " | mtx unit update reference-data --space traderx-prod-us --patch --from-stdin",
        """echo '{"spec":{"template":{"spec":{"containers":"""
        """[{"name":"trade-service","image":"traderx/trade-service:v2"}]}}}}'"""
        " | mtx unit update trade-service --space traderx-prod-us --patch --from-stdin",
    )
    assert mtx.commits() == before  # staged, not landed
    replay(mtx, "mtx changeset apply market-data-v2")
    assert mtx.commits() == before + 1
    assert image(mtx, "traderx-prod-us", "reference-data") == "traderx/reference-data:v2"
    assert image(mtx, "traderx-prod-us", "trade-service") == "traderx/trade-service:v2"


def test_stage_7_complete_system(mtx: Mtx) -> None:
    replay(
        mtx,
        "mtx space create traderx-base",
        "mtx unit create --space traderx-base reference-data base/reference-data.yaml",
        "mtx unit create --space traderx-base trade-service base/trade-service.yaml",
    )
    for space in ("traderx-dev", "traderx-staging", *(f"traderx-prod-{r}" for r in REGIONS)):
        replay(
            mtx,
            f"mtx space create {space}",
            f"mtx unit create reference-data --space {space} --upstream-space traderx-base"
            " --upstream-unit reference-data",
            f"mtx unit create trade-service --space {space} --upstream-space traderx-base"
            " --upstream-unit trade-service",
        )
    for region in REGIONS:
        replay(
            mtx,
            f"""echo '{{"spec":{{"replicas":{SCALE[region]}}}}}' | mtx unit update trade-service"""
            f" --space traderx-prod-{region} --patch --from-stdin",
        )
    listing = mtx("space", "list").out.splitlines()
    assert [line.split()[0] for line in listing[1:]] == [
        "traderx-base", "traderx-dev", "traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us", "traderx-staging",
    ]  # fmt: skip
    assert {r: replicas(mtx, f"traderx-prod-{r}") for r in REGIONS} == SCALE
    assert replicas(mtx, "traderx-dev") == 1


def test_bulk_operations_scale_and_status(mtx: Mtx) -> None:
    stage_4(mtx)
    where = "Slug = 'trade-service' AND Space.Slug LIKE '%prod%'"
    # stage 1: one service, through the pattern's guard `unit list … | grep -q trade-service`
    assert "trade-service" in replay(mtx, "mtx unit list --space traderx-base")[0]
    replay(
        mtx,
        """echo '{"spec":{"replicas":3}}' | mtx unit update trade-service --space traderx-base --patch --from-stdin""",
    )
    assert replicas(mtx, "traderx-base") == 3
    # stage 3+: query, count with tail and wc, update every match in one commit
    count = shell(mtx, f"mtx unit list --space '*' --where \"{where}\" 2>/dev/null | tail -n +2 | wc -l")
    assert count.strip() == "3"  # "Found 3 production trade-service units"
    before = mtx.commits()
    replay(
        mtx,
        f"""echo '{{"spec":{{"replicas":5}}}}' | mtx unit update --space '*' --where "{where}" --patch --from-stdin""",
    )
    assert mtx.commits() == before + 1
    assert {r: replicas(mtx, f"traderx-prod-{r}") for r in REGIONS} == dict.fromkeys(REGIONS, 5)
    # status: the spaces found with grep and awk, then each space's units
    spaces = shell(mtx, "mtx space list | grep traderx | awk '{print $1}'").split()
    assert spaces == ["traderx-base", *(f"traderx-prod-{r}" for r in sorted(REGIONS))]
    for space in spaces:
        units = shell(mtx, f"mtx unit list --space {space} 2>/dev/null | head -10").splitlines()
        assert [u.split()[0] for u in units[1:]] == ["reference-data", "trade-service"]
