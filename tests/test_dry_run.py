"""`--dry-run` computes and shows, and writes nothing (SPEC §2): not a repo, a branch, a file or local state."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import Mtx, run
from tests.test_stage_6_changesets import BRANCH, image, staged_market_data_v2
from tests.test_stages_1_to_3 import build_stage_1, build_stage_3


def untouched(m: Mtx) -> tuple[object, ...]:
    """Everything a dry run must leave as it was: branches, HEAD, index, working tree, changeset state."""
    state = m.root / ".git/mtx"
    changesets = sorted(
        (p.relative_to(state).as_posix(), p.read_text())
        for p in state.rglob("*")
        if p.is_file() and p.relative_to(state).parts[0] in ("changeset", "changesets")
    )
    return m.fingerprint(), m.git("for-each-ref"), m.git("symbolic-ref", "HEAD"), changesets


def test_init_dry_run_shows_the_first_commit_and_creates_nothing(tmp_path: Path) -> None:
    root = tmp_path / "config"
    dry = run("init", str(root), "--example", "traderx", "--dry-run", "-o", "json")
    assert dry.code == 0, dry.err
    assert dry.json["dry_run"] is True and dry.json["commit"] is None and dry.json["branch"] == "main"
    assert "+++ b/mtx.yaml" in dry.json["diff"] and "+++ b/base/trade-service.yaml" in dry.json["diff"]
    assert any("would create a git repository" in note for note in dry.json["notes"])
    table = run("init", str(root), "--dry-run")
    assert table.code == 0 and "dry run" in table.out and "nothing written" in table.out
    assert not root.exists()

    run("init", str(root))
    assert (root / "mtx.yaml").is_file()


def test_init_dry_run_in_an_existing_git_repo_commits_nothing(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "--initial-branch=trunk", str(tmp_path)], check=True)
    dry = run("init", str(tmp_path), "--dry-run", "-o", "json")
    assert dry.code == 0, dry.err
    assert dry.json["branch"] == "trunk" and dry.json["dry_run"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git"]
    assert not (tmp_path / ".git/mtx").exists()
    unborn = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=tmp_path, check=False)
    assert unborn.returncode != 0


def test_changeset_create_dry_run_opens_no_branch_and_stages_nothing(mtx: Mtx) -> None:
    build_stage_1(mtx)
    before = untouched(mtx)
    dry = mtx.json("changeset", "create", "market-data-v2", "--dry-run")
    assert dry["dry_run"] is True and dry["current"] is False
    assert dry["branch"] == BRANCH and dry["target"] == "main" and dry["base"] == mtx.head()
    table = mtx("changeset", "create", "market-data-v2", "--dry-run").out
    assert "would open changeset market-data-v2" in table and "nothing written" in table
    assert untouched(mtx) == before
    assert mtx.json("changeset", "list") == []
    note = mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":2}}').err
    assert "staging" not in note


def test_changeset_create_dry_run_still_refuses_what_create_would(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    refused = mtx("changeset", "create", "market-data-v2", "--dry-run", ok=False)
    assert refused.code == 1 and "exists already" in refused.err


def test_changeset_abort_dry_run_shows_what_it_would_drop_and_keeps_it(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    tip = mtx.git("rev-parse", BRANCH).strip()
    before = untouched(mtx)
    dry = mtx.json("changeset", "abort", "market-data-v2", "--dry-run")
    assert dry["dry_run"] is True and dry["aborted"] is False and dry["tip"] == tip
    assert [(u["space"], u["unit"]) for u in dry["units"]] == [
        ("traderx-prod-us", "reference-data"),
        ("traderx-prod-us", "trade-service"),
    ]
    table = mtx("changeset", "abort", "--dry-run").out
    assert f"would abort changeset market-data-v2: delete branch {BRANCH} at {tip[:12]}" in table
    assert "drop 2 staged unit(s); nothing written" in table
    assert untouched(mtx) == before

    # The staged work is still there and still current: applying it lands both images.
    assert [c["current"] for c in mtx.json("changeset", "list")] == [True]
    mtx("changeset", "apply")
    assert image(mtx, "trade-service").endswith(":v2")


def test_changeset_abort_reports_the_units_it_dropped(mtx: Mtx) -> None:
    staged_market_data_v2(mtx)
    aborted = mtx.json("changeset", "abort", "market-data-v2")
    assert aborted["aborted"] is True and "dry_run" not in aborted and len(aborted["units"]) == 2
    assert mtx.git("branch", "--list", BRANCH).strip() == ""


def test_upgrade_dry_run_shows_content_diffs_first_and_one_line_per_link(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"replicas":4}}')
    mtx("unit", "update", "reference-data", "--space", "traderx-base", "--patch", '{"metadata":{"labels":{"t":"1"}}}')
    before = mtx.fingerprint()

    diff = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--dry-run")["diff"]

    assert mtx.fingerprint() == before
    assert ".mtx/links" not in diff  # no hunk of a link file: they only change blob ids
    hunks, _, links = diff.partition("\nlink ")
    assert hunks.count("+++ b/spaces/") == 6 and hunks.count("+    t: '1'\n") == 3
    assert hunks.count("/.mtx/conflicts/trade-service.yaml") == 6  # the kept-local replicas, in the ledger
    lines = ("link " + links).splitlines()
    assert len(lines) == 6 and all(" → " in line and "merge base" in line for line in lines)
    assert any(line.startswith("link traderx-prod-eu/trade-service: merge base ") for line in lines)
    assert lines[0].endswith("(upstream traderx-base/reference-data)")
