"""A write killed between moving the branch and updating the checkout is finished by the next write."""

from __future__ import annotations

import json

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_1


def test_next_write_finishes_a_checkout_left_half_done(mtx: Mtx) -> None:
    build_stage_1(mtx)
    old = mtx.head()
    mtx(
        "unit",
        "update",
        "reference-data",
        "--space",
        "traderx",
        "--patch",
        '{"spec":{"replicas":3}}',
        "--branch",
        "side",
    )
    new = mtx.git("rev-parse", "side").strip()
    # What a kill -9 right after the ref moved leaves: branch at the new commit, journal present,
    # checkout (and a stale index.lock from the killed git checkout) still at the old one.
    journal = mtx.root / ".git/mtx/checkout-journal.json"
    journal.write_text(
        json.dumps({"ref": "refs/heads/main", "old": old, "new": new, "paths": ["spaces/traderx/reference-data.yaml"]})
    )
    mtx.git("update-ref", "refs/heads/main", new, old)
    (mtx.root / ".git/index.lock").write_text("")
    mtx("space", "create", "traderx-dev")
    assert mtx.git("status", "--porcelain") == ""
    assert "replicas: 3" in (mtx.root / "spaces/traderx/reference-data.yaml").read_text()
    assert not journal.exists()
