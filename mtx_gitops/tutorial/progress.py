"""The stage a config repo has reached: local state, like a changeset's, in `.git/mtx/tutorial-stage`.

A fresh directory (no `mtx.yaml`) has reached no stage; a new mtx repo with no spaces is at stage 0;
a repo with spaces but no record was not made by the tutorial, and the tutorial leaves it alone.
"""

from __future__ import annotations

from pathlib import Path

from mtx_gitops.core.model import CONFIG_FILE
from mtx_gitops.errors import RefusedError, UserError
from mtx_gitops.store import Repo
from mtx_gitops.tutorial.stages import STAGES

RECORD = "tutorial-stage"


def check_stage(number: int) -> int:
    """`number` if it names a stage (1…7), else UserError."""
    if not 1 <= number <= len(STAGES):
        raise UserError(f"invalid stage {number}: the MicroTraderX stages are 1 to {len(STAGES)}")
    return number


def reached(root: Path) -> int | None:
    """The last stage played in the repo at `root`: 0 for a new mtx repo, None when there is none."""
    if not (root / CONFIG_FILE).is_file():
        return None
    repo = Repo(root.resolve())
    record = _record_file(repo)
    if record.is_file():
        text = record.read_text().strip()
        if text.isdigit() and 0 <= int(text) <= len(STAGES):
            return int(text)
        raise RefusedError(f"{record} does not hold a stage number ({text!r}); delete it or use a fresh --repo")
    if repo.snapshot().space_names():
        raise RefusedError(f"{root} holds spaces the tutorial did not create; give a fresh --repo DIR")
    return 0


def record(root: Path, number: int) -> None:
    """Remember that the repo at `root` has reached stage `number`."""
    path = _record_file(Repo(root.resolve()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{number}\n")


def _record_file(repo: Repo) -> Path:
    return repo.git.git_dir / "mtx" / RECORD
