"""The audit trail and a unit's past: `mtx log`, `unit history`, `unit restore`, `unit diff`, `unit explain`."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from mtx_gitops.adapters.gitrepo import Git
from tests.conftest import Mtx
from tests.test_stage_6_changesets import IMAGES, image, set_image
from tests.test_stages_1_to_3 import build_stage_3

EU, US, ASIA = "traderx-prod-eu", "traderx-prod-us", "traderx-prod-asia"
REPLICAS = "spec.replicas"
IMAGE = "spec.template.spec.containers[name=trade-service].image"


def build_seven_stages(m: Mtx) -> None:
    """Stages 1-7 of the guide, compressed: every kind of operation leaves its trailers."""
    build_stage_3(m)
    container = {
        "name": "trade-service",
        "image": f"{IMAGES}/trade-service:v2",
        "env": [{"name": "TRADING_ALGORITHM", "value": "quantum"}],
    }
    env = {"spec": {"template": {"spec": {"containers": [container]}}}}
    m("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(env))
    m("unit", "update", "--space", "traderx-prod-*", "--upgrade")
    m("run", "set-replicas", "--replicas", "2", "--space", "traderx-prod-*", "--where", "spec.replicas > 4")
    m("changeset", "create", "market-data-v2")
    set_image(m, "reference-data", "v3")
    set_image(m, "trade-service", "v3")
    m("changeset", "apply", "market-data-v2")
    m("run", "set-env-var", "--env-var", "CIRCUIT_BREAKER=true", "--space", EU, "--unit", "trade-service")
    m("unit", "update", "trade-service", "--space", ASIA, "--merge-unit", f"{EU}/trade-service")


def units_of(entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(u["space"], u["unit"]) for u in entry["units"]]


def test_log_after_the_seven_stages_shows_each_operation_with_its_units(mtx: Mtx) -> None:
    build_seven_stages(mtx)
    log = mtx.json("log")
    assert len(log) == mtx.commits()
    assert log[0]["commit"] == mtx.head() and log[-1]["operation"] == "repo.init"
    assert set(log[0]) >= {
        "commit",
        "author",
        "date",
        "operation",
        "units",
        "changeset",
        "source",
        "conflicts",
        "message",
        "subject",
    }
    assert log[0]["author"] == "Ada Ops"
    merge, env, applied, scale, upgrade = log[:5]
    assert merge["operation"] == "unit.merge" and units_of(merge) == [(ASIA, "trade-service")]
    assert merge["source"] == f"{EU}/trade-service" and merge["source_revision"]
    assert env["operation"] == "run.set-env-var" and units_of(env) == [(EU, "trade-service")]
    assert applied["operation"] == "changeset.apply" and applied["changeset"] == "market-data-v2"
    assert units_of(applied) == [(US, "reference-data"), (US, "trade-service")]
    assert scale["operation"] == "run.set-replicas" and units_of(scale) == [(EU, "trade-service")]
    assert upgrade["operation"] == "unit.upgrade"
    assert units_of(upgrade) == [(ASIA, "trade-service"), (EU, "trade-service"), (US, "trade-service")]
    assert all(e["changeset"] is None for e in log if e is not applied)
    creates = [e for e in log if e["operation"] == "unit.create"]
    assert len(creates) == 5


def test_linked_copies_record_their_upstream_as_the_source(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("space", "create", "traderx-dr")
    mtx(
        "unit",
        "create",
        "trade-service",
        "--space",
        "traderx-dr",
        "--upstream-space",
        EU,
        "--upstream-unit",
        "trade-service",
    )
    log = mtx.json("log")
    creates = [e for e in log if e["operation"] == "unit.create"]

    copy, linked, from_base = creates[0], creates[1:4], creates[4:]
    assert copy["source"] == f"{EU}/trade-service" and copy["source_revision"] == log[1]["commit"][:12]
    assert [e["source"] for e in linked] == ["traderx-base"] * 3 and all(e["source_revision"] for e in linked)
    assert [e["source"] for e in from_base] == [None, None]  # created from files in base/
    assert f"from {EU}/trade-service" in mtx("log", "-n", "1").out


def test_log_filters_by_space_and_unit_from_the_trailers_and_the_files(mtx: Mtx) -> None:
    build_seven_stages(mtx)
    eu = mtx.json("log", "--space", EU)
    assert [e["operation"] for e in eu] == [
        "run.set-env-var",
        "run.set-replicas",
        "unit.upgrade",
        "unit.update",
        "unit.create",
        "space.create",  # it names no unit, and it made the space
    ]
    assert all(any(s == EU for s, _ in units_of(e)) for e in eu[:-1])
    reference = mtx.json("log", "--space", US, "--unit", "reference-data")
    assert [e["operation"] for e in reference] == ["changeset.apply", "unit.create"]
    assert len(mtx.json("log", "-n", "2")) == 2
    bad = mtx("log", "--unit", "trade-service", ok=False)
    assert bad.code == 2 and "--unit needs --space" in bad.err
    table = mtx("log", "--space", EU).out
    assert "run.set-env-var" in table and "unit.upgrade" in table


def test_deleting_a_space_reports_and_logs_every_unit_it_deleted(mtx: Mtx) -> None:
    build_stage_3(mtx)
    deleted = mtx.json("space", "delete", EU, "--force")
    assert [(u["space"], u["unit"], u["changed"]) for u in deleted["units"]] == [
        (EU, "reference-data", True),
        (EU, "trade-service", True),
    ]
    assert "2 unit(s) changed" in mtx("space", "delete", US, "--force").out
    message = mtx.git("log", "-1", "--format=%B", "HEAD~1")
    assert f"Mtx-Unit: {EU}/reference-data" in message and f"Mtx-Unit: {EU}/trade-service" in message
    last = mtx.json("log", "--space", EU, "--unit", "trade-service")[0]
    assert last["operation"] == "space.delete" and last["commit"] == deleted["commit"]


def test_log_records_conflicts_and_commits_made_by_hand(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"replicas":4}}')
    mtx("unit", "update", "--space", "traderx-prod-*", "--upgrade")
    path = mtx.root / f"spaces/{US}/reference-data.yaml"
    path.write_text(path.read_text() + "# reviewed by hand\n")
    mtx.git("commit", "-qam", "Review reference-data by hand")
    by_hand, upgrade = mtx.json("log")[:2]
    assert (
        by_hand["operation"] == "git"
        and by_hand["units"] == []
        and by_hand["subject"] == "Review reference-data by hand"
    )
    conflicts = {c["unit"]: c for c in upgrade["conflicts"]}
    assert set(conflicts) == {f"{r}/trade-service" for r in (US, EU, ASIA)}
    assert (
        conflicts[f"{EU}/trade-service"].items()
        >= {"path": REPLICAS, "base": 1, "upstream": 4, "local": 5, "resolution": "local"}.items()
    )


def test_log_reads_history_in_two_git_passes(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    add_commits(mtx, 300)
    calls: list[tuple[str, ...]] = []
    real = Git.run

    def counting(self: Git, *args: str, **kwargs: Any) -> bytes:
        calls.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Git, "run", counting)
    log = mtx.json("log", "--space", "traderx-base")
    assert len(log) == 300 and log[0]["units"] == [{"space": "traderx-base", "unit": "u299"}]
    # One pass reads the trailers, one finds the commits that changed the space's files: two, however many.
    assert [c[0] for c in calls].count("log") == 2 and len(calls) <= 4


def add_commits(m: Mtx, count: int) -> None:
    """`count` commits carrying mtx trailers, written in one `git fast-import` (fast, real history)."""
    head = m.head()
    chunks = []
    for i in range(count):
        msg = f"Update unit traderx-base/u{i}\n\nMtx-Operation: unit.update\nMtx-Unit: traderx-base/u{i}\n".encode()
        chunks.append(b"commit refs/heads/main\ncommitter Ada Ops <ada@example.com> %d +0000\n" % (1700000000 + i))
        chunks.append(b"data %d\n%s\n" % (len(msg), msg))
        if i == 0:
            chunks.append(f"from {head}\n".encode())
        chunks.append(b"M 100644 inline notes/log.txt\ndata %d\n%d\n\n" % (len(str(i)) + 1, i))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=m.root, input=b"".join(chunks), check=True)
    m.git("reset", "-q", "--hard", "main")


def test_unit_history_lists_the_commits_that_touched_the_unit(mtx: Mtx) -> None:
    build_seven_stages(mtx)
    history = mtx.json("unit", "history", "trade-service", "--space", EU)
    assert [e["operation"] for e in history] == [
        "run.set-env-var",
        "run.set-replicas",
        "unit.upgrade",
        "unit.update",
        "unit.create",
    ]
    assert mtx("unit", "history", "nothing", "--space", EU, ok=False).code == 1


def test_restore_puts_the_unit_and_its_link_back_in_one_commit(mtx: Mtx) -> None:
    build_seven_stages(mtx)
    history = mtx.json("unit", "history", "trade-service", "--space", US)
    before_changeset = next(e for e in history if e["operation"] == "unit.upgrade")["commit"]
    start = mtx.commits()
    result = mtx.json("unit", "restore", "trade-service", "--space", US, "--revision", before_changeset)
    assert mtx.commits() == start + 1 and result["commit"] == mtx.head()
    assert image(mtx, "trade-service") == f"{IMAGES}/trade-service:v2"
    for path in (f"spaces/{US}/trade-service.yaml", f"spaces/{US}/.mtx/links/trade-service.yaml"):
        assert mtx.git("show", f"HEAD:{path}") == mtx.git("show", f"{before_changeset}:{path}")
    message = mtx.git("log", "-1", "--format=%B")
    assert "Mtx-Operation: unit.restore" in message and f"Mtx-Restored-From: {before_changeset}" in message


def test_restore_refuses_unknown_revisions_and_revisions_without_the_unit(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = mtx.fingerprint()
    unknown = mtx("unit", "restore", "trade-service", "--space", US, "--revision", "no-such-rev", ok=False)
    assert unknown.code == 1 and "unknown revision 'no-such-rev'" in unknown.err
    assert unknown.err.count("\n") == 1
    first = mtx.git("rev-list", "--max-parents=0", "HEAD").strip()
    absent = mtx("unit", "restore", "trade-service", "--space", US, "--revision", first, ok=False)
    assert absent.code == 1 and "does not exist" in absent.err and first[:12] in absent.err
    assert mtx.fingerprint() == before


def test_diff_shows_field_changes_and_upstream_overrides(mtx: Mtx) -> None:
    build_stage_3(mtx)
    diff = mtx.json("unit", "diff", "trade-service", "--space", EU)
    assert [(f["path"], f["old"], f["new"]) for f in diff["fields"]] == [(REPLICAS, 1, 5)]
    overrides = mtx.json("unit", "diff", "trade-service", "--space", EU, "--upstream")["overrides"]
    assert [(o["path"], o["upstream"], o["local"]) for o in overrides] == [(REPLICAS, 1, 5)]
    first = mtx.json("unit", "history", "trade-service", "--space", EU)[-1]["commit"]
    set_image(mtx, "trade-service", "v7", space=EU)
    since = mtx.json("unit", "diff", "trade-service", "--space", EU, "--revision", first)
    assert {f["path"] for f in since["fields"]} == {REPLICAS, IMAGE}
    assert "5" in mtx("unit", "diff", "trade-service", "--space", EU, "--upstream").out
    assert mtx("unit", "diff", "trade-service", "--space", "traderx-base", "--upstream", ok=False).code == 1


def test_explain_tells_inherited_from_overridden_fields_and_who_set_them(mtx: Mtx) -> None:
    build_seven_stages(mtx)
    explained = mtx.json("unit", "explain", "trade-service", "--space", EU)
    fields = {f["path"]: f for f in explained["fields"]}
    assert fields[REPLICAS]["status"] == "override" and fields[REPLICAS]["value"] == 2
    assert fields[REPLICAS]["operation"] == "run.set-replicas" and fields[REPLICAS]["upstream_value"] == 1
    assert fields[IMAGE]["status"] == "inherited" and fields[IMAGE]["operation"] == "unit.upgrade"
    env = "spec.template.spec.containers[name=trade-service].env[name=CIRCUIT_BREAKER].value"
    assert fields[env]["status"] == "override" and fields[env]["operation"] == "run.set-env-var"
    assert fields["metadata.name"]["status"] == "inherited" and fields["metadata.name"]["operation"] == "unit.create"
    only = mtx.json("unit", "explain", "trade-service", "--space", EU, "--path", "spec.replicas")["fields"]
    assert [f["path"] for f in only] == [REPLICAS]
    assert "run.set-replicas" in mtx("unit", "explain", "trade-service", "--space", EU, "--path", "spec").out
    missing = mtx("unit", "explain", "trade-service", "--space", EU, "--path", "spec.nothing", ok=False)
    assert missing.code == 1 and "no field at spec.nothing" in missing.err
    own = mtx.json("unit", "explain", "trade-service", "--space", "traderx-base", "--path", "spec.replicas")
    assert own["upstream"] is None and own["fields"][0]["status"] == "local"


def test_log_of_a_space_or_unit_includes_plain_git_commits_as_unit_history_does(mtx: Mtx) -> None:
    build_stage_3(mtx)
    base = mtx.root / "spaces/traderx-base/trade-service.yaml"
    base.write_text(base.read_text().replace("replicas: 1", "replicas: 2"))
    mtx.git("commit", "-qam", "Bring trade-service v0.10.3 into base")
    other = mtx.root / "spaces/traderx-base/reference-data.yaml"
    other.write_text(other.read_text() + "# reviewed\n")
    mtx.git("commit", "-qam", "Review reference-data by hand")

    unit_log = mtx.json("log", "--space", "traderx-base", "--unit", "trade-service")
    history = mtx.json("unit", "history", "trade-service", "--space", "traderx-base")
    space_log = mtx.json("log", "--space", "traderx-base")

    assert [e["commit"] for e in unit_log] == [e["commit"] for e in history]
    by_hand = unit_log[0]
    assert (by_hand["operation"], by_hand["subject"]) == ("git", "Bring trade-service v0.10.3 into base")
    assert by_hand["units"] == [{"space": "traderx-base", "unit": "trade-service"}]
    assert [e["subject"] for e in space_log[:2]] == [
        "Review reference-data by hand",
        "Bring trade-service v0.10.3 into base",
    ]
    assert space_log[0]["units"] == [{"space": "traderx-base", "unit": "reference-data"}]
    table = mtx("log", "--space", "traderx-base").out
    assert "Review reference-data by hand" in table and " git " in table
