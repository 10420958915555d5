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

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from mtx_gitops.adapters import yamlio
from mtx_gitops.errors import ClusterError, RefusedError, UserError
from mtx_gitops.tutorial.drawing import row
from mtx_gitops.tutorial.progress import check_stage, reached
from mtx_gitops.tutorial.runner import Execute, Runner
from mtx_gitops.tutorial.stages import DIRECTORIES, stage
from mtx_gitops.tutorial.state import workload_facets

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
        else directory_panel(run.root, s, target_of.get(s, {}))
        for s in spaces
    ]
    console.print(deployed(number, panels, on_cluster=bool(on_cluster)))
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
    documents = yamlio.load_documents(path.read_bytes(), source=str(path))
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


def deployed(number: int, panels: list[Panel], *, on_cluster: bool) -> Panel:
    """The frame around a deploy's panels: three to a row, the odd ones first (infra above the regions)."""
    odd = len(panels) % 3
    grid = ([row(*panels[:odd])] if odd else []) + [row(*panels[i : i + 3]) for i in range(odd, len(panels), 3)]
    return Panel(
        Group(*grid),
        title=f"[bold]Deployed: stage {number}[/]",
        box=box.HEAVY,
        border_style="green",
        subtitle="[italic]pods Running ✓ on the cluster[/]"
        if on_cluster
        else "[italic]manifests written to the directory targets (no cluster)[/]",
    )


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


def cluster_panel(space: str, rows: list[dict[str, Any]]) -> Panel:
    """A space's live objects: each with its readiness and, for workloads, one box per Running pod."""
    lines: list[RenderableType] = []
    for r in rows:
        text = Text(f"{r.get('kind')} {r.get('name')}", style="bold")
        if (r.get("sync"), r.get("health")) == ("Synced", "Healthy"):
            text.append(" ✓", style="green")
        else:
            text.append(f" {r.get('sync')} · {r.get('health')} · ready {r.get('ready')}", style="yellow")
        pods = r.get("pods")
        if pods:
            text.append("\n  " + "■ " * int(pods.get("running", 0)), style="green")
            text.append(f"Running ✓ {pods.get('running')}/{pods.get('total')}", style="bold green")
        lines.append(text)
    namespace = next((r.get("namespace") for r in rows if r.get("namespace")), None)
    return Panel(
        Group(*lines) if lines else Text("(nothing live)"),
        title=f"[bold]{space}[/]",
        subtitle=f"[dim]namespace {namespace}[/]" if namespace else None,
        border_style="green",
    )


def directory_panel(root: Path, space: str, target: dict[str, Any]) -> Panel:
    """The manifests a directory target received for `space`: one file per unit, its objects listed."""
    folder = root / str(target.get("path") or "out") / space
    lines: list[RenderableType] = []
    for path in sorted(folder.glob("*.yaml")):
        documents = [d for d in yamlio.load_documents(path.read_bytes(), source=str(path)) if isinstance(d, dict)]
        text = Text(path.name, style="bold")
        text.append(" ✓", style="green")
        facets = workload_facets(documents)
        for doc in documents:
            text.append(f"\n  {doc.get('kind')} {(doc.get('metadata') or {}).get('name')}")
            if doc.get("kind") in ("Deployment", "StatefulSet") and facets:
                text.append(f"\n    r: {facets.get('r')} · {facets.get('image')}", style="cyan")
        lines.append(text)
    return Panel(
        Group(*lines) if lines else Text("(no manifests written)"),
        title=f"[bold]{space}[/]",
        subtitle=f"[dim]→ {target.get('path', 'out')}/[/]",
        border_style="green",
    )
