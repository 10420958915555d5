"""Links as cub has them: an app unit needs the namespace a Namespace unit provides (guide stage 3).

`traderx-infra` holds one Namespace unit per region; each region's apps link to theirs, and the
`confighubplaceholder` namespaces fill in, in the same commit as the link. Refusals leave the repo
exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mtx

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: confighubplaceholder\n  labels:\n    app: traderx\n"
APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trade-service
  namespace: confighubplaceholder  # Resolved via Link to namespace unit
spec:
  replicas: 3
  selector:
    matchLabels: {app: trade-service}
  template:
    metadata:
      labels: {app: trade-service}
    spec:
      containers:
      - name: trade-service
        image: ghcr.io/finos/traderx/trade-service:latest
---
apiVersion: v1
kind: Service
metadata:
  name: trade-service
  namespace: confighubplaceholder
spec:
  selector: {app: trade-service}
  ports:
  - port: 18092
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: trade-service
  namespace: fixed-by-hand
subjects:
- kind: ServiceAccount
  name: trade-service
  namespace: confighubplaceholder
- kind: User
  name: confighubplaceholder-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: view}
"""


def data(m: Mtx, space: str, unit: str) -> list[dict]:  # type: ignore[type-arg]
    return list(m.json("unit", "get", unit, "--space", space)["documents"])


@pytest.fixture
def regions(mtx: Mtx) -> Mtx:
    """Stage 3's layout: base apps with placeholders, infra Namespaces, one region linked below."""
    (mtx.root / "k8s").mkdir()
    (mtx.root / "k8s/namespace-base.yaml").write_text(NAMESPACE)
    (mtx.root / "k8s/trade-service.yaml").write_text(APP)
    k8s = str(mtx.root / "k8s")
    mtx("space", "create", "traderx-base")
    mtx("unit", "create", "--space", "traderx-base", "trade-service", f"{k8s}/trade-service.yaml")
    mtx("space", "create", "traderx-infra")
    mtx("unit", "create", "--space", "traderx-infra", "ns-base", f"{k8s}/namespace-base.yaml")
    for region in ("us", "eu"):
        space = f"traderx-prod-{region}"
        mtx("space", "create", space)
        mtx("unit", "create", "trade-service", "--space", space, "--upstream-space", "traderx-base")
        mtx("unit", "create", f"ns-{region}", "--space", "traderx-infra", "--upstream-space", "traderx-infra",
            "--upstream-unit", "ns-base")  # fmt: skip
        mtx("run", "set-string-path", "--path", "metadata.name", "--value", space, "--unit", f"ns-{region}",
            "--space", "traderx-infra", "--quiet")  # fmt: skip
    return mtx


def test_a_link_fills_the_apps_namespaces_in_the_same_commit(regions: Mtx) -> None:
    before = regions.commits()
    out = regions.json("link", "create", "--space", "traderx-prod-us", "app-to-ns-trade", "trade-service", "ns-us",
                       "traderx-infra")  # fmt: skip
    assert regions.commits() == before + 1
    files = regions.git("show", "--name-only", "--format=", "HEAD").split()
    assert files == [
        "spaces/traderx-prod-us/.mtx/unit-links/app-to-ns-trade.yaml",
        "spaces/traderx-prod-us/trade-service.yaml",
    ]
    assert out["units"][0]["changed"] is True
    deployment, service, binding = data(regions, "traderx-prod-us", "trade-service")
    assert deployment["metadata"]["namespace"] == "traderx-prod-us"
    assert service["metadata"]["namespace"] == "traderx-prod-us"
    assert binding["metadata"]["namespace"] == "fixed-by-hand"  # not a placeholder: left alone
    assert binding["subjects"][0]["namespace"] == "traderx-prod-us"  # a ServiceAccount subject needs one
    assert binding["subjects"][1]["name"] == "confighubplaceholder-admin"  # not a namespace: not filled
    text = (regions.root / "spaces/traderx-prod-us/trade-service.yaml").read_text()
    assert "namespace: traderx-prod-us  # Resolved via Link to namespace unit" in text  # only the value changed
    assert data(regions, "traderx-prod-eu", "trade-service")[0]["metadata"]["namespace"] == "confighubplaceholder"


