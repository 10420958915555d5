"""Repositories and spaces: `mtx init`, `mtx space …` (targets: `ops.targets`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import init_repo
from mtx_gitops.core.labels import check_label
from mtx_gitops.core.model import BASE_DIR, CONFIG_FILE, SPACES_DIR, Space, UnitRef, space_meta_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, RefusedError, UserError
from mtx_gitops.ops.targets import check_target
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

DEFAULT_BRANCH = "main"

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


def init(path: Path, *, example: str | None = None, message: str | None = None, dry_run: bool = False) -> WriteResult:
    """Make `path` an mtx config repo: mtx.yaml, base/, spaces/, and the first commit.

    A dry run checks the same things and shows the files it would commit, creating nothing.
    """
    if (path / CONFIG_FILE).exists():
        raise AlreadyExistsError(f"{path / CONFIG_FILE} exists already: {path} is an mtx repository")
    files: dict[str, bytes | None] = {
        CONFIG_FILE: CONFIG_TEXT.encode(),
        ".gitignore": b"/out/\n",
        f"{SPACES_DIR}/.gitkeep": b"",
        f"{BASE_DIR}/.gitkeep": b"",
    }
    if example:
        files.update({f"{BASE_DIR}/{name}": data for name, data in example_manifests(example).items()})
    plan = Plan("repo.init", "mtx init", files=files, done="config repo initialised")
    if dry_run:
        return _init_preview(path, plan)
    if not (path / ".git").exists():
        init_repo(path, branch=DEFAULT_BRANCH)
    repo = Repo(path.resolve())
    branch = repo.git.current_branch()
    return write(repo, lambda _snap: plan, branch=branch, message=message)


def _init_preview(path: Path, plan: Plan) -> WriteResult:
    """What `init` would do to `path`: the files of its first commit as a diff (nothing is created)."""
    has_git = (path / ".git").exists()
    branch = Repo(path.resolve()).git.current_branch() if has_git else DEFAULT_BRANCH
    if branch is None:
        raise UserError(f"HEAD of {path} is detached: check out a branch for the first commit")
    notes = [] if has_git else [f"would create a git repository in {path} (branch {branch})"]
    notes.append(f"would commit {len(plan.files)} files: {', '.join(sorted(plan.files))}")
    diff = "".join(
        line
        for name, data in sorted(plan.files.items())
        for line in difflib.unified_diff(
            [], (data or b"").decode("utf-8", "replace").splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )
    return WriteResult(None, branch, plan.units, notes, dry_run=True, diff=diff, done=plan.done)


def example_manifests(name: str) -> dict[str, bytes]:
    """The manifests of a bundled example (`traderx`), file name -> content."""
    folder = resources.files("mtx_gitops.examples").joinpath(name)
    if not folder.is_dir():
        raise UserError(f"unknown example {name!r} (known: traderx)")
    return {
        entry.name: entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }


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


def create_space(
    repo: Repo,
    name: str,
    *,
    labels: Mapping[str, str],
    target: str | None,
    namespace: str | None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Create a space directory with its metadata."""
    check_slug(name, what="space name")
    if namespace is not None:
        check_slug(namespace, what="namespace")

    def build(snap: Snapshot) -> Plan:
        if snap.has_space(name):
            raise AlreadyExistsError(f"space {name!r} exists already")
        check_target(snap, target)
        space = Space(name, dict(labels), target, namespace)
        return Plan(
            "space.create",
            f"Create space {name}",
            files={space_meta_path(name): yaml.dump_one(space.as_data()).encode()},
            done=f"space {name} created",
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def update_space(
    repo: Repo,
    name: str,
    *,
    labels: Mapping[str, str] | None = None,
    target: str | None = None,
    namespace: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Change a space's labels, target or namespace."""

    def build(snap: Snapshot) -> Plan:
        space = snap.space(name)
        check_target(snap, target)
        updated = Space(name, {**space.labels, **(labels or {})}, target or space.target, namespace or space.namespace)
        return Plan(
            "space.update",
            f"Update space {name}",
            files={space_meta_path(name): yaml.dump_one(updated.as_data()).encode()},
            done=f"space {name} updated",
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_space(
    repo: Repo,
    name: str,
    *,
    force: bool = False,
    recursive: bool = False,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Delete a space; refuses while it holds units (unless `recursive` or `force`) or while units of
    other spaces name its units upstream (unless `force`)."""

    def build(snap: Snapshot) -> Plan:
        snap.space(name)
        units = snap.unit_names(name)
        linked = sorted({str(d) for u in units for d in snap.downstream_of(UnitRef(name, u)) if d.space != name})
        if units and not (force or recursive):
            raise RefusedError(
                f"space {name!r} still holds {len(units)} unit(s); delete them or pass --recursive (or --force)"
            )
        if linked and not force:
            raise RefusedError(
                f"units {', '.join(linked)} name units of {name!r} as upstream; pass --force to delete anyway"
            )
        needing = sorted(f"{link.source.space}/{link.name}" for link in snap.all_unit_links()
                         if link.target.space == name and link.source.space != name)  # fmt: skip
        if needing and units and not force:
            raise RefusedError(f"links {', '.join(needing)} need units of {name!r}; pass --force to delete anyway")
        files: dict[str, bytes | None] = dict.fromkeys(snap.files_of(name))
        # Each unit deleted with the space is a changed unit: reported, and named in the trailers for `mtx log`.
        return Plan(
            "space.delete",
            f"Delete space {name}",
            files=files,
            done=f"space {name} deleted",
            units=[UnitChange(name, unit, True, note="deleted with the space") for unit in units],
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)
