"""The kustomize equivalent of a generated mtx repo: one base and one overlay per space.

Each overlay sets the namespace and the space labels (what `mtx render` adds) and makes the
space's overrides: a `replicas:` entry per Deployment and a strategic-merge patch per Deployment
that sets the env var in its container.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.manifests import SERVICES, Override, override_of, space_name, unit_yaml


def write_base(root: Path, *, units: int = len(SERVICES)) -> None:
    """`root/base/`: the unit files and a kustomization listing them."""
    base = root / "base"
    base.mkdir(parents=True, exist_ok=True)
    for index in range(units):
        (base / f"{SERVICES[index]}.yaml").write_text(unit_yaml(index))
    resources = "".join(f"- {SERVICES[i]}.yaml\n" for i in range(units))
    (base / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" + resources
    )


def overlay_text(space: str, override: Override, *, units: int = len(SERVICES)) -> str:
    """The kustomization.yaml of one space's overlay."""
    labels = json.dumps({"mtx.dev/space": space, "mtx.dev/inventory": space})
    lines = [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        "- ../../base",
        f"namespace: {space}",
        "labels:",
        f"- pairs: {labels}",
        "  includeSelectors: false",
    ]
    names = SERVICES[:units]
    if override.replicas is not None:
        lines.append("replicas:")
        lines += [f"- name: {name}\n  count: {override.replicas}" for name in names]
    if override.env is not None:
        key, value = override.env
        lines.append("patches:")
        for name in names:
            patch = {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name},
                "spec": {
                    "template": {"spec": {"containers": [{"name": name, "env": [{"name": key, "value": value}]}]}}
                },
            }
            lines.append(f"- target:\n    kind: Deployment\n    name: {name}\n  patch: '{json.dumps(patch)}'")
    return "\n".join(lines) + "\n"


def write_tree(root: Path, *, spaces: int, units: int = len(SERVICES)) -> list[str]:
    """Write the base and one overlay per space under `root`; returns the overlay names."""
    write_base(root, units=units)
    names = []
    for index in range(spaces):
        space = space_name(index)
        overlay = root / "overlays" / space
        overlay.mkdir(parents=True, exist_ok=True)
        (overlay / "kustomization.yaml").write_text(overlay_text(space, override_of(index), units=units))
        names.append(space)
    return names
