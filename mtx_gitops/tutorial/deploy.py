"""`./deploy N`: deliver the spaces stage N deploys, then draw what landed.

A cluster is used only when `--kubeconfig PATH` is given, never an ambient `$KUBECONFIG`. Before
anything changes the deploy says which API server and context it is about to change, then points
the targets those spaces use at that cluster (`mtx target update T --kind kubernetes --kubeconfig
PATH`), `mtx apply` delivers them, and the drawing shows each object and its pods once `mtx status`
reports them Running. Without `--kubeconfig` every target goes (back) to its directory, so a target
pointed at a cluster by an earlier `./deploy N --kubeconfig` is not reused silently; the directory
targets receive the rendered manifests (`out/…`), drawn as the cluster would run them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from mtx_gitops import yaml
from mtx_gitops.errors import ClusterError, RefusedError, UserError
from mtx_gitops.tutorial.landed import cluster_panel, deployed, rendered_folder, rendered_panel
from mtx_gitops.tutorial.progress import check_stage, reached
from mtx_gitops.tutorial.runner import Execute, Runner
from mtx_gitops.tutorial.stages import DIRECTORIES, stage

WAIT_SECONDS = 120.0
POLL_SECONDS = 0.5


def deploy(
    root: Path,
    number: int,
    *,
    execute: Execute,
    console: Console,
    kubeconfig: str | None = None,
    wait_seconds: float = WAIT_SECONDS,
    announce: bool = True,
) -> list[dict[str, Any]]:
    """Deliver stage `number`'s spaces of the repo at `root`; returns their status rows (cluster only)."""
    check_stage(number)
    at = reached(root)
    if at is None or at < number:
        raise RefusedError(
            f"{root} is at stage {at or 0}: run `./setup-structure {number}` (mtx tutorial setup {number}) first"
        )
    cluster = kubeconfig_cluster(kubeconfig) if kubeconfig else None
    run = Runner(root, execute=execute, console=console)
    spaces = stage(number).deploys
    console.rule(f"[bold]Deploy stage {number}[/]: {', '.join(s.removeprefix('traderx-') for s in spaces)}")
    if announce:
        run.announce()
    if cluster is not None:
        console.print(
            f"[bold yellow]⚠ about to change the cluster at {cluster.server}[/] "
            f"(context {cluster.context}, kubeconfig {cluster.kubeconfig})",
            highlight=False,
            soft_wrap=True,
        )
        check_reachable(cluster)
        point_targets_at(run, spaces, cluster.kubeconfig)
    else:
        console.print("[dim]no --kubeconfig: no cluster, the manifests go to the directory targets[/]")
        point_targets_at_directories(run, spaces)
    for space in spaces:
        run.mtx("apply", "--space", space)
    target_of = {s: t for t in run.read("target", "list") for s in t.get("spaces") or () if s in spaces}
    on_cluster = [s for s in spaces if target_of.get(s, {}).get("kind") == "kubernetes"]
    rows = wait_running(run, on_cluster, wait_seconds) if on_cluster else []
    panels = [
        cluster_panel(s, [r for r in rows if r.get("space") == s])
        if s in on_cluster
        else rendered_panel(run.root, s, target_of.get(s, {}))
        for s in spaces
    ]
    folders = [
        f"{rendered_folder(run.root, s, target_of.get(s, {})).relative_to(run.root)}/"
        for s in spaces
        if s not in on_cluster
    ]
    console.print(deployed(number, panels, on_cluster=bool(on_cluster), folders=folders))
    return rows


@dataclass(frozen=True)
class KubeCluster:
    """The API server a kubeconfig's current context names."""

    kubeconfig: str
    context: str
    server: str


def kubeconfig_cluster(kubeconfig: str) -> KubeCluster:
    """The server and context `kubeconfig` (a path) leads to; UserError when it names none."""
    path = Path(kubeconfig).expanduser().resolve()
    if not path.is_file():
        raise UserError(f"--kubeconfig {kubeconfig}: no such file")
    documents = yaml.load_documents(path.read_bytes(), source=str(path))
    config = documents[0] if documents and isinstance(documents[0], dict) else {}
    context = str(config.get("current-context") or "")
    contexts = {c.get("name"): c.get("context") or {} for c in config.get("contexts") or [] if isinstance(c, dict)}
    clusters = {c.get("name"): c.get("cluster") or {} for c in config.get("clusters") or [] if isinstance(c, dict)}
    if context not in contexts:
        raise UserError(f"--kubeconfig {path}: its current-context {context!r} is not among its contexts")
    server = clusters.get(contexts[context].get("cluster"), {}).get("server")
    if not server:
        raise UserError(f"--kubeconfig {path}: context {context!r} names no cluster with a server")
    return KubeCluster(str(path), context, str(server))


def check_reachable(cluster: KubeCluster) -> None:
    """ClusterError, before any target is changed, when the API server does not answer."""
    from mtx_gitops.adapters.cluster import Cluster  # the kubernetes client costs start-up: only here

    client = Cluster.from_kubeconfig(cluster.kubeconfig, timeout=10.0)
    try:
        client.serves("v1", "Namespace")
    finally:
        client.close()


def point_targets_at(run: Runner, spaces: tuple[str, ...], kubeconfig: str) -> None:
    """Make every target used by `spaces` a kubernetes target reading `kubeconfig` (once)."""
    for target in run.read("target", "list"):
        used = set(target.get("spaces") or ()) & set(spaces)
        if used and (target.get("kind"), target.get("kubeconfig")) != ("kubernetes", kubeconfig):
            run.mtx("target", "update", target["target"], "--kind", "kubernetes", "--kubeconfig", kubeconfig)


def point_targets_at_directories(run: Runner, spaces: tuple[str, ...]) -> None:
    """Put every kubernetes target used by `spaces` back to the directory the stages gave it."""
    for target in run.read("target", "list"):
        used = set(target.get("spaces") or ()) & set(spaces)
        if used and target.get("kind") == "kubernetes":
            path = DIRECTORIES.get(target["target"], f"out/{target['target']}")
            run.mtx("target", "update", target["target"], "--kind", "directory", "--path", path)


def wait_running(run: Runner, spaces: list[str], wait_seconds: float) -> list[dict[str, Any]]:
    """`mtx status` rows of `spaces`, once every object is live and Healthy (ClusterError on timeout)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        rows = [r for s in spaces for r in run.read("status", "--space", s)]
        # Drifted still means this commit is live; Missing and OutOfSync mean the apply has not landed.
        waiting = [r for r in rows if r.get("sync") in ("Missing", "OutOfSync") or r.get("health") != "Healthy"]
        if not waiting:
            return rows
        if time.monotonic() > deadline:
            first = waiting[0]
            raise ClusterError(
                f"{first.get('kind')} {first.get('namespace')}/{first.get('name')} is still "
                f"{first.get('sync')}/{first.get('health')} (ready {first.get('ready')}) "
                f"after {wait_seconds:.0f} s",
                transient=True,
            )
        time.sleep(POLL_SECONDS)
