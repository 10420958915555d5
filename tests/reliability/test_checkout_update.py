"""After a write, exactly the paths the commit changed are brought up to date in the checkout.

The index and working tree are updated path by path (never a whole-tree merge), so: the rest of the
index is left byte for byte, fresh stat data is recorded for the written files, deletions take their
emptied directories along, the user's hooks do not run, `--branch` writes never touch the checkout,
and a file the user edits while mtx is writing is kept, not overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtx_gitops.adapters.gitrepo import Git
from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_1

UNIT = "spaces/traderx/reference-data.yaml"
PATCH = ("unit", "update", "reference-data", "--space", "traderx", "--patch")


def _index_without(m: Mtx, path: str) -> list[str]:
    return [line for line in m.git("ls-files", "-s").splitlines() if not line.endswith(f"\t{path}")]


def test_only_the_changed_path_is_updated_and_its_stat_data_is_fresh(mtx: Mtx) -> None:
    build_stage_1(mtx)
    (mtx.root / "notes.txt").write_text("mine\n")
    mtx.git("add", "notes.txt")  # a staged change of the user's, elsewhere
    readme = mtx.root / "mtx.yaml"
    readme.write_text(readme.read_text() + "# unstaged\n")
    before = _index_without(mtx, UNIT)
    mtx(*PATCH, '{"spec":{"replicas":3}}')
    assert _index_without(mtx, UNIT) == before
    assert mtx.git("ls-files", "-s", UNIT).split()[1] == mtx.git("rev-parse", f"HEAD:{UNIT}").strip()
    assert "replicas: 3" in (mtx.root / UNIT).read_text()
    # diff-files does not refresh: an entry without fresh stat data would be listed.
    assert mtx.git("diff-files", "--name-only") == "mtx.yaml\n"
    assert mtx.git("status", "--porcelain") == " M mtx.yaml\nA  notes.txt\n"


def test_deleting_a_space_removes_its_files_and_directories(mtx: Mtx) -> None:
    build_stage_1(mtx)
    mtx("space", "create", "other")
    mtx("space", "delete", "traderx", "--force")
    assert not (mtx.root / "spaces/traderx").exists()
    assert mtx.git("ls-files", "spaces/traderx") == ""
    assert mtx.git("status", "--porcelain", "--untracked-files=all") == ""


def test_a_branch_write_leaves_the_checkout_alone(mtx: Mtx) -> None:
    build_stage_1(mtx)
    index = (mtx.root / ".git/index").read_bytes()
    text = (mtx.root / UNIT).read_text()
    mtx(*PATCH, '{"spec":{"replicas":4}}', "--branch", "side")
    assert (mtx.root / ".git/index").read_bytes() == index
    assert (mtx.root / UNIT).read_text() == text
    assert "replicas: 4" in mtx.git("show", f"side:{UNIT}")


def test_the_users_post_checkout_hook_does_not_run(mtx: Mtx) -> None:
    build_stage_1(mtx)
    hook = mtx.root / ".git/hooks/post-checkout"
    hook.write_text('#!/bin/sh\ntouch "$GIT_DIR/../hook-ran"\n')
    hook.chmod(0o755)
    mtx(*PATCH, '{"spec":{"replicas":3}}')
    assert not (mtx.root / "hook-ran").exists()


def test_an_edit_made_while_mtx_writes_is_kept(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    build_stage_1(mtx)
    path = mtx.root / UNIT
    real = Git.commit_files

    def edit_then_commit(self: Git, **kwargs: object) -> str:
        path.write_text(path.read_text() + "# typed while mtx was writing\n")
        return real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "commit_files", edit_then_commit)
    result = mtx(*PATCH, '{"spec":{"replicas":3}}', ok=False)
    monkeypatch.undo()
    assert result.code == 1 and "your version was kept" in result.err
    assert path.read_text().endswith("# typed while mtx was writing\n")
    assert "replicas: 3" in mtx.git("show", f"HEAD:{UNIT}")
    # The index holds the commit: `git diff` shows exactly the user's edit against it.
    assert mtx.git("diff", "--cached", "--name-only") == ""
    assert not (mtx.root / ".git/mtx/checkout-journal.json").exists()
    mtx("space", "create", "later")  # the next write does not force the edit away
    assert path.read_text().endswith("# typed while mtx was writing\n")


def test_a_journal_naming_a_path_already_removed_is_finished(mtx: Mtx) -> None:
    build_stage_1(mtx)
    mtx("space", "create", "gone")
    old = mtx.head()
    mtx("space", "delete", "gone", "--force", "--branch", "side")
    new = mtx.git("rev-parse", "side").strip()
    paths = mtx.git("diff", "--name-only", old, new).split()
    # A killed checkout that had removed one of the files (and its index entry) but not the others.
    mtx.git("update-ref", "refs/heads/main", new, old)
    mtx.git("rm", "-q", "-f", paths[0])
    journal = mtx.root / ".git/mtx/checkout-journal.json"
    journal.write_text(json.dumps({"ref": "refs/heads/main", "old": old, "new": new, "paths": paths}))
    mtx("space", "create", "next")
    assert mtx.git("status", "--porcelain", "--untracked-files=all") == ""
    assert not Path(mtx.root / "spaces/gone").exists()
    assert not journal.exists()
