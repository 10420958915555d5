"""`mtx worker install W --export`: the manifests that run a worker inside the cluster it serves.

Namespace, ServiceAccount, least-privilege RBAC (`rbac.py`), the target config that maps each target
of its spaces to the in-cluster service account, optionally the git credentials Secret, and a
Deployment of two replicas that elect a leader with a Lease. Nothing here talks to a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mtx_gitops import yaml
from mtx_gitops.core.slug import check_slug
from mtx_gitops.delivery.authority import Authority, Grant
from mtx_gitops.delivery.deliver import plan_commit
from mtx_gitops.delivery.process import lease_name
from mtx_gitops.delivery.rbac import worker_rbac
from mtx_gitops.delivery.workers import worker_spec
from mtx_gitops.errors import RefusedError, UserError
from mtx_gitops.store import Repo, Snapshot

Object = dict[str, Any]
CONFIG_DIR = "/etc/mtx"
GIT_DIR = "/etc/mtx/git"
HOME = "/var/lib/mtx"
HEALTH_PORT = 8080
USER_ID = 10001


@dataclass(frozen=True)
class InstallOptions:
    """What `worker install` is told: the worker, where it runs, what it reads and with what."""

    worker: str
    spaces: str | None = None  # None: the glob `worker create` recorded
    git_url: str | None = None  # None: the repository's `origin`
    branch: str | None = None  # None: the checked-out branch
    namespace: str = "mtx"
    image: str | None = None  # None: mtx-worker:VERSION (see Containerfile)
    interval: float = 30.0
    replicas: int = 2
    git_token: str | None = None  # with --include-secret: the token the Secret holds
    git_username: str = "git"


def install_plan(repo: Repo, snapshot: Snapshot, options: InstallOptions) -> list[Object]:
    """Every object `kubectl apply -f -` needs to run worker `options.worker`, in apply order."""
    from mtx_gitops import __version__

    check_slug(options.worker, what="worker name")
    check_slug(options.namespace, what="namespace")
    recorded = worker_spec(snapshot, options.worker)
    resolved = replace(
        options,
        spaces=options.spaces or str(recorded.get("spaces") or ""),
        git_url=options.git_url or _origin(repo),
        branch=options.branch or repo.git.current_branch() or "main",
        image=options.image or f"mtx-worker:{__version__}",
    )
    return _manifests(snapshot, resolved, base=repo.root)


def _origin(repo: Repo) -> str:
    url = repo.git.run("remote", "get-url", "origin", check=False).decode().strip()
    if not url:
        raise UserError("the repository has no `origin` remote: give the URL the worker reads with --git-url")
    return url


def _manifests(snapshot: Snapshot, options: InstallOptions, *, base: Path) -> list[Object]:
    assert options.spaces and options.git_url and options.branch and options.image
    served = snapshot.match_spaces(options.spaces)
    targets = snapshot.targets()
    used: dict[str, str] = {}
    for name in served:  # the spaces' targets, their units' own (`unit set-target`)
        for target in (snapshot.space(name).target, *snapshot.unit_targets(name).values()):
            if target:
                used.setdefault(target, name)
    for target, spec in targets.items():  # and the targets recorded as this worker's (cub's `target create T P W`)
        if spec.get("worker") == options.worker and served:
            used.setdefault(target, str(spec["space"]) if spec.get("space") in served else served[0])
    for target, space in sorted(used.items()):
        if targets.get(str(target), {}).get("kind") != "kubernetes":
            raise RefusedError(f"space {space} delivers to {target!r}, not a kubernetes target: a worker in a cluster "
                               "delivers only to the cluster it runs in")  # fmt: skip
    if not used:
        raise RefusedError(f"no space matching {options.spaces!r} has a target: the worker would deliver nothing")
    grants = {str(t): Grant(str(t), in_cluster=True) for t in used}
    plans = plan_commit(snapshot, spaces=served, base=base, authority=Authority(grants, frozenset()))
    objects = [obj for plan in plans if plan.target is not None for obj in plan.objects]
    name = f"mtx-worker-{options.worker}"
    labels = {"app.kubernetes.io/name": "mtx-worker", "app.kubernetes.io/instance": options.worker}
    meta = {"name": name, "namespace": options.namespace, "labels": labels}
    lease = lease_name(options.git_url, options.branch)
    config = {"targets": {target: grant.as_json() for target, grant in sorted(grants.items())}}
    delivered = sorted({obj["metadata"]["namespace"] for obj in objects if obj["metadata"].get("namespace")})
    out: list[Object] = [_namespace(options.namespace, labels)]
    out += [_namespace(where, labels) for where in delivered if where != options.namespace]
    out.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta})
    out += worker_rbac(objects, name=name, namespace=options.namespace, account=name, lease=lease, labels=labels)
    out.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                "data": {"targets.yaml": yaml.dump_documents([config])}})  # fmt: skip
    if options.git_token is not None:
        out.append(_git_secret(meta, options))
    out.append(_deployment(meta, options, labels=labels))
    return out


def _namespace(name: str, labels: dict[str, str]) -> Object:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": dict(labels)}}


def _git_secret(meta: Object, options: InstallOptions) -> Object:
    url = urlsplit(options.git_url)
    if url.scheme not in ("https", "http") or not url.hostname:
        raise UserError(f"--include-secret needs an https git URL to hold credentials for, not {options.git_url!r}")
    line = f"{url.scheme}://{options.git_username}:{options.git_token}@{url.netloc.rsplit('@', 1)[-1]}\n"
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {**meta, "name": f"{meta['name']}-git"}, "stringData": {".git-credentials": line}}  # fmt: skip


def _deployment(meta: Object, options: InstallOptions, *, labels: dict[str, str]) -> Object:
    args = ["--repo", options.git_url, "--branch", options.branch, "worker", "run", "--space", options.spaces,
            "--target-config", f"{CONFIG_DIR}/targets.yaml", "--lease-namespace", options.namespace,
            "--identity", "$(POD_NAME)", "--interval", f"{options.interval:g}",
            "--health-address", "0.0.0.0", "--health-port", str(HEALTH_PORT)]  # fmt: skip
    env = [
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "HOME", "value": HOME},
        # git reads the credentials Secret (optional: a public repository needs none) through its store helper.
        {"name": "GIT_CONFIG_COUNT", "value": "1"},
        {"name": "GIT_CONFIG_KEY_0", "value": "credential.helper"},
        {"name": "GIT_CONFIG_VALUE_0", "value": f"store --file={GIT_DIR}/.git-credentials"},
    ]
    probe = {"httpGet": {"path": "/healthz", "port": "health"}, "periodSeconds": 20, "failureThreshold": 3}
    container = {
        "name": "worker",
        "image": options.image,
        "args": args,
        "env": env,
        "ports": [{"name": "health", "containerPort": HEALTH_PORT, "protocol": "TCP"}],
        "livenessProbe": probe,
        "readinessProbe": {**probe, "httpGet": {"path": "/readyz", "port": "health"}, "periodSeconds": 10},
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
            {"name": "git", "mountPath": GIT_DIR, "readOnly": True},
            {"name": "home", "mountPath": HOME},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }
    volumes = [
        {"name": "config", "configMap": {"name": meta["name"]}},
        {"name": "git", "secret": {"secretName": f"{meta['name']}-git", "optional": True}},
        {"name": "home", "emptyDir": {}},
        {"name": "tmp", "emptyDir": {}},
    ]
    pod = {
        "serviceAccountName": meta["name"],
        "securityContext": {"runAsNonRoot": True, "runAsUser": USER_ID, "runAsGroup": USER_ID, "fsGroup": USER_ID,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": volumes,
    }  # fmt: skip
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {
            "replicas": options.replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": pod},
        },
    }
