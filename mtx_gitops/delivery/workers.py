"""Workers in mtx.yaml: `mtx worker create|list|delete` — a named worker and the spaces it serves."""

from __future__ import annotations

from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import CONFIG_FILE
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, WriteResult, write


def create_worker(
    repo: Repo,
    name: str,
    *,
    spaces: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Record worker `name`, serving the spaces matching the glob `spaces` (which must match one)."""
    check_slug(name, what="worker name")

    def build(snap: Snapshot) -> Plan:
        if name in workers(snap):
            raise AlreadyExistsError(f"worker {name!r} exists already (delete it first: `mtx worker delete {name}`)")
        if not snap.match_spaces(spaces):
            raise NotFoundError(f"no space matches {spaces!r}: a worker serves existing spaces")
        files = _with_workers(snap, {**workers(snap), name: {"spaces": spaces}})
        return Plan("worker.create", f"Create worker {name}", files=files, done=f"worker {name} created")

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_worker(
    repo: Repo, name: str, *, branch: str | None = None, message: str | None = None, dry_run: bool = False
) -> WriteResult:
    """Forget worker `name` (what runs in a cluster is the cluster's to delete)."""
    check_slug(name, what="worker name")

    def build(snap: Snapshot) -> Plan:
        known = workers(snap)
        worker_spec(snap, name)
        files = _with_workers(snap, {key: value for key, value in known.items() if key != name})
        return Plan("worker.delete", f"Delete worker {name}", files=files, done=f"worker {name} deleted")

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def workers(snap: Snapshot) -> dict[str, dict[str, Any]]:
    """The workers mtx.yaml records, by name."""
    found = snap.config.get("workers") or {}
    if not isinstance(found, dict):
        raise UserError(f"{CONFIG_FILE}: `workers` must be a mapping of worker names")
    return {str(name): dict(spec or {}) for name, spec in found.items()}


def worker_spec(snap: Snapshot, name: str) -> dict[str, Any]:
    """One worker's entry; NotFoundError naming the known ones."""
    known = workers(snap)
    if name not in known:
        names = ", ".join(sorted(known)) or "none"
        raise NotFoundError(f"worker {name!r} does not exist (known: {names}); create it with `mtx worker create`")
    return known[name]


def list_workers(snap: Snapshot) -> list[dict[str, Any]]:
    """Workers as rows: the glob, the spaces it matches today and their targets."""
    rows = []
    targets = {space.name: space.target for space in snap.spaces() if space.target}
    for name, spec in sorted(workers(snap).items()):
        glob = str(spec.get("spaces") or "")
        matched = snap.match_spaces(glob) if glob else []
        used = sorted({targets[s] for s in matched if s in targets})
        rows.append({"worker": name, "spaces": glob, "matched": matched, "targets": used})
    return rows


def _with_workers(snap: Snapshot, entries: dict[str, dict[str, Any]]) -> dict[str, bytes | None]:
    text = snap.read_text(CONFIG_FILE)
    config = yaml.load_one(text, source=CONFIG_FILE) or {}
    new = {key: value for key, value in config.items() if key != "workers"}
    if entries:
        new["workers"] = entries
    return {CONFIG_FILE: yaml.rewrite(text, [new], source=CONFIG_FILE).encode()}
