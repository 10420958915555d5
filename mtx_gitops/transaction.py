"""Every write is one transaction: one commit that lands whole or not at all.

A use case hands over a `build` function from a snapshot to a `Plan` (the files to write).
The runner builds the commit with git plumbing from the branch tip, moves the branch with
compare-and-swap, and only then brings the paths it changed in the checkout up to date. If the
branch moved meanwhile, the plan is rebuilt on the new tip (the loser of a race re-reads, never
overwrites).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtx_gitops.adapters import gitcheckout, interrupts
from mtx_gitops.adapters.filelock import exclusive
from mtx_gitops.adapters.gitrepo import blob_id, identity_of
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import Conflict
from mtx_gitops.core.slug import check_branch
from mtx_gitops.core.trailers import format_message
from mtx_gitops.errors import DirtyCheckoutError, GitError, LockedError, RefMovedError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.store.drydiff import dry_run_diff

RETRIES = 5
NO_VALIDATE = ("Mtx-No-Validate", "true")  # the trailer of a write committed without the validation gate


@dataclass
class UnitChange:
    """What a write did to one unit."""

    space: str
    unit: str
    changed: bool
    conflicts: list[Conflict] = field(default_factory=list)
    note: str | None = None
    merge_base_moved: bool = False  # the commit moves the unit's link, whether or not its content changed

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "space": self.space,
            "unit": self.unit,
            "changed": self.changed,
            "conflicts": [c.as_json() for c in self.conflicts],
        }
        if self.note:
            data["note"] = self.note
        if self.merge_base_moved:
            data["merge_base_moved"] = True
        return data


@dataclass
class Plan:
    """The files one operation writes, and how its commit describes them."""

    operation: str
    subject: str
    files: dict[str, bytes | None] = field(default_factory=dict)
    units: list[UnitChange] = field(default_factory=list)
    trailers: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # path -> the new documents of a unit file in `files`, when the use case has them parsed (spares a parse)
    documents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    done: str = ""  # what the commit does in a few words, said when it changes no unit: `space traderx created`
    report: dict[str, Any] = field(default_factory=dict)  # more of the outcome, as JSON (an upgrade's held-back paths)


@dataclass
class WriteResult:
    """The outcome of a write: the new commit (None when nothing changed or a dry run)."""

    commit: str | None
    branch: str
    units: list[UnitChange]
    notes: list[str]
    dry_run: bool = False
    diff: str = ""
    done: str = ""  # Plan.done
    report: dict[str, Any] = field(default_factory=dict)  # Plan.report

    @property
    def summary(self) -> str:
        """What the write did, for people: its units, or what it did when it changed none."""
        changed = sum(u.changed for u in self.units)
        if changed:
            return f"{changed} unit(s) changed"
        moved = sum(u.merge_base_moved for u in self.units)
        if moved:
            return f"merge base of {moved} unit(s) moved, no content changed"
        return self.done or "no unit changed"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "commit": self.commit,
            "branch": self.branch,
            "units": [u.as_json() for u in self.units],
            "notes": self.notes,
            **self.report,
        }
        if self.dry_run:
            data["dry_run"] = True
            data["diff"] = self.diff
        return data


def write(
    repo: Repo,
    build: Callable[[Snapshot], Plan],
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Run `build` on the branch tip and land its plan as exactly one commit."""
    git = repo.git
    checked_out = git.current_branch()
    target = check_branch(branch) if branch else checked_out
    if target is None:
        raise UserError("HEAD is detached: pass --branch to say where to commit")
    ref = f"refs/heads/{target}"
    with exclusive(git.git_dir / "mtx" / "write.lock"):
        git.drop_stale_transaction_refs()
        finish_interrupted_checkout(repo)
        for _attempt in range(RETRIES):
            old = git.rev_parse(ref)
            start = old if old is not None else (git.rev_parse("HEAD") if branch else None)
            snapshot = repo.snapshot_at(start)
            plan = build(snapshot)
            files = {p: d for p, d in plan.files.items() if (blob_id(d) if d is not None else None) != snapshot.blob(p)}
            _gate(repo, snapshot, plan, files)
            if dry_run or not files:
                return WriteResult(
                    None,
                    target,
                    plan.units,
                    plan.notes,
                    dry_run=dry_run,
                    diff=dry_run_diff(snapshot, files) if dry_run else "",
                    done=plan.done,
                    report=plan.report,
                )
            in_checkout = target == checked_out
            on_disk = gitcheckout.marks(git, files) if in_checkout else {}
            if in_checkout:
                _check_checkout(repo, files)
            text = format_message(
                message or plan.subject,
                operation=plan.operation,
                units=[f"{u.space}/{u.unit}" for u in plan.units if u.changed or u.merge_base_moved],
                extra=plan.trailers,
            )
            commit = git.commit_files(parent=start, changes=files, message=text, identity=identity_of(git))
            journal = _journal(repo)
            if in_checkout:
                journal.write_text(json.dumps({"ref": ref, "old": start, "new": commit, "paths": sorted(files)}))
            with interrupts.held():  # the branch and the checkout move together, or Ctrl-C waits
                try:
                    git.move_ref(ref, new=commit, old=old, reason=f"mtx: {plan.subject}")
                except RefMovedError:
                    journal.unlink(missing_ok=True)
                    continue
                if in_checkout:
                    _update_checkout(repo, start, commit, files, on_disk, where=target)
            return WriteResult(commit, target, plan.units, plan.notes, done=plan.done, report=plan.report)
    raise RefMovedError(f"branch {target!r} kept moving while mtx was writing ({RETRIES} attempts)")


