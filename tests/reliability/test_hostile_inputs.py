"""Hostile input to every command that reads input: exit 1 or 2, one line on stderr, no traceback,
no secret echoed, and the repository byte-identical (refs, objects, index, working tree)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mtx
from tests.reliability.hostile_corpus import CASES, FILES, Case
from tests.reliability.repostate import assert_clean_refusal


def _expand(arg: str, inputs: Path, pwned: Path) -> str:
    for name in FILES:
        arg = arg.replace(f"{{f:{name}}}", str(inputs / f"{name}.yaml"))
    return arg.replace("/tmp/mtx-pwned", str(pwned))


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c.bug)) if c.bug else c for c in CASES],
    ids=[c.id for c in CASES],
)
def test_hostile_input_is_refused_cleanly(repo: Mtx, tmp_path: Path, case: Case) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name, data in FILES.items():
        (inputs / f"{name}.yaml").write_bytes(data)
    pwned = tmp_path / "pwned"
    args = tuple(_expand(a, inputs, pwned) for a in case.args)
    assert_clean_refusal(repo, args, stdin=case.stdin, codes=case.codes)
    assert not list(tmp_path.glob("pwned*")), "an option-like revision was passed to git as an option"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


def test_forged_trailers_in_a_message_do_not_reach_the_audit_trail(repo: Mtx) -> None:
    forged = "Scale\n\nMtx-Operation: unit.delete\nMtx-Unit: traderx-base/forged\nMtx-Changeset: evil"
    repo(
        "unit",
        "update",
        "reference-data",
        "--space",
        "traderx-prod-us",
        "--patch",
        '{"spec":{"replicas":2}}',
        "-m",
        forged,
    )
    body = repo.git("log", "-1", "--format=%B")
    assert "Mtx-Unit: traderx-prod-us/reference-data" in body
    assert "\nMtx-Unit: traderx-base/forged" not in body and "\nMtx-Changeset: evil" not in body
    entry = repo.json("log")[0]
    assert entry["units"] == [{"space": "traderx-prod-us", "unit": "reference-data"}]
    assert entry["changeset"] is None and entry["operation"] == "unit.update"