def test_links_are_listed_and_shown_with_what_they_filled(regions: Mtx) -> None:
    regions("link", "create", "--space", "traderx-prod-us", "app-to-ns", "trade-service", "ns-us", "traderx-infra")
    regions("link", "create", "--space", "traderx-prod-eu", "-", "trade-service", "ns-eu", "traderx-infra",
            "--update-type", "None")  # fmt: skip
    rows = regions.json("link", "list", "--space", "traderx-prod-*")
    assert [(r["space"], r["link"], r["to"]["unit"], r["update_type"]) for r in rows] == [
        ("traderx-prod-eu", "trade-service-to-ns-eu", "ns-eu", "None"),
        ("traderx-prod-us", "app-to-ns", "ns-us", "NeedsProvides"),
    ]
    link = regions.json("link", "get", "app-to-ns", "--space", "traderx-prod-us")
    assert {(f["path"], f["value"]) for f in link["filled"]} == {
        ("metadata.namespace", "traderx-prod-us"),
        ("subjects[0].namespace", "traderx-prod-us"),
    }
    table = regions("link", "list", "--space", "traderx-prod-us").out
    assert table.split("\n")[0].split() == ["LINK", "SPACE", "FROM", "TO", "TYPE", "FILLED"]
    # an order-only link fills nothing
    assert data(regions, "traderx-prod-eu", "trade-service")[0]["metadata"]["namespace"] == "confighubplaceholder"


def test_refresh_follows_a_renamed_namespace_but_keeps_a_value_set_by_hand(regions: Mtx) -> None:
    regions("link", "create", "--space", "traderx-prod-us", "app-to-ns", "trade-service", "ns-us", "traderx-infra")
    regions(
        "unit",
        "update",
        "trade-service",
        "--space",
        "traderx-prod-us",
        "--type",
        "json",
        "--patch",
        '[{"op":"replace","path":"/metadata/namespace","value":"chosen"}]',
    )  # fmt: skip  (first document)
    regions("run", "set-string-path", "--path", "metadata.name", "--value", "us-east", "--unit", "ns-us",
            "--space", "traderx-infra")  # fmt: skip
    out = regions.json("link", "refresh", "--space", "traderx-prod-us")
    assert out["units"][0]["changed"] is True
    deployment, service, binding = data(regions, "traderx-prod-us", "trade-service")
    assert deployment["metadata"]["namespace"] == "chosen"  # someone set it: theirs
    assert service["metadata"]["namespace"] == "us-east"
    assert binding["subjects"][0]["namespace"] == "us-east"
    assert regions.json("link", "refresh", "--space", "traderx-prod-us")["commit"] is None  # nothing left to do