def _gate(repo: Repo, snapshot: Snapshot, plan: Plan, files: dict[str, bytes | None]) -> None:
    """Refuse a plan whose unit files hold invalid documents (InvalidDocumentsError), or under
    --no-validate record that they were not checked; CRs of a CRD mtx has not seen become notes."""
    if not any(data is not None and role_of(path).role == "unit" for path, data in files.items()):
        return
    if not repo.validate_writes:
        if NO_VALIDATE not in plan.trailers:
            plan.trailers.append(NO_VALIDATE)
        return
    from mtx_gitops.schema.gate import check_write, refusal

    findings = check_write(snapshot, files, documents=plan.documents)
    if any(f.severity == "error" for f in findings):
        raise refusal(findings)
    plan.notes += [f"warning: {f.document}: {f}" for f in findings if f"warning: {f.document}: {f}" not in plan.notes]


def _journal(repo: Repo) -> Path:
    return repo.git.git_dir / "mtx" / "checkout-journal.json"


def finish_interrupted_checkout(repo: Repo) -> None:
    """Finish a checkout update that a killed mtx left half done (the journal names its paths).

    The journal is written before the branch moves and removed once the checkout matches it, so
    its paths hold either the old or the new content: forcing them to the new commit is safe.
    """
    journal = _journal(repo)
    try:
        entry = json.loads(journal.read_text())
    except (OSError, ValueError):
        return
    git = repo.git
    if git.rev_parse(entry["ref"]) == entry["new"]:
        lock = git.git_dir / "index.lock"
        # A lock newer than the journal was left by our own killed `git checkout`.
        if lock.exists() and lock.stat().st_mtime >= journal.stat().st_mtime:
            lock.unlink()
        gitcheckout.force_checkout(git, entry["new"], entry["paths"])
    journal.unlink(missing_ok=True)


def _check_checkout(repo: Repo, files: dict[str, bytes | None]) -> None:
    """Refuse before writing when the checkout cannot take the new commit cleanly."""
    if gitcheckout.index_locked(repo.git):
        raise LockedError(
            f"{repo.git.git_dir / 'index.lock'} exists: another git process is running "
            "(or crashed and left it behind; remove it if no git is running)"
        )
    dirty = gitcheckout.dirty_paths(repo.git, files)
    if dirty:
        more = f" and {len(dirty) - 1} more" if len(dirty) > 1 else ""
        raise DirtyCheckoutError(
            f"uncommitted changes to {dirty[0]}{more} would be overwritten; commit or stash them first"
        )


def _update_checkout(
    repo: Repo,
    old: str | None,
    commit: str,
    files: dict[str, bytes | None],
    on_disk: dict[str, gitcheckout.Mark],
    *,
    where: str,
) -> None:
    """Bring the changed paths of the checkout to `commit`, keeping any file the user edited meanwhile."""
    git = repo.git
    edited = gitcheckout.changed_since(git, on_disk)
    present = sorted(p for p, d in files.items() if d is not None and p not in edited)
    deleted = sorted(p for p, d in files.items() if d is None and p not in edited)
    try:
        if edited:
            gitcheckout.checkout_paths(git, commit, present, deleted)
            gitcheckout.stage(git, commit, edited)
        else:
            gitcheckout.update_checkout(git, old, commit, files, on_disk)
    except GitError as exc:
        raise GitError(
            f"committed {commit[:12]} to {where}, but updating the checkout failed "
            f"({exc}); run `git reset --keep {commit[:12]}`"
        ) from None
    # Done; an edit made while mtx was writing stays, and the next run must not force it away.
    _journal(repo).unlink(missing_ok=True)
    if edited:
        more = f" and {len(edited) - 1} more" if len(edited) > 1 else ""
        raise DirtyCheckoutError(
            f"committed {commit[:12]} to {where}, but {edited[0]}{more} changed on disk "
            "while mtx was writing: your version was kept (`git diff` shows it against "
            "the commit)"
        )
