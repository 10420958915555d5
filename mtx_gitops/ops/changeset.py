"""Changesets (SPEC §5): edits staged on `mtx/changeset/NAME`, landed on the target branch as one commit.

A changeset is a branch plus local state under `.git/mtx/changesets/NAME.json` (its target branch
and the commit it started from); `.git/mtx/changeset` names the current one, where mutating
commands stage. The state is local, the branch is ordinary git: it can be pushed and reviewed.
`changeset_apply` lands it; this module opens, lists, shows and drops changesets.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mtx_gitops.core.fielddiff import field_changes
from mtx_gitops.core.layout import role_of, units_touched
from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, RefusedError, UserError
from mtx_gitops.ops.audit import read_entries
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Repo, Snapshot

PREFIX = "mtx/changeset/"


@dataclass(frozen=True)
class Changeset:
    """A changeset's recorded state: the branch it lands on and the commit it was opened at."""

    name: str
    target: str
    base: str
    created: str

    @property
    def branch(self) -> str:
        return PREFIX + self.name

    @property
    def ref(self) -> str:
        return "refs/heads/" + self.branch

    def as_json(self) -> dict[str, Any]:
        return {
            "changeset": self.name,
            "branch": self.branch,
            "target": self.target,
            "base": self.base,
            "created": self.created,
        }


@dataclass(frozen=True)
class Dropped:
    """What `abort` dropped, or in a dry run would drop: the branch at `tip` and its staged units."""

    changeset: Changeset
    tip: str | None
    units: list[UnitRef]
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        data = {
            **self.changeset.as_json(),
            "tip": self.tip,
            "units": [u.as_json() for u in self.units],
            "aborted": not self.dry_run,
        }
        if self.dry_run:
            data["dry_run"] = True
        return data


def branch_of(name: str) -> str:
    """The branch a changeset stages on."""
    return PREFIX + check_slug(name, what="changeset name")


def current_changeset(repo: Repo) -> str | None:
    """The changeset that mutating commands stage into, if one is open."""
    try:
        name = _current_file(repo).read_text().strip()
    except OSError:
        return None
    return name or None


def staging_branch(repo: Repo, *, explicit_branch: str | None, changeset: str | None) -> tuple[str | None, str | None]:
    """Where a mutating command commits: the named or current changeset's branch, else `--branch`."""
    name = changeset or (None if explicit_branch else current_changeset(repo))
    if name is None:
        return explicit_branch, None
    branch = branch_of(name)
    if repo.git.rev_parse(f"refs/heads/{branch}") is None:
        hint = "" if changeset else f"; it is current: `mtx changeset abort {name}` clears it"
        raise NotFoundError(f"changeset {name!r} does not exist (no branch {branch}){hint}")
    return branch, f"staging in changeset {name} (branch {branch}); `mtx changeset apply {name}` lands it"


def load(repo: Repo, name: str) -> Changeset:
    """A changeset's state; NotFoundError when no such changeset is open."""
    check_slug(name, what="changeset name")
    try:
        data = json.loads(_state_file(repo, name).read_text())
        return Changeset(name, str(data["target"]), str(data["base"]), str(data.get("created", "")))
    except FileNotFoundError:
        raise NotFoundError(f"changeset {name!r} does not exist (see `mtx changeset list`)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RefusedError(
            f"changeset {name!r}: its state file is unreadable ({exc}); `mtx changeset abort {name}` drops it"
        ) from None


def verified_tip(repo: Repo, changeset: Changeset) -> str:
    """The changeset branch's tip, refusing a branch deleted or rewritten by hand."""
    tip = repo.git.rev_parse(changeset.ref)
    fix = f"`mtx changeset abort {changeset.name}` drops it"
    if tip is None:
        raise RefusedError(f"changeset {changeset.name!r}: its branch {changeset.branch} was deleted; {fix}")
    if not repo.git.is_ancestor(changeset.base, tip):
        raise RefusedError(
            f"changeset {changeset.name!r}: branch {changeset.branch} was rewritten by hand "
            f"(it no longer descends from {changeset.base[:12]}); {fix}"
        )
    return tip


def create(repo: Repo, name: str, *, target: str | None = None, dry_run: bool = False) -> Changeset:
    """Open changeset `name` at the tip of `target` (default: the checked-out branch) and make it current.

    A dry run makes the same checks and returns the changeset it would open, writing nothing.
    """
    check_slug(name, what="changeset name")
    target = target or repo.git.current_branch()
    if target is None:
        raise UserError("HEAD is detached: pass --branch to say which branch the changeset lands on")
    if target.startswith(PREFIX):
        raise UserError(f"{target} is a changeset branch: open the changeset on the branch it should land on")
    base = repo.git.rev_parse(f"refs/heads/{target}")
    if base is None:
        raise NotFoundError(f"branch {target!r} does not exist")
    if _state_file(repo, name).exists():
        raise AlreadyExistsError(f"changeset {name!r} exists already (see `mtx changeset show {name}`)")
    changeset = Changeset(name, target, base, datetime.now(UTC).isoformat(timespec="seconds"))
    if repo.git.rev_parse(changeset.ref) is not None:
        raise AlreadyExistsError(f"branch {changeset.branch} exists already; delete it or pick another name")
    if dry_run:
        return changeset
    repo.git.move_ref(changeset.ref, new=base, old=None, reason=f"mtx: open changeset {name}")
    _write(_state_file(repo, name), json.dumps(changeset.as_json(), indent=2) + "\n")
    _write(_current_file(repo), name + "\n")
    return changeset


