"""What `./deploy N` landed, drawn as the guide's Kubernetes side: namespace, workloads and pods.

On a cluster each object comes from `mtx status` and a workload's pods are filled (■) once Running.
Without one the same side is drawn from the rendered manifests the directory target received, and
marked as such: hollow pods (□), "rendered, not running", the files they are in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from mtx_gitops import yaml
from mtx_gitops.tutorial.drawing import Facet, UnitBlock
from mtx_gitops.tutorial.layout import row

WORKLOADS = ("Deployment", "StatefulSet", "ReplicaSet")


def deployed(number: int, panels: list[Panel], *, on_cluster: bool, folders: Sequence[str] = ()) -> Panel:
    """The frame around a deploy's panels: three to a row, the odd ones first (infra above the regions)."""
    odd = len(panels) % 3
    grid: list[RenderableType] = [row(*panels[:odd])] if odd else []
    grid += [row(*panels[i : i + 3]) for i in range(odd, len(panels), 3)]
    if on_cluster:
        title, below = f"Kubernetes: stage {number} deployed", "pods Running ✓ on the cluster"
    else:
        title, below = f"Kubernetes, as rendered: stage {number}", "not running: no cluster"
        grid.append(
            Text(
                f"□ a pod the rendered manifests ask for; `./deploy {number} --kubeconfig PATH` runs them. "
                f"Files: {', '.join(folders)}",
                style="dim",
            )
        )
    return Panel(
        Group(*grid),
        title=f"[bold]{title}[/]",
        box=box.HEAVY,
        border_style="green" if on_cluster else "yellow",
        subtitle=f"[italic]{below}[/]",
    )


def cluster_panel(space: str, rows: list[dict[str, Any]]) -> Panel:
    """A space's live objects: each with its readiness and, for workloads, one box per Running pod."""
    lines: list[RenderableType] = []
    namespace = next((r.get("namespace") for r in rows if r.get("namespace")), None)
    if namespace:
        lines.append(Text(f"Namespace: {namespace}", style="cyan"))
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
    return Panel(
        Group(*lines) if lines else Text("(nothing live)"),
        title=f"[bold]{space}[/]",
        border_style="green",
    )


def rendered_panel(root: Path, space: str, target: dict[str, Any]) -> Panel:
    """`space` as the manifests its directory target received would run: namespace, workloads, pods."""
    documents = [
        doc
        for path in sorted(rendered_folder(root, space, target).glob("*.yaml"))
        for doc in yaml.load_documents(path.read_bytes(), source=str(path))
        if isinstance(doc, dict)
    ]
    namespaces = {str((d.get("metadata") or {}).get("namespace")) for d in documents if d.get("kind") != "Namespace"}
    lines: list[RenderableType] = []
    if len(namespaces) == 1 and "None" not in namespaces:
        lines.append(Text(f"Namespace: {namespaces.pop()}", style="cyan"))
    lines += [_rendered_object(doc) for doc in documents] or [Text("(no manifests written)", style="dim")]
    return Panel(Group(*lines), title=f"[bold]{space}[/]", border_style="yellow")


def rendered_folder(root: Path, space: str, target: dict[str, Any]) -> Path:
    """Where a directory target writes `space`'s manifests."""
    return root / str(target.get("path") or "out") / space


def _rendered_object(doc: dict[str, Any]) -> UnitBlock:
    """One object as the cluster would hold it: a workload with its image and a □ per pod to run."""
    header = Text(f"{doc.get('kind')} {(doc.get('metadata') or {}).get('name')}", style="bold")
    spec = doc.get("spec") or {}
    if doc.get("kind") not in WORKLOADS:
        return UnitBlock(header, ())
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    images = [Facet("image", str(c.get("image", "")).rsplit("/", 1)[-1]) for c in containers]
    replicas = int(spec.get("replicas", 1))
    pods = Text("□ " * replicas + f"{replicas} pod{'s' if replicas != 1 else ''}", style="yellow")
    return UnitBlock(header, images, [pods])
