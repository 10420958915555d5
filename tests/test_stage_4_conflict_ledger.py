"""Guide stage 4, after the upgrade: conflicts stay open in a ledger in git until someone resolves them,
regions protect the fields they own, and an upgrade names the upstream units a region has no copy of."""

from __future__ import annotations

import json

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3, replicas

EU = "traderx-prod-eu"
DEPLOYMENT = "apps/Deployment//trade-service"


def scale_base(m: Mtx, count: int) -> None:
    patch = json.dumps({"spec": {"replicas": count}})
    m("unit", "update", "trade-service", "--space", "traderx-base", "--patch", patch)


def set_base_image(m: Mtx, tag: str) -> None:
    image = f"ghcr.io/finos/traderx/trade-service:{tag}"
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "trade-service", "image": image}]}}}}
    m("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(patch))


def open_conflicts(m: Mtx, space: str = "*") -> list[dict[str, object]]:
    return list(m.json("conflicts", "--space", space))


def test_stage_4_a_kept_local_conflict_stays_open_until_resolved(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    first = mtx.head()
    assert open_conflicts(mtx, EU) == [
        {
            "space": EU,
            "unit": "trade-service",
            "document": DEPLOYMENT,
            "path": "spec.replicas",
            "base": 1,
            "upstream": 4,
            "local": 5,
            "resolution": "local",
            "commit": first,
            "status": "open",
        }
    ]
    assert sorted(c["space"] for c in open_conflicts(mtx)) == sorted(f"traderx-prod-{r}" for r in REGIONS)
    assert (mtx.root / f"spaces/{EU}/.mtx/conflicts/trade-service.yaml").exists()

    # A change elsewhere in the base does not meet the conflict: it stays open, as it was.
    set_base_image(mtx, "v2")
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert [(c["upstream"], c["local"], c["commit"]) for c in open_conflicts(mtx, EU)] == [(4, 5, first)]

    # The base changes replicas again: the upgrade meets the open conflict and updates it.
    scale_base(mtx, 6)
    upgraded = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    eu = next(u for u in upgraded["units"] if (u["space"], u["unit"]) == (EU, "trade-service"))
    assert "ledger updated" in eu["note"]
    [entry] = open_conflicts(mtx, EU)
    assert (entry["base"], entry["upstream"], entry["local"], entry["commit"]) == (4, 6, 5, mtx.head())
    assert replicas(mtx, EU, "trade-service") == 5

    before = mtx.commits()
    resolved = mtx.json(
        "conflicts", "resolve", "trade-service", "--space", EU, "--path", "spec.replicas", "--take", "upstream"
    )
    assert mtx.commits() == before + 1 and resolved["commit"] == mtx.head()
    assert replicas(mtx, EU, "trade-service") == 6
    assert open_conflicts(mtx, EU) == []
    assert not (mtx.root / f"spaces/{EU}/.mtx/conflicts/trade-service.yaml").exists()
    assert len(open_conflicts(mtx)) == 2  # US and Asia are still to decide
    diff = mtx.git("diff", "HEAD~1", "--stat").strip().splitlines()
    assert len(diff) == 3  # the unit and its ledger file

    log = mtx.json("log", "--space", EU, "--unit", "trade-service")
    assert log[0]["operation"] == "conflicts.resolve"
    assert log[0]["ledger"] == [f"{EU}/trade-service closed spec.replicas in {DEPLOYMENT} (took upstream)"]
    updates = [[line for line in e["ledger"] if EU in line] for e in log if e["operation"] == "unit.upgrade"]
    assert [lines for lines in updates if lines] == [
        [f"{EU}/trade-service updated spec.replicas in {DEPLOYMENT}"],
        [f"{EU}/trade-service opened spec.replicas in {DEPLOYMENT}"],
    ]


def test_conflicts_resolve_keeps_local_sets_a_value_or_dismisses(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    before = mtx.commits()
    args = ("conflicts", "resolve", "trade-service", "--path", "spec.replicas")
    mtx(*args, "--space", "traderx-prod-us", "--value", "7")
    mtx(*args, "--space", "traderx-prod-asia", "--dismiss")
    mtx(*args, "--space", EU, "--take", "local")
    assert mtx.commits() == before + 3
    assert [replicas(mtx, f"traderx-prod-{r}", "trade-service") for r in ("us", "asia", "eu")] == [7, 2, 5]
    assert open_conflicts(mtx) == []
    assert "Mtx-Unit: traderx-prod-eu/trade-service" in mtx.git("log", "-1", "--format=%B")
    assert "took local" in mtx.git("log", "-1", "--format=%B")


def test_conflicts_resolve_bad_input_writes_nothing(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    before = mtx.fingerprint()
    base = ("conflicts", "resolve", "trade-service", "--space", EU)
    for args, code in (
        ((*base, "--path", "spec.replicas"), 2),  # no decision
        ((*base, "--path", "spec.replicas", "--take", "both"), 2),
        ((*base, "--path", "spec.replicas", "--take", "local", "--dismiss"), 2),
        ((*base, "--path", "spec.paused", "--dismiss"), 1),  # no such open conflict
        (("conflicts", "resolve", "trade-service", "--space", "../x", "--path", "spec.replicas", "--dismiss"), 2),
        (("conflicts", "resolve", "nope", "--space", EU, "--path", "spec.replicas", "--dismiss"), 1),
        ((*base, "--path", "spec.replicas", "--value", "[unclosed"), 2),
    ):
        result = mtx(*args, ok=False)
        assert result.code == code, (args, result.err)
        assert result.err.count("\n") == 1, result.err
    assert mtx.fingerprint() == before
    assert mtx("conflicts", "--space", "nope", ok=False).code == 1


def test_a_protected_path_survives_on_conflict_upstream(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = mtx.commits()
    mtx("unit", "protect", "trade-service", "--space", EU, "--path", "spec.replicas")
    assert mtx.commits() == before + 1
    protected = (mtx.root / f"spaces/{EU}/.mtx/protected/trade-service.yaml").read_text()
    assert "- spec.replicas" in protected
    scale_base(mtx, 4)
    result = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--on-conflict", "upstream")
    assert replicas(mtx, EU, "trade-service") == 5
    assert replicas(mtx, "traderx-prod-us", "trade-service") == 4
    assert result["held_back"] == [
        {
            "space": EU,
            "unit": "trade-service",
            "document": DEPLOYMENT,
            "path": "spec.replicas",
            "upstream": 4,
            "local": 5,
        }
    ]
    eu = next(u for u in result["units"] if (u["space"], u["unit"]) == (EU, "trade-service"))
    assert eu["conflicts"] == [] and "held back upstream 4, kept 5" in eu["note"]
    assert f"held back spec.replicas in {EU}/trade-service: protected" in result["notes"]
    assert "Mtx-Held-Back: traderx-prod-eu/trade-service spec.replicas" in mtx.git("log", "-1", "--format=%B")
    assert {c["space"] for c in open_conflicts(mtx)} == {"traderx-prod-us", "traderx-prod-asia"}
    assert {c["resolution"] for c in open_conflicts(mtx)} == {"upstream"}

    # A whole space can protect a path too, and --on-conflict fail does not refuse what is protected.
    mtx("unit", "protect", "--space", "traderx-prod-us", "--path", "spec.replicas")
    assert (mtx.root / "spaces/traderx-prod-us/.mtx/protected.yaml").exists()
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", '{"spec":{"replicas":3}}')
    scale_base(mtx, 8)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-us", "--on-conflict", "fail")
    assert replicas(mtx, "traderx-prod-us", "trade-service") == 3


def test_merge_unit_leaves_protected_paths_alone_unless_forced(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "protect", "trade-service", "--space", EU, "--path", "spec.replicas")
    asia = "traderx-prod-asia"
    mtx("unit", "update", "trade-service", "--space", asia, "--patch", '{"spec":{"replicas":7}}')
    merge = ("unit", "update", "trade-service", "--space", EU, "--merge-unit", f"{asia}/trade-service")
    merged = mtx.json(*merge, "--on-conflict", "upstream")
    assert replicas(mtx, EU, "trade-service") == 5
    assert [h["path"] for h in merged["held_back"]] == ["spec.replicas"]
    mtx(*merge, "--on-conflict", "upstream", "--force")
    assert replicas(mtx, EU, "trade-service") == 7

    mtx("unit", "unprotect", "trade-service", "--space", EU, "--path", "spec.replicas")
    assert not (mtx.root / f"spaces/{EU}/.mtx/protected/trade-service.yaml").exists()
    log = mtx.json("log", "--space", EU, "--unit", "trade-service", "--limit", "1")
    assert log[0]["operation"] == "unit.unprotect"


def test_protect_bad_input_writes_nothing(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = mtx.fingerprint()
    for args, code in (
        (("unit", "protect", "trade-service", "--space", EU), 2),  # no --path
        (("unit", "protect", "trade-service", "--space", EU, "--path", "spec.template.spec.containers[*].image"), 2),
        (("unit", "protect", "trade-service", "--space", EU, "--path", "spec..replicas"), 2),
        (("unit", "protect", "nope", "--space", EU, "--path", "spec.replicas"), 1),
        (("unit", "protect", "trade-service", "--space", "Bad", "--path", "spec.replicas"), 2),
        (("unit", "unprotect", "trade-service", "--space", EU, "--path", "spec.replicas"), 2),  # not protected
        (("unit", "update", "--upgrade", "--space", EU, "--force"), 2),
    ):
        result = mtx(*args, ok=False)
        assert result.code == code, (args, result.err)
        assert result.err.count("\n") == 1, result.err
    assert mtx.fingerprint() == before


def test_the_upgrade_names_upstream_units_a_region_has_no_copy_of(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "create", "people-service", str(mtx.root / "base/people-service.yaml"), "--space", "traderx-base")
    before = mtx.fingerprint()
    result = mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", "-o", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["commit"] is None and mtx.fingerprint() == before
    assert data["missing_downstream"] == [
        {"space": f"traderx-prod-{r}", "unit": "people-service", "upstream": "traderx-base/people-service"}
        for r in ("asia", "eu", "us")
    ]
    assert data["notes"][0] == (
        "nothing to upgrade: every linked unit is up to date, but 3 upstream unit(s) have no copy"
    )
    table = mtx("unit", "update", "--upgrade", "--space", "traderx-prod-asia").out
    assert "traderx-base has people-service; traderx-prod-asia has no copy" in table


def test_a_region_that_deleted_a_linked_unit_is_not_given_it_back(mtx: Mtx) -> None:
    build_stage_3(mtx)
    asia = "traderx-prod-asia"
    mtx("unit", "delete", "reference-data", "--space", asia)
    record = mtx.root / f"spaces/{asia}/.mtx/deleted/reference-data.yaml"
    assert "traderx-base" in record.read_text()

    relinked = mtx.json("unit", "create", "--space", asia, "--upstream-space", "traderx-base")
    assert relinked["commit"] is None
    notes = {u["unit"]: u.get("note", "") for u in relinked["units"]}
    assert notes["reference-data"].startswith(f"deleted on purpose in {asia}: skipped")
    assert f"{asia}/reference-data was deleted on purpose: not linked again" in relinked["notes"]
    assert not (mtx.root / f"spaces/{asia}/reference-data.yaml").exists()

    upgrade = mtx.json("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert upgrade["missing_downstream"] == []
    assert f"{asia} deleted its copy of traderx-base/reference-data on purpose: not linked" in upgrade["notes"]

    mtx("unit", "create", "reference-data", "--space", asia, "--upstream-space", "traderx-base")
    assert (mtx.root / f"spaces/{asia}/reference-data.yaml").exists() and not record.exists()
    assert mtx.json("unit", "get", "reference-data", "--space", asia)["upstream"]["space"] == "traderx-base"


def test_plan_shows_the_branchs_new_and_still_open_conflicts_first(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("--branch", "upgrade-1", "unit", "update", "--upgrade", "--space", "traderx-prod-*")
    data = mtx.json("plan", "--base", "main", "--head", "upgrade-1", "--format", "json")
    assert [(c["space"], c["local"]) for c in data["conflict_ledger"]["new"]] == [
        ("traderx-prod-asia", 2),
        ("traderx-prod-eu", 5),
        ("traderx-prod-us", 3),
    ]
    assert data["conflict_ledger"]["open"] == []
    mtx.git("merge", "--ff-only", "upgrade-1")
    set_base_image(mtx, "v2")
    mtx("--branch", "upgrade-2", "unit", "update", "--upgrade", "--space", "traderx-prod-*")
    data = mtx.json("plan", "--base", "main", "--head", "upgrade-2", "--format", "json")
    assert data["conflict_ledger"]["new"] == [] and len(data["conflict_ledger"]["open"]) == 3
    comment = mtx("plan", "--base", "main", "--head", "upgrade-2").out
    headings = [line for line in comment.splitlines() if line.startswith("#### ")]
    assert headings[0] == "#### 📒 3 conflict(s) still open"
    assert "`traderx-prod-eu/trade-service` `spec.replicas`" in comment


def test_a_hand_broken_ledger_or_protected_file_is_named_and_nothing_is_written(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    ledger = f"spaces/{EU}/.mtx/conflicts/trade-service.yaml"
    protected = f"spaces/{EU}/.mtx/protected/trade-service.yaml"
    for path, text in ((ledger, "conflicts: {path: 3}\n"), (protected, "paths: [1, 2]\n"), (ledger, "- [\n")):
        mtx.git("checkout", "-q", "--", ".")
        (mtx.root / path).parent.mkdir(parents=True, exist_ok=True)
        (mtx.root / path).write_text(text)
        mtx.git("add", "-A")
        mtx.git("commit", "-qm", "hand edit")
        before = mtx.fingerprint()
        scale_base(mtx, 9)
        after_base = mtx.fingerprint()
        result = mtx("unit", "update", "--upgrade", "--space", EU, ok=False)
        assert result.code == 2 and path in result.err and result.err.count("\n") == 1, result.err
        assert mtx.fingerprint() == after_base != before
        mtx.git("reset", "-q", "--hard", "HEAD~2")


def test_an_open_conflict_on_a_path_protected_later_follows_the_upstream_it_holds_back(mtx: Mtx) -> None:
    build_stage_3(mtx)
    us = "traderx-prod-us"
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    scale_base(mtx, 6)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    [entry] = open_conflicts(mtx, us)
    assert (entry["base"], entry["upstream"], entry["local"]) == (4, 6, 3)

    # US takes the field over, then the base moves on: the upgrade holds 8 back and the open entry says 8.
    mtx("unit", "protect", "trade-service", "--space", us, "--path", "spec.replicas")
    scale_base(mtx, 8)
    upgraded = mtx.json("--branch", "hold-8", "unit", "update", "--upgrade", "--space", "traderx-prod-*")
    plan = mtx.json("plan", "--base", "main", "--head", "hold-8", "--format", "json")["conflict_ledger"]
    assert [c["upstream"] for c in plan["new"] + plan["open"] if c["space"] == us] == [8]
    mtx.git("merge", "--ff-only", "hold-8")
    note = next(u["note"] for u in upgraded["units"] if (u["space"], u["unit"]) == (us, "trade-service"))
    assert "held back upstream 8, kept 3" in note and "ledger updated" in note
    [entry] = open_conflicts(mtx, us)
    assert (entry["base"], entry["upstream"], entry["local"], entry["resolution"], entry["commit"]) == (
        6,
        8,
        3,
        "local",
        mtx.head(),
    )
    assert replicas(mtx, us, "trade-service") == 3
    log = mtx.json("log", "--space", us, "--unit", "trade-service", "--limit", "1")
    assert [line for line in log[0]["ledger"] if us in line] == [
        f"{us}/trade-service updated spec.replicas in {DEPLOYMENT}"
    ]

    # An upgrade that brings nothing new for the field leaves the entry as it is.
    set_base_image(mtx, "v2")
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert [(c["upstream"], c["commit"]) for c in open_conflicts(mtx, us)] == [(8, entry["commit"])]

    mtx("conflicts", "resolve", "trade-service", "--space", us, "--path", "spec.replicas", "--take", "upstream")
    assert open_conflicts(mtx, us) == []
    assert replicas(mtx, us, "trade-service") == 8


def test_take_upstream_takes_the_upstream_the_unit_last_merged_even_from_a_stale_entry(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    ledger = mtx.root / f"spaces/{EU}/.mtx/conflicts/trade-service.yaml"
    ledger.write_text(ledger.read_text().replace("upstream: 4", "upstream: 2"))  # as an older mtx left it
    mtx.git("commit", "-qam", "stale ledger entry")
    mtx("conflicts", "resolve", "trade-service", "--space", EU, "--path", "spec.replicas", "--take", "upstream")
    assert replicas(mtx, EU, "trade-service") == 4


def test_deleting_a_unit_closes_its_open_conflicts_in_the_log(mtx: Mtx) -> None:
    build_stage_3(mtx)
    scale_base(mtx, 4)
    set_base_image(mtx, "v2")
    mtx("unit", "update", "trade-service", "--space", EU, "--patch", json.dumps({"spec": {"paused": True}}))
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*")
    assert len(open_conflicts(mtx, EU)) == 1
    mtx("unit", "delete", "trade-service", "--space", EU)
    assert open_conflicts(mtx, EU) == []
    assert not (mtx.root / f"spaces/{EU}/.mtx/conflicts/trade-service.yaml").exists()
    log = mtx.json("log", "--space", EU, "--limit", "1")
    assert log[0]["operation"] == "unit.delete"
    assert log[0]["ledger"] == [f"{EU}/trade-service closed spec.replicas in {DEPLOYMENT} (unit deleted)"]
    assert "ledger: 1 closed" in mtx("log", "--space", EU, "--limit", "1").out

    # A unit without open conflicts leaves no ledger line.
    mtx("unit", "delete", "trade-service", "--space", "traderx-prod-us")
    mtx("conflicts", "resolve", "trade-service", "--space", "traderx-prod-asia", "--path", "spec.replicas",
        "--dismiss")  # fmt: skip
    mtx("unit", "delete", "trade-service", "--space", "traderx-prod-asia")
    assert mtx.json("log", "--space", "traderx-prod-asia", "--limit", "1")[0]["ledger"] == []