def list_all(repo: Repo) -> list[dict[str, Any]]:
    """Every open changeset with its tip, number of staged commits and units."""
    rows = []
    folder = repo.git.git_dir / "mtx" / "changesets"
    current = current_changeset(repo)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        changeset = load(repo, path.stem)
        tip = repo.git.rev_parse(changeset.ref)
        healthy = tip is not None and repo.git.is_ancestor(changeset.base, tip)
        commits = len(read_entries(repo, staged_revisions(repo, changeset, tip))) if healthy and tip else 0
        units = units_touched(repo.git.changed_files(changeset.base, tip)) if healthy and tip else []
        rows.append(
            {
                **changeset.as_json(),
                "tip": tip,
                "current": changeset.name == current,
                "commits": commits,
                "units": [u.as_json() for u in units],
                "state": "open" if healthy else "broken (branch deleted or rewritten)",
            }
        )
    return rows


def show(repo: Repo, name: str) -> dict[str, Any]:
    """A changeset's staged commits, units and field diffs (old → new) against the commit it started from."""
    changeset = load(repo, name)
    tip = verified_tip(repo, changeset)
    before, after = repo.snapshot_at(changeset.base), repo.snapshot_at(tip)
    paths = repo.git.changed_files(changeset.base, tip)
    units = []
    for ref in units_touched(paths):
        old, new = _documents(before, ref), _documents(after, ref)
        status = "added" if old is None else "removed" if new is None else "changed"
        links = [p for p in paths if role_of(p).role == "link" and role_of(p).ref == ref]
        units.append(
            {
                **ref.as_json(),
                "status": status,
                "link_changed": bool(links),
                "fields": [c.as_json() for c in field_changes(old or [], new or [], types=types_for(after))],
            }
        )
    target_tip = repo.git.rev_parse(f"refs/heads/{changeset.target}")
    return {
        **changeset.as_json(),
        "tip": tip,
        "current": current_changeset(repo) == name,
        "target_moved": target_tip != changeset.base,
        "commits": [e.as_json() for e in read_entries(repo, staged_revisions(repo, changeset, tip))],
        "units": units,
        "files": paths,
    }


def abort(repo: Repo, name: str, *, dry_run: bool = False) -> Dropped:
    """Drop a changeset: delete its branch (if still there) and its state; clear it if current.

    A dry run makes the same checks and reports what would be dropped, writing nothing.
    """
    changeset = load(repo, name)
    if repo.git.current_branch() == changeset.branch:
        raise RefusedError(f"branch {changeset.branch} is checked out; check out {changeset.target} first")
    tip = repo.git.rev_parse(changeset.ref)
    healthy = tip is not None and repo.git.is_ancestor(changeset.base, tip)
    units = units_touched(repo.git.changed_files(changeset.base, tip)) if healthy and tip else []
    dropped = Dropped(changeset, tip, units, dry_run=dry_run)
    if dry_run:
        return dropped
    if tip is not None:
        repo.git.delete_ref(changeset.ref, old=tip)
    forget(repo, name)
    return dropped


def forget(repo: Repo, name: str) -> None:
    """Remove a changeset's local state, and the current marker if it names it."""
    with contextlib.suppress(FileNotFoundError):
        _state_file(repo, name).unlink()
    if current_changeset(repo) == name:
        with contextlib.suppress(FileNotFoundError):
            _current_file(repo).unlink()


def staged_revisions(repo: Repo, changeset: Changeset, tip: str) -> list[str]:
    """`git log` revisions of the staged commits: on the branch, not on the target (commits merged in
    from the target by hand are not staged edits)."""
    target = repo.git.rev_parse(f"refs/heads/{changeset.target}")
    return [tip, f"^{changeset.base}", *([f"^{target}"] if target else [])]


def _documents(snap: Snapshot, ref: UnitRef) -> list[dict[str, Any]] | None:
    return snap.units([ref])[0].documents if snap.has_unit(ref) else None


def _state_file(repo: Repo, name: str) -> Path:
    return repo.git.git_dir / "mtx" / "changesets" / f"{name}.json"


def _current_file(repo: Repo) -> Path:
    return repo.git.git_dir / "mtx" / "changeset"


def _write(path: Path, text: str) -> None:
    """Write a small state file atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
