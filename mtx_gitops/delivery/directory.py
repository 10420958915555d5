"""Directory targets: one YAML file per unit under `<path>/<space>/`, delivered by the rules of a cluster.

A file in a space's directory belongs to the space when every document in it carries the space's
inventory label, as rendering puts it there; only such files count as stale when their unit left
git. Stale files stay unless `--prune` asks for them to go, and `--prune` refuses to empty a space
unless `--allow-empty` is given. A dry run computes the same report and touches nothing.
`write_directory` is `mtx render --out`: it mirrors the rendering and deletes every other unit file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtx_gitops.delivery.render import LABEL_INVENTORY, LABEL_SPACE, LABEL_UNIT
from mtx_gitops.errors import MtxError, RefusedError, UserError

Object = dict[str, Any]
Dump = Callable[[list[Object]], str]


@dataclass
class DirectoryReport:
    """The outcome of delivering one space to a directory (or, in a dry run, what it would be)."""

    space: str
    commit: str | None
    dry_run: bool
    directory: Path
    written: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # files of units that left git, kept without --prune
    unchanged: int = 0

    @property
    def notes(self) -> list[str]:
        if not self.stale:
            return []
        names = ", ".join(path.name for path in self.stale)
        return [
            f"{self.space}: kept {len(self.stale)} file(s) of units no longer in git ({names}); "
            "`mtx apply --prune` deletes them"
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.space,
            "commit": self.commit,
            "dry_run": self.dry_run,
            "directory": str(self.directory),
            "written": [str(path) for path in self.written],
            "deleted": [str(path) for path in self.deleted],
            "stale": [str(path) for path in self.stale],
            "summary": {
                "write": len(self.written),
                "delete": len(self.deleted),
                "stale": len(self.stale),
                "unchanged": self.unchanged,
            },
            "notes": self.notes,
        }


def deliver_directory(
    objects: Sequence[Object],
    root: Path,
    *,
    space: str,
    commit: str | None,
    prune: bool = False,
    allow_empty: bool = False,
    dry_run: bool = False,
    dump: Dump | None = None,
    units: Collection[str] | None = None,
) -> DirectoryReport:
    """Write one space's rendering (`objects`) under `root/<space>/`; with `prune`, delete its stale files
    (only those of `units`, when given: a unit's file is `<unit>.yaml`)."""
    space_dir = space_directory(root, space)
    wanted = unit_texts(objects, space_dir, dump=dump)
    present = yaml_files(space_dir) or {}
    report = DirectoryReport(space, commit, dry_run, space_dir)
    report.written = _to_write(wanted, present)
    report.unchanged = len(wanted) - len(report.written)
    stale = stale_files(space_dir, present, wanted=wanted, space=space)
    if units is not None:
        stale = [path for path in stale if path.stem in units]
    if prune and not allow_empty and stale and not wanted:
        names = ", ".join(path.name for path in stale)
        raise RefusedError(
            f"space {space}: pruning would delete every file it has in {space_dir} ({names}); "
            "pass --allow-empty to empty it"
        )
    if prune:
        report.deleted = stale
    else:
        report.stale = stale
    if not dry_run:
        _sync(space_dir, wanted, report.written, report.deleted)
    return report


@dataclass
class Mirror:
    """What `mtx render --out` wrote and deleted (in a dry run: would write and delete)."""

    written: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)


def write_directory(
    objects: Sequence[Object], out_dir: Path, *, dump: Dump | None = None, dry_run: bool = False
) -> Mirror:
    """Write one YAML file per unit under `out_dir/<space>/` and delete every other unit file there.

    Files whose text is already right are left alone; with `dry_run` nothing is touched at all.
    """
    by_space: dict[str, list[Object]] = {}
    for obj in objects:
        by_space.setdefault(obj["metadata"]["labels"][LABEL_SPACE], []).append(obj)
    mirror = Mirror()
    for space in sorted(by_space):
        space_dir = space_directory(out_dir, space)
        wanted = unit_texts(by_space[space], space_dir, dump=dump)
        present = yaml_files(space_dir) or {}
        written = _to_write(wanted, present)
        deleted = [space_dir / name for name in sorted(present) if space_dir / name not in wanted]
        if not dry_run:
            _sync(space_dir, wanted, written, deleted)
        mirror.written += written
        mirror.deleted += deleted
    return mirror


def _to_write(wanted: dict[Path, bytes], present: dict[str, bool]) -> list[Path]:
    """The files whose text on disk is not already what the rendering wants, in name order."""
    return [path for path, data in sorted(wanted.items()) if not (present.get(path.name) and path.read_bytes() == data)]


def _sync(space_dir: Path, wanted: dict[Path, bytes], written: Sequence[Path], deleted: Sequence[Path]) -> None:
    """Write `written` (each atomically) and delete `deleted` in a space's directory."""
    if written:
        space_dir.mkdir(parents=True, exist_ok=True)
    for path in written:
        _write_atomically(path, wanted[path])
    for path in deleted:
        path.unlink(missing_ok=True)


def space_directory(root: Path, space: str) -> Path:
    """`root/<space>`, refused when it is a symlink (it could make a repo write or delete files anywhere)."""
    space_dir = root / space
    if space_dir.is_symlink():
        raise UserError(f"{space_dir} is a symlink: mtx never writes rendered manifests through one")
    return space_dir


def unit_texts(objects: Sequence[Object], space_dir: Path, *, dump: Dump | None = None) -> dict[Path, bytes]:
    """The text of each unit's file: its objects in rendering order (default dump: the YAML adapter's)."""
    from mtx_gitops.yaml import dump_documents

    by_file: dict[Path, list[Object]] = {}
    for obj in objects:
        by_file.setdefault(unit_path(space_dir, obj), []).append(obj)
    to_text = dump or dump_documents
    return {path: to_text(members).encode("utf-8") for path, members in by_file.items()}


def unit_path(space_dir: Path, obj: Object) -> Path:
    """The file of a rendered object's unit in its space's directory."""
    return space_dir / f"{obj['metadata']['labels'][LABEL_UNIT]}.yaml"


def stale_files(space_dir: Path, present: dict[str, bool], *, wanted: Collection[Path], space: str) -> list[Path]:
    """Files of `space` in its directory that no rendered unit writes any more (other files are not mtx's)."""
    leftover = [space_dir / name for name, is_file in sorted(present.items()) if is_file]
    return [path for path in leftover if path not in wanted and read_space_file(path, space=space) is not None]


def read_space_file(path: Path, *, space: str) -> list[Object] | None:
    """The documents of a file mtx wrote for `space`; None if it is absent, unreadable or not the space's."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return space_documents(data, source=str(path), space=space)


def space_documents(data: bytes, *, source: str, space: str) -> list[Object] | None:
    """The documents of a file's text when mtx wrote it for `space` (each carries the space's inventory
    label); None when it is unreadable or not the space's."""
    from mtx_gitops.yaml import load_documents

    try:
        documents = load_documents(data, source=source)
    except MtxError:
        return None
    ours = bool(documents) and all(
        isinstance(doc, dict) and ((doc.get("metadata") or {}).get("labels") or {}).get(LABEL_INVENTORY) == space
        for doc in documents
    )
    return documents if ours else None


def yaml_files(directory: Path) -> dict[str, bool] | None:
    """`*.yaml` names in a directory, each with whether it is a file; None if there is no directory."""
    try:
        with os.scandir(directory) as entries:
            return {entry.name: entry.is_file() for entry in entries if entry.name.endswith(".yaml")}
    except (FileNotFoundError, NotADirectoryError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed over `path`: a reader sees the old text or the new one."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    os.replace(temporary, path)
