"""Ctrl-C (and SIGTERM) at each step of a write: before the branch moves nothing lands and mtx says
"interrupted"; once it moves, the checkout catches up first, so HEAD, the index and the files agree.

The same `git` shim as the crash tests sends the signal to mtx right after one git step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mtx
from tests.reliability.gitshim import run_mtx_with_shim
from tests.test_stages_1_to_3 import build_stage_1

EDIT = ("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":7}}')


def _interrupt(mtx: Mtx, tmp_path: Path, *, after: str, signal: str = "INT") -> tuple[int, str, str]:
    build_stage_1(mtx)
    old = mtx.head()
    done = run_mtx_with_shim(mtx.root, tmp_path / "shim", EDIT, command=after, nth=1, when="after", signal=signal)
    assert mtx.git("status", "--porcelain", "--untracked-files=all") == ""  # HEAD, index and files agree
    return done.returncode, done.stderr, "old" if mtx.head() == old else "new"


def test_ctrl_c_before_the_branch_moves_lands_nothing(mtx: Mtx, tmp_path: Path) -> None:
    code, err, head = _interrupt(mtx, tmp_path, after="fast-import")
    assert (code, err, head) == (130, "interrupted\n", "old")


@pytest.mark.parametrize("step", ["update-ref", "checkout"])
def test_ctrl_c_once_the_branch_moved_waits_for_the_checkout(mtx: Mtx, tmp_path: Path, step: str) -> None:
    code, err, head = _interrupt(mtx, tmp_path, after=step)
    assert (code, err, head) == (0, "", "new")
    assert "replicas: 7" in (mtx.root / "spaces/traderx/reference-data.yaml").read_text()


def test_sigterm_once_the_branch_moved_stops_mtx_after_the_checkout(mtx: Mtx, tmp_path: Path) -> None:
    code, _, head = _interrupt(mtx, tmp_path, after="update-ref", signal="TERM")
    assert (code, head) == (-15, "new")
    assert "replicas: 7" in (mtx.root / "spaces/traderx/reference-data.yaml").read_text()