def test_an_upgrade_fills_what_the_upstream_brings_and_what_the_provider_changed(regions: Mtx) -> None:
    regions("link", "create", "--space", "traderx-prod-us", "app-to-ns", "trade-service", "ns-us", "traderx-infra")
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trade-config\n  namespace: confighubplaceholder\n"
    regions("unit", "update", "trade-service", "--space", "traderx-base", "-", stdin=(APP + "---\n" + config).encode())
    regions("run", "set-replicas", "--replicas", "5", "--unit", "trade-service", "--space", "traderx-prod-us")
    regions("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    us = data(regions, "traderx-prod-us", "trade-service")
    assert [d["metadata"].get("namespace") for d in us] == ["traderx-prod-us"] * 2 + [
        "fixed-by-hand",
        "traderx-prod-us",
    ]
    assert us[0]["spec"]["replicas"] == 5  # the filled namespace did not stop the upgrade or the local scale
    eu = data(regions, "traderx-prod-eu", "trade-service")
    assert eu[3]["metadata"]["namespace"] == "confighubplaceholder"  # no link, nothing filled
    regions("run", "set-string-path", "--path", "metadata.name", "--value", "us-2", "--unit", "ns-us",
            "--space", "traderx-infra")  # fmt: skip
    regions("unit", "update", "--upgrade", "--space", "traderx-prod-us")
    assert {d["metadata"]["namespace"] for d in data(regions, "traderx-prod-us", "trade-service")} == {
        "us-2",
        "fixed-by-hand",
    }


def test_a_link_to_a_namespace_not_named_yet_fills_once_it_is(regions: Mtx) -> None:
    regions("unit", "create", "ns-asia", "--space", "traderx-infra", "--upstream-space", "traderx-infra",
            "--upstream-unit", "ns-base")  # fmt: skip
    out = regions.json("link", "create", "--space", "traderx-prod-eu", "to-ns", "trade-service", "ns-asia",
                       "traderx-infra")  # fmt: skip
    assert "provides no namespace yet" in out["units"][0]["note"]
    regions("run", "set-string-path", "--path", "metadata.name", "--value", "asia", "--unit", "ns-asia",
            "--space", "traderx-infra")  # fmt: skip
    regions("link", "refresh", "to-ns", "--space", "traderx-prod-eu")
    assert data(regions, "traderx-prod-eu", "trade-service")[1]["metadata"]["namespace"] == "asia"


REFUSED = [
    (["app-to-ns", "trade-service", "ns-nowhere", "traderx-infra"], 1, "unit 'ns-nowhere' does not exist"),
    (["app-to-ns", "no-such-unit", "ns-us", "traderx-infra"], 1, "unit 'no-such-unit' does not exist"),
    (["app-to-ns", "trade-service", "ns-us", "no-such-space"], 1, "space 'no-such-space' does not exist"),
    (["App_To_NS", "trade-service", "ns-us", "traderx-infra"], 2, "invalid link name"),
    (["../../escape", "trade-service", "ns-us", "traderx-infra"], 2, "invalid link name"),
    (["app-to-ns", "../traderx-base/trade-service", "ns-us", "traderx-infra"], 2, "invalid unit name"),
    (["app-to-ns", "trade-service", "ns-us", "../spaces"], 2, "invalid space name"),
    (["app-to-ns", "trade-service", "trade-service"], 2, "cannot link to itself"),
    (["app-to-ns", "trade-service", "ns-us", "traderx-infra", "--update-type", "UpgradeUnit"], 2, "--update-type"),
]


@pytest.mark.parametrize(("args", "code", "message"), REFUSED)
def test_a_refused_link_leaves_the_repo_as_it_was(regions: Mtx, args: list[str], code: int, message: str) -> None:
    before = regions.fingerprint()
    result = regions("link", "create", "--space", "traderx-prod-us", *args, ok=False)
    assert (result.code, regions.fingerprint()) == (code, before)
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_links_that_go_round_in_a_circle_are_refused(regions: Mtx) -> None:
    regions(
        "unit",
        "create",
        "reference-data",
        "--space",
        "traderx-prod-us",
        "--upstream-space",
        "traderx-prod-us",
        "--upstream-unit",
        "trade-service",
    )  # fmt: skip  (any second unit will do)
    regions("link", "create", "--space", "traderx-prod-us", "trade-to-ref", "trade-service", "reference-data")
    regions("link", "create", "--space", "traderx-prod-us", "ref-to-ns", "reference-data", "ns-us", "traderx-infra")
    regions("link", "create", "--space", "traderx-infra", "ns-to-base", "ns-us", "ns-base")
    before = regions.fingerprint()
    for space, args in (
        ("traderx-prod-us", ["ref-to-trade", "reference-data", "trade-service"]),  # two units
        ("traderx-infra", ["base-to-app", "ns-base", "trade-service", "traderx-prod-us"]),  # four, two spaces
    ):
        result = regions("link", "create", "--space", space, *args, ok=False)
        assert (result.code, regions.fingerprint()) == (2, before)
        assert "circle" in result.err
    result = regions("link", "create", "--space", "traderx-infra", "ns-to-base", "ns-eu", "ns-base", ok=False)
    assert "exists already" in result.err and regions.fingerprint() == before
    result = regions(
        "link", "create", "--space", "traderx-prod-us", "again", "trade-service", "reference-data", ok=False
    )
    assert "links to traderx-prod-us/reference-data already" in result.err and regions.fingerprint() == before


def test_deleting_links_and_refreshing_unknown_ones(regions: Mtx) -> None:
    regions("link", "create", "--space", "traderx-prod-us", "app-to-ns", "trade-service", "ns-us", "traderx-infra")
    before = regions.fingerprint()
    for args in (["delete", "nope"], ["refresh", "nope"], ["delete", "../x"], ["get", "nope"]):
        result = regions("link", *args, "--space", "traderx-prod-us", ok=False)
        assert result.code in (1, 2) and regions.fingerprint() == before, args
    regions("link", "delete", "app-to-ns", "--space", "traderx-prod-us")
    assert regions.json("link", "list", "--space", "*") == []
    assert data(regions, "traderx-prod-us", "trade-service")[0]["metadata"]["namespace"] == "traderx-prod-us"


def test_a_provider_of_two_namespaces_is_refused(regions: Mtx) -> None:
    two = "".join(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n" for name in "ab")
    regions("unit", "create", "two", "-", "--space", "traderx-infra", stdin=two.encode())
    before = regions.fingerprint()
    result = regions(
        "link", "create", "--space", "traderx-prod-us", "x", "trade-service", "two", "traderx-infra", ok=False
    )
    assert result.code == 2 and "provides 2 namespaces (a, b)" in result.err and regions.fingerprint() == before


def test_apply_refuses_a_unit_that_still_holds_a_placeholder(regions: Mtx, tmp_path: Path) -> None:
    out = tmp_path / "out"
    regions("target", "create", "local-out", "--kind", "directory", "--path", str(out))
    regions("space", "update", "traderx-prod-eu", "--target", "local-out")
    before = regions.fingerprint()
    result = regions("apply", "--space", "traderx-prod-*", ok=False)
    assert result.code == 1 and regions.fingerprint() == before and not out.exists()
    assert result.err.strip() == (
        "error: unit traderx-prod-eu/trade-service: apps/Deployment confighubplaceholder/trade-service holds a "
        "placeholder at metadata.namespace ('confighubplaceholder'); link it to what provides it "
        "(`mtx link create`) or set it"
    )
    regions("link", "create", "--space", "traderx-prod-eu", "to-ns", "trade-service", "ns-eu", "traderx-infra")
    result = regions("apply", "--space", "traderx-prod-eu", ok=False)  # a placeholder no link fills
    assert "RoleBinding fixed-by-hand/trade-service holds a placeholder at subjects[name=confighubplaceholder-admin]" \
        ".name" in result.err and not out.exists()  # fmt: skip
    text = (regions.root / "spaces/traderx-prod-eu/trade-service.yaml").read_text()
    regions("unit", "update", "trade-service", "--space", "traderx-prod-eu", "-",
            stdin=text.replace("confighubplaceholder-admin", "admin").encode())  # fmt: skip
    regions("apply", "--space", "traderx-prod-eu")
    assert (out / "traderx-prod-eu" / "trade-service.yaml").exists()


def test_a_provider_is_not_deleted_while_links_need_it(regions: Mtx) -> None:
    regions("link", "create", "--space", "traderx-prod-us", "app-to-ns", "trade-service", "ns-us", "traderx-infra")
    before = regions.fingerprint()
    result = regions("unit", "delete", "ns-us", "--space", "traderx-infra", ok=False)
    assert result.code == 1 and "links traderx-prod-us/app-to-ns need unit traderx-infra/ns-us" in result.err
    result = regions("space", "delete", "traderx-infra", "--recursive", ok=False)
    assert result.code == 1 and "links traderx-prod-us/app-to-ns need units of 'traderx-infra'" in result.err
    assert regions.fingerprint() == before
    regions("unit", "delete", "trade-service", "--space", "traderx-prod-us")  # the needing unit: its link goes too
    assert regions.json("link", "list") == []
