"""git-branch targets: each space's rendered manifests committed to a branch (`env/<space>`) of a repo.

One commit on that branch per source commit, with the trailers `Mtx-Source-Commit: <sha>` and one
`Mtx-Unit: <space>/<unit>` per unit file it changes. The tree under the target's path holds one
YAML file per unit (what `mtx render --out` writes for the space) and a README saying what is
whose: files whose documents carry the space's inventory label are mtx's, every other file is left
alone. Files of units that left git stay unless `prune` asks for them to go, as for a directory.
A source commit the branch already has (or an older one) gives no new commit; the branch moves by
compare-and-swap, so of two workers delivering at once one commits and the other finds it done.
Argo CD and Flux sync such a branch as plain manifests.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.trailers import format_message, parse_trailers
from mtx_gitops.delivery.directory import space_documents, unit_texts
from mtx_gitops.errors import RefMovedError, RefusedError

if TYPE_CHECKING:
    from mtx_gitops.adapters.gitbranch import BranchRepo
    from mtx_gitops.adapters.gitrepo import Git

Object = dict[str, Any]
SOURCE_COMMIT = "Mtx-Source-Commit"
SPACE = "Mtx-Space"
RETRIES = 5
README = "README.md"
_README_TEXT = """\
# Rendered manifests of space {space}

mtx commits the rendered manifests of the config space `{space}` to this branch: one commit per
commit of the config repository, with the trailer `Mtx-Source-Commit: <sha>` naming it, and one
`Mtx-Unit:` trailer per unit whose file changed.

- `<unit>.yaml` holds the objects of one unit. Its documents carry the label
  `mtx.dev/inventory: {space}`; that label makes a file mtx's.
- Any other file here (without that label) is not mtx's: mtx never changes or deletes it.
- Change the config repository, not these files: the next commit mtx renders replaces them.
"""


@dataclass
class BranchReport:
    """The outcome of delivering one space to a branch (or, in a dry run, what it would be)."""

    space: str
    commit: str | None  # the source commit
    dry_run: bool
    location: str
    branch: str
    path: str
    delivered: str | None = None  # the new commit on the branch
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: str | None = None  # why no commit was needed

    @property
    def notes(self) -> list[str]:
        notes = [f"{self.space}: {self.skipped}"] if self.skipped else []
        if self.stale:
            names = ", ".join(posixpath.basename(path) for path in self.stale)
            notes.append(
                f"{self.space}: kept {len(self.stale)} file(s) of units no longer in git on {self.branch} "
                f"({names}); `mtx apply --prune` deletes them"
            )
        return notes

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.space,
            "commit": self.commit,
            "dry_run": self.dry_run,
            "repository": self.location,
            "branch": self.branch,
            "path": self.path,
            "delivered": self.delivered,
            "written": self.written,
            "deleted": self.deleted,
            "stale": self.stale,
            "summary": {
                "write": len(self.written),
                "delete": len(self.deleted),
                "stale": len(self.stale),
                "unchanged": self.unchanged,
            },
            "notes": self.notes,
        }


def deliver_branch(
    objects: Sequence[Object],
    store: BranchRepo,
    *,
    branch: str,
    path: str,
    space: str,
    commit: str,
    source: Git,
    prune: bool = False,
    allow_empty: bool = False,
    dry_run: bool = False,
) -> BranchReport:
    """Commit one space's rendering (`objects`) of source commit `commit` to `branch` under `path`.

    `source` is the config repository, asked whether the branch already holds a newer commit.
    """
    report = BranchReport(space, commit, dry_run, store.location, branch, path)
    with store.session():
        for _attempt in range(RETRIES):
            tip = store.tip(branch)
            report.skipped = _already_there(store, tip, branch=branch, commit=commit, source=source)
            if report.skipped:
                return report
            changes = _changes(report, store.files(tip, path), objects, prune=prune, allow_empty=allow_empty)
            if dry_run:
                return report
            units = sorted({posixpath.basename(p).removesuffix(".yaml") for p in changes if p.endswith(".yaml")})
            message = format_message(
                f"Render space {space} at {commit[:12]}",
                operation="render",
                units=[f"{space}/{unit}" for unit in units],
                extra=[(SOURCE_COMMIT, commit), (SPACE, space)],
            )
            new = store.commit(parent=tip, changes=changes, message=message)
            try:
                moved = store.move(branch, new=new, old=tip)
            except RefMovedError:
                continue
            if not moved:  # another worker pushed this very commit first
                report.skipped = f"branch {branch} has {commit[:12]} already"
                return report
            report.delivered = new
            return report
    raise RefMovedError(f"branch {branch} of {store.location} kept moving while mtx was writing ({RETRIES} attempts)")


def _already_there(store: BranchRepo, tip: str | None, *, branch: str, commit: str, source: Git) -> str | None:
    """Why the branch needs no commit for `commit` (it has it, or a newer one), else None."""
    if tip is None:
        return None
    delivered = (parse_trailers(store.message(tip)).get(SOURCE_COMMIT) or [""])[-1]
    if delivered == commit:
        return f"branch {branch} has {commit[:12]} already"
    if delivered and source.rev_parse(delivered) and source.is_ancestor(commit, delivered):
        return f"branch {branch} has the newer commit {delivered[:12]}; {commit[:12]} not delivered"
    return None


def _changes(
    report: BranchReport, present: dict[str, bytes], objects: Sequence[Object], *, prune: bool, allow_empty: bool
) -> dict[str, bytes | None]:
    """Fill `report` in and return the files to write (bytes) and delete (None)."""
    wanted = {posixpath.join(report.path, file.name): data for file, data in unit_texts(objects, Path()).items()}
    units = len(wanted)
    wanted[posixpath.join(report.path, README)] = _README_TEXT.format(space=report.space).encode()
    report.written = sorted(p for p, data in wanted.items() if present.get(p) != data)
    report.unchanged = units - sum(1 for p in report.written if p.endswith(".yaml"))
    stale = sorted(
        p
        for p, data in present.items()
        if p not in wanted
        and posixpath.dirname(p) == report.path
        and p.endswith(".yaml")
        and space_documents(data, source=p, space=report.space) is not None
    )
    if prune and not allow_empty and stale and not units:
        names = ", ".join(posixpath.basename(p) for p in stale)
        raise RefusedError(
            f"space {report.space}: pruning would delete every file it has on {report.branch} ({names}); "
            "pass --allow-empty to empty it"
        )
    if prune:
        report.deleted = stale
    else:
        report.stale = stale
    return {**{p: wanted[p] for p in report.written}, **dict.fromkeys(report.deleted)}


def branch_path(path: Path | str) -> str:
    """A target path as a path inside the branch ('' for its top)."""
    text = posixpath.normpath(str(path).strip("/")) if str(path).strip("/") else ""
    return "" if text == "." else text
