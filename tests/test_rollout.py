"""`mtx rollout` without a cluster: waves planned from WHERE, one commit per wave with its trailers,
state in git, targets without health need --no-gate, and bad input refused with nothing written."""

from __future__ import annotations

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3
from tests.test_stages_4_and_7 import update_base

EU_FIRST = ["--space", "traderx-prod-*", "--wave", "Space.Labels.region = 'eu'", "--wave", "*"]


def stage4(mtx: Mtx, *, target: str | None = "local") -> None:
    """Stage 3 (base + three regions), the regions on `target`, and a base change waiting to roll out."""
    build_stage_3(mtx)
    if target:
        for region in ("us", "eu", "asia"):
            mtx("space", "update", f"traderx-prod-{region}", "--target", target)
    update_base(mtx)


def trailers(mtx: Mtx, rev: str) -> list[str]:
    return [line for line in mtx.git("log", "-1", "--format=%B", rev).splitlines() if line.startswith("Mtx-")]


def test_dry_run_shows_the_waves_and_their_units_and_writes_nothing(mtx: Mtx) -> None:
    stage4(mtx)
    before = mtx.fingerprint()

    plan = mtx.json("rollout", *EU_FIRST, "--no-gate", "--dry-run")
    table = mtx("rollout", *EU_FIRST, "--no-gate", "--dry-run").out

    assert [(w["selector"], w["spaces"]) for w in plan["waves"]] == [
        ("Space.Labels.region = 'eu'", ["traderx-prod-eu"]),
        ("*", ["traderx-prod-asia", "traderx-prod-us"]),
    ]
    assert plan["waves"][0]["units"] == ["traderx-prod-eu/trade-service"]
    assert "  wave 1/2 pending  Space.Labels.region = 'eu': traderx-prod-eu" in table
    assert "    upgrade traderx-prod-us/trade-service" in table and "dry run: nothing committed" in table
    assert mtx.fingerprint() == before


def test_a_rollout_to_directory_targets_needs_no_gate_and_commits_once_per_wave(mtx: Mtx) -> None:
    stage4(mtx)
    before = mtx.fingerprint()

    refused = mtx("rollout", *EU_FIRST, "--soak", "0s", ok=False)

    assert refused.code == 2 and "has a directory target: no health to read" in refused.err
    assert "--no-gate" in refused.err and mtx.fingerprint() == before

    start = mtx.commits()
    done = mtx.json("rollout", *EU_FIRST, "--soak", "0s", "--no-gate")

    assert mtx.commits() == start + 3  # wave 1, wave 2, and the state saying it is done
    first, second, end = done["commits"]
    assert trailers(mtx, first)[:2] == ["Mtx-Operation: unit.upgrade", "Mtx-Unit: traderx-prod-eu/trade-service"]
    assert trailers(mtx, first)[-2:] == [f"Mtx-Rollout: {done['id']}", "Mtx-Wave: 1/2"]
    assert "Mtx-Unit: traderx-prod-us/trade-service" in trailers(mtx, second)
    assert "Mtx-Wave: 2/2" in trailers(mtx, second) and "Mtx-Operation: rollout.record" in trailers(mtx, end)
    assert (
        "image: ghcr.io/finos/traderx/trade-service:v2"
        in (mtx.root / "out/traderx-prod-asia/trade-service.yaml").read_text()
    )
    assert not any(u["upgrade_needed"] for u in mtx.json("unit", "list", "--space", "traderx-prod-*", "--no-data"))

    status = mtx.json("rollout", "status")
    assert status["id"] == done["id"] and status["status"] == "done"
    assert [(w["status"], w["commit"]) for w in status["waves"]] == [("healthy", first), ("healthy", second)]
    again = mtx.json("rollout", "resume", done["id"])
    assert again["status"] == "done" and again["commits"] == []


def test_bad_rollout_input_is_refused_and_writes_nothing(mtx: Mtx) -> None:
    stage4(mtx)
    before = mtx.fingerprint()
    for args, why in [
        (["--space", "traderx-prod-*"], "give at least one --wave"),
        (["--wave", "*"], "missing --space"),
        ([*EU_FIRST, "--soak", "ten"], "--soak: 'ten' is not a duration"),
        (["--space", "traderx-prod-*", "--wave", "Space.Labels.region = 'mars'", "--wave", "*"], "takes no space"),
        (["--space", "traderx-prod-*", "--wave", "Space.Labels.region = "], "expected"),
        (["--space", "../x", "--wave", "*"], "invalid"),
    ]:
        refused = mtx("rollout", *args, "--no-gate", ok=False)
        assert refused.code == 2 and why in refused.err, (args, refused.err)
    missing = mtx("rollout", "status", "20990101-000000-beef", ok=False)
    assert missing.code == 1 and "rollout '20990101-000000-beef' does not exist" in missing.err
    assert "no rollout in .mtx/rollouts/" in mtx("rollout", "resume", ok=False).err
    assert mtx.fingerprint() == before


def test_no_apply_commits_the_waves_and_leaves_delivery_to_the_worker(mtx: Mtx) -> None:
    stage4(mtx)

    done = mtx.json("rollout", *EU_FIRST, "--soak", "0s", "--no-gate", "--no-apply")

    assert done["status"] == "done" and done["apply"] is False
    assert not (mtx.root / "out").exists()  # nothing delivered by the rollout itself
    mtx("worker", "--once")
    assert "trade-service:v2" in (mtx.root / "out/traderx-prod-eu/trade-service.yaml").read_text()
