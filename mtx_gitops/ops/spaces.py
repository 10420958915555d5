"""Repositories, spaces and targets: `mtx init`, `mtx space …`, `mtx target …`."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from mtx_gitops.adapters import yamlio
from mtx_gitops.adapters.gitrepo import init_repo
from mtx_gitops.core.labels import check_label
from mtx_gitops.core.model import BASE_DIR, CONFIG_FILE, SPACES_DIR, Space, UnitRef, space_meta_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, RefusedError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, WriteResult, write

CONFIG_TEXT = """\
# mtx config repository:
#   spaces/<space>/<unit>.yaml   one unit: one or more Kubernetes documents
#   base/<unit>.yaml             source manifests as the app team ships them
# Targets say where a space is delivered: `mtx target create`, `mtx space update --target`.
apiVersion: mtx.dev/v1alpha1
kind: Config
targets:
  local:
    kind: directory
    path: out
"""

TARGET_KINDS = ("kubernetes", "directory")


def init(path: Path, *, example: str | None = None, message: str | None = None) -> WriteResult:
    """Make `path` an mtx config repo: mtx.yaml, base/, spaces/, and the first commit."""
    if (path / CONFIG_FILE).exists():
        raise AlreadyExistsError(f"{path / CONFIG_FILE} exists already: {path} is an mtx repository")
    if not (path / ".git").exists():
        init_repo(path)
    files: dict[str, bytes | None] = {
        CONFIG_FILE: CONFIG_TEXT.encode(),
        ".gitignore": b"/out/\n",
        f"{SPACES_DIR}/.gitkeep": b"",
        f"{BASE_DIR}/.gitkeep": b"",
    }
    if example:
        files.update({f"{BASE_DIR}/{name}": data for name, data in example_manifests(example).items()})
    repo = Repo(path.resolve())
    branch = repo.git.current_branch()
    plan = Plan("repo.init", "mtx init", files=files)
    return write(repo, lambda _snap: plan, branch=branch, message=message)


def example_manifests(name: str) -> dict[str, bytes]:
    """The manifests of a bundled example (`traderx`), file name -> content."""
    folder = resources.files("mtx_gitops.examples").joinpath(name)
    if not folder.is_dir():
        raise UserError(f"unknown example {name!r} (known: traderx)")
    return {entry.name: entry.read_bytes() for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".yaml")}


def parse_labels(pairs: list[str]) -> dict[str, str]:
    """`k=v` strings as a dict; UserError naming the first bad one."""
    labels = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"invalid label {pair!r}: expected key=value")
        check_label(key, value)
        labels[key] = value
    return labels


def create_space(repo: Repo, name: str, *, labels: Mapping[str, str], target: str | None,
                 namespace: str | None, branch: str | None = None, message: str | None = None,
                 dry_run: bool = False) -> WriteResult:
    """Create a space directory with its metadata."""
    check_slug(name, what="space name")
    if namespace is not None:
        check_slug(namespace, what="namespace")

    def build(snap: Snapshot) -> Plan:
        if snap.has_space(name):
            raise AlreadyExistsError(f"space {name!r} exists already")
        _check_target(snap, target)
        space = Space(name, dict(labels), target, namespace)
        return Plan("space.create", f"Create space {name}",
                    files={space_meta_path(name): yamlio.dump_one(space.as_data()).encode()})

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def update_space(repo: Repo, name: str, *, labels: Mapping[str, str] | None = None,
                 target: str | None = None, namespace: str | None = None, branch: str | None = None,
                 message: str | None = None, dry_run: bool = False) -> WriteResult:
    """Change a space's labels, target or namespace."""
    def build(snap: Snapshot) -> Plan:
        space = snap.space(name)
        _check_target(snap, target)
        updated = Space(name, {**space.labels, **(labels or {})}, target or space.target,
                        namespace or space.namespace)
        return Plan("space.update", f"Update space {name}",
                    files={space_meta_path(name): yamlio.dump_one(updated.as_data()).encode()})

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_space(repo: Repo, name: str, *, force: bool = False, branch: str | None = None,
                 message: str | None = None, dry_run: bool = False) -> WriteResult:
    """Delete a space; refuses while it holds units or others link to it, unless `force`."""
    def build(snap: Snapshot) -> Plan:
        snap.space(name)
        units = snap.unit_names(name)
        linked = sorted({str(d) for u in units for d in snap.downstream_of(UnitRef(name, u))
                         if d.space != name})
        if units and not force:
            raise RefusedError(f"space {name!r} still holds {len(units)} unit(s); delete them or pass --force")
        if linked and not force:
            raise RefusedError(f"units {', '.join(linked)} name units of {name!r} as upstream; "
                               "pass --force to delete anyway")
        files: dict[str, bytes | None] = dict.fromkeys(snap.files_of(name))
        return Plan("space.delete", f"Delete space {name}", files=files)

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def create_target(repo: Repo, name: str, *, kind: str, kubeconfig: str | None = None,
                  context: str | None = None, path: str | None = None, branch: str | None = None,
                  message: str | None = None, dry_run: bool = False) -> WriteResult:
    """Add (or replace) a delivery target in mtx.yaml."""
    check_slug(name, what="target name")
    target: dict[str, Any] = {"kind": kind}
    if kind == "kubernetes":
        if not kubeconfig:
            raise UserError("a kubernetes target needs --kubeconfig PATH (may be ${ENV_VAR})")
        target["kubeconfig"] = kubeconfig
        if context:
            target["context"] = context
    elif kind == "directory":
        if not path:
            raise UserError("a directory target needs --path DIR")
        if Path(path).is_absolute() is False and ".." in Path(path).parts:
            raise UserError(f"invalid target path {path!r}: must stay inside the repository")
        target["path"] = path
    else:
        raise UserError(f"invalid target kind {kind!r}: expected one of {', '.join(TARGET_KINDS)}")

    def build(snap: Snapshot) -> Plan:
        text = snap.read_text(CONFIG_FILE)
        config = yamlio.load_one(text, source=CONFIG_FILE) or {}
        new = {**config, "targets": {**(config.get("targets") or {}), name: target}}
        return Plan("target.create", f"Create target {name}",
                    files={CONFIG_FILE: yamlio.rewrite(text, [new], source=CONFIG_FILE).encode()})

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def list_targets(snap: Snapshot) -> list[dict[str, Any]]:
    """Targets as JSON rows, with the spaces that name each."""
    users: dict[str, list[str]] = {}
    for space in snap.spaces():
        if space.target:
            users.setdefault(space.target, []).append(space.name)
    return [{"target": name, **spec, "spaces": users.get(name, [])}
            for name, spec in sorted(snap.targets().items())]


def _check_target(snap: Snapshot, target: str | None) -> None:
    if target is not None and target not in snap.targets():
        known = ", ".join(sorted(snap.targets())) or "none"
        raise NotFoundError(f"target {target!r} is not defined in mtx.yaml (known: {known})")
