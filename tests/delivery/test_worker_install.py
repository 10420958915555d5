"""`mtx worker create|list|delete|install`: workers recorded in git, and the manifests that run one in a cluster.

The RBAC is derived from what the spaces deliver (a Role per namespace, a ClusterRole only for
cluster-scoped kinds, a Role for the Lease); tests/delivery/test_worker_install_kube.py proves it on
an API server that enforces RBAC.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtx_gitops import yaml
from tests.conftest import Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import config_map, deployment, service

REGIONS = {"us": 3, "eu": 5, "asia": 2}
URL = "https://git.example.com/acme/config.git"


def stage3(root: Path, *, extra: dict[str, list[dict[str, Any]]] | None = None) -> Mtx:
    repo = ConfigRepo(root, targets={"prod": {"kind": "kubernetes", "kubeconfig": "${KUBECONFIG_PROD}"},
                                     "out": {"kind": "directory", "path": "out"}})  # fmt: skip
    for region, replicas in REGIONS.items():
        space = f"traderx-prod-{region}"
        repo.space(space, target="prod")
        repo.unit(space, "reference-data", deployment("reference-data"), service("reference-data"))
        repo.unit(space, "trade-service", deployment("trade-service", replicas=replicas))
    repo.space("traderx-dev", target="out")
    repo.unit("traderx-dev", "reference-data", deployment("reference-data"))
    for unit, docs in (extra or {}).items():
        repo.unit("traderx-prod-eu", unit, *docs)
    repo.commit("stage 3")
    return Mtx(root)


def export(m: Mtx, *args: str) -> list[dict[str, Any]]:
    m("worker", "create", "traderx", "--space", "traderx-prod-*")
    out = m("worker", "install", "traderx", "--export", "--git-url", URL, *args).out
    return yaml.load_documents(out, source="install")


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [obj for obj in objects if obj["kind"] == kind]


def test_workers_are_recorded_in_mtx_yaml_one_commit_each(tmp_path: Path) -> None:
    m = stage3(tmp_path / "repo")
    commits = m.commits()

    m("worker", "create", "traderx", "--space", "traderx-prod-*")
    m("worker", "create", "dev", "--space", "traderx-dev")

    assert m.commits() == commits + 2
    assert m.json("worker", "list") == [
        {"worker": "dev", "spaces": "traderx-dev", "matched": ["traderx-dev"], "targets": ["out"]},
        {"worker": "traderx", "spaces": "traderx-prod-*", "targets": ["prod"],
         "matched": ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]},
    ]  # fmt: skip
    assert "traderx-prod-*" in (m.root / "mtx.yaml").read_text()
    m("worker", "delete", "dev")
    assert [row["worker"] for row in m.json("worker", "list")] == ["traderx"]
    assert m.commits() == commits + 3


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (("worker", "create", "traderx", "--space", "traderx-prod-*"), "worker 'traderx' exists already"),
        (("worker", "create", "Bad_Name", "--space", "traderx-dev"), "Bad_Name"),
        (("worker", "create", "other", "--space", "nothing-*"), "no space matches 'nothing-*'"),
        (("worker", "create", "other", "--space", "../x"), "invalid"),
        (("worker", "delete", "ghost"), "worker 'ghost' does not exist (known: traderx)"),
        (("worker", "install", "ghost", "--export", "--git-url", URL), "worker 'ghost' does not exist"),
        (("worker", "install", "traderx", "--git-url", URL), "give --export"),
        (
            ("worker", "install", "traderx", "--export", "--space", "traderx-*", "--git-url", URL),
            "space traderx-dev delivers to 'out', not a kubernetes target",
        ),
        (("worker", "install", "traderx", "--export"), "no `origin` remote"),
        (("worker", "install", "traderx", "--export", "--git-url", URL, "--include-secret"), "$MTX_GIT_TOKEN"),
        (("worker", "install", "traderx", "--export", "--git-url", URL, "--namespace", "Bad"), "Bad"),
    ],
)
def test_bad_worker_commands_change_nothing(tmp_path: Path, args: tuple[str, ...], why: str) -> None:
    m = stage3(tmp_path / "repo")
    m("worker", "create", "traderx", "--space", "traderx-prod-*")
    before = m.fingerprint()

    result = m(*args, ok=False)

    assert result.code in (1, 2) and why in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert m.fingerprint() == before


def test_install_grants_each_namespace_the_kinds_delivered_there_and_nothing_else(tmp_path: Path) -> None:
    objects = export(stage3(tmp_path / "repo"), "--namespace", "mtx-system")

    namespaces = [obj["metadata"]["name"] for obj in by_kind(objects, "Namespace")]
    assert namespaces == ["mtx-system", "traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]
    roles = {(r["metadata"]["namespace"], r["metadata"]["name"]): r["rules"] for r in by_kind(objects, "Role")}
    verbs = ["get", "list", "create", "patch", "delete"]
    for region in REGIONS:
        assert roles[(f"traderx-prod-{region}", "mtx-worker-traderx")] == [
            {"apiGroups": [""], "resources": ["services"], "verbs": verbs},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": verbs},
        ]
    lease = roles[("mtx-system", "mtx-worker-traderx-lease")]
    assert {verb for rule in lease for verb in rule["verbs"]} == {"create", "get", "update"}
    assert all(rule["resources"] == ["leases"] for rule in lease)
    [cluster_role] = by_kind(objects, "ClusterRole")
    assert cluster_role["rules"] == [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"],
        "resourceNames": ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]}]  # fmt: skip
    rules = [rule for role in by_kind(objects, "Role") + by_kind(objects, "ClusterRole") for rule in role["rules"]]
    assert not any("secrets" in rule["resources"] or "*" in rule["resources"] + rule["verbs"] for rule in rules)
    bindings = by_kind(objects, "RoleBinding") + by_kind(objects, "ClusterRoleBinding")
    assert len(bindings) == 5 and {b["roleRef"]["name"] for b in bindings} <= {"mtx-worker-traderx",
                                                                              "mtx-worker-traderx-lease"}  # fmt: skip
    assert all(b["subjects"] == [{"kind": "ServiceAccount", "name": "mtx-worker-traderx", "namespace": "mtx-system"}]
               for b in bindings)  # fmt: skip
    assert not by_kind(objects, "Secret")


def test_a_secret_and_a_cluster_scoped_kind_are_granted_only_when_a_unit_delivers_them(tmp_path: Path) -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "x"}}
    priority = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "trading"},
                "value": 1000}  # fmt: skip
    objects = export(stage3(tmp_path / "repo", extra={"db": [secret, config_map("settings")], "prio": [priority]}))

    roles = {r["metadata"]["namespace"]: r["rules"] for r in by_kind(objects, "Role")}
    assert roles["traderx-prod-eu"][0]["resources"] == ["configmaps", "secrets", "services"]
    assert roles["traderx-prod-us"][0]["resources"] == ["services"]
    [cluster_role] = by_kind(objects, "ClusterRole")
    assert cluster_role["rules"][0] == {"apiGroups": ["scheduling.k8s.io"], "resources": ["priorityclasses"],
                                        "verbs": ["get", "list", "create", "patch", "delete"]}  # fmt: skip


def test_the_deployment_runs_two_leader_electing_non_root_replicas_with_probes(tmp_path: Path) -> None:
    objects = export(stage3(tmp_path / "repo"), "--namespace", "mtx-system", "--image", "registry/mtx:1")

    [deploy] = by_kind(objects, "Deployment")
    pod = deploy["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert deploy["spec"]["replicas"] == 2 and pod["serviceAccountName"] == "mtx-worker-traderx"
    assert container["image"] == "registry/mtx:1"
    assert container["args"] == [
        "--repo", URL, "--branch", "main", "worker", "run", "--space", "traderx-prod-*",
        "--target-config", "/etc/mtx/targets.yaml", "--lease-namespace", "mtx-system", "--identity", "$(POD_NAME)",
        "--interval", "30", "--health-address", "0.0.0.0", "--health-port", "8080"]  # fmt: skip
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["requests"] == {"cpu": "50m", "memory": "128Mi"}
    [config] = by_kind(objects, "ConfigMap")
    assert yaml.load_one(config["data"]["targets.yaml"], source="targets.yaml") == {
        "targets": {"prod": {"inCluster": True}}
    }
    assert {"name": "git", "secret": {"secretName": "mtx-worker-traderx-git", "optional": True}} in pod["volumes"]


def test_include_secret_puts_the_git_token_in_a_secret_the_deployment_mounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTX_GIT_TOKEN", "s3cret")
    objects = export(stage3(tmp_path / "repo"), "--include-secret")

    [secret] = by_kind(objects, "Secret")
    assert secret["metadata"]["name"] == "mtx-worker-traderx-git"
    assert secret["stringData"] == {".git-credentials": "https://git:s3cret@git.example.com\n"}
    assert [obj["kind"] for obj in objects][-2:] == ["Secret", "Deployment"]


def test_the_containerfile_builds_a_non_root_image_in_two_stages() -> None:
    text = (Path(__file__).resolve().parents[2] / "Containerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert "USER 10001" in text and 'ENTRYPOINT ["mtx"]' in text


def test_in_cluster_outside_a_pod_fails_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mtx_gitops.adapters.cluster import Cluster
    from mtx_gitops.errors import ClusterError

    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(ClusterError, match=rf"in-cluster configuration \({tmp_path}\): ") as caught:
        Cluster.in_cluster(str(tmp_path))
    assert "\n" not in str(caught.value) and not caught.value.transient


def test_the_units_own_targets_are_granted_and_their_linked_namespaces_get_roles(tmp_path: Path) -> None:
    """MicroTraderX's deploy 3: the spaces have no target, each unit has its own (`unit set-target`), and a
    link gives the apps their namespace."""
    root = tmp_path / "repo"
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "traderx-prod-us"}}
    app = deployment("trade-service")
    app["metadata"]["namespace"] = "confighubplaceholder"
    repo = ConfigRepo(root, targets={"k8s-worker-us": {"kind": "kubernetes", "kubeconfig": "kc"}})
    repo.space("traderx-infra")
    repo.unit("traderx-infra", "ns-us", ns)
    repo.space("traderx-prod-us")
    repo.unit("traderx-prod-us", "trade-service", app)
    repo.commit("stage 3")
    m = Mtx(root)
    m("link", "create", "--space", "traderx-prod-us", "to-ns", "trade-service", "ns-us", "traderx-infra")
    m("unit", "set-target", "trade-service", "k8s-worker-us", "--space", "traderx-prod-us")
    m("worker", "create", "worker-us", "--space", "traderx-prod-us")
    out = m("worker", "install", "worker-us", "--export", "--git-url", URL).out
    objects = yaml.load_documents(out, source="install")
    config = next(obj for obj in objects if obj["kind"] == "ConfigMap")
    assert "k8s-worker-us" in yaml.dump_documents([config])
    roles = {role["metadata"]["namespace"] for role in by_kind(objects, "Role")}
    assert "traderx-prod-us" in roles
