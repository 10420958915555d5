"""`mtx plan`: the impact of a branch per space and target, written for a pull-request comment."""

from __future__ import annotations

import json

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import REGIONS, build_stage_3

PROD = [f"traderx-prod-{region}" for region in ("asia", "eu", "us")]
IMAGE = "spec.template.spec.containers[name=trade-service].image"
ALGORITHM = "spec.template.spec.containers[name=trade-service].env[name=TRADING_ALGORITHM].value"
V2 = {
    "spec": {
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "trade-service",
                        "image": "ghcr.io/finos/traderx/trade-service:v2",
                        "env": [{"name": "TRADING_ALGORITHM", "value": "quantum"}],
                    }
                ]
            }
        }
    }
}


def upgrade_branch(m: Mtx) -> None:
    """Stage 4 as a pull request: base gets v2 on main, the upgrade of three regions goes to branch `up`."""
    build_stage_3(m)
    m("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(V2))
    m("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--branch", "up")


def test_plan_of_an_upgrade_branch_shows_three_spaces_with_their_changed_fields(mtx: Mtx) -> None:
    upgrade_branch(mtx)
    plan = mtx.json("plan", "--base", "main", "--head", "up", "--format", "json")
    assert [s["space"] for s in plan["spaces"]] == PROD
    assert plan["summary"] | {} == {
        "spaces": 3,
        "units_added": 0,
        "units_changed": 3,
        "units_removed": 0,
        "fields_changed": 6,
        "upgrades_pending": 0,
        "conflicts": 0,
        "invalid_documents": 0,
    }
    for space in plan["spaces"]:
        [unit] = space["changed"]
        assert (
            unit["unit"] == "trade-service"
            and unit["link_changed"]
            and unit["upstream"] == "traderx-base/trade-service"
        )
        fields = {f["path"]: (f["old"], f["new"]) for f in unit["fields"]}
        assert fields == {
            IMAGE: ("ghcr.io/finos/traderx/trade-service:latest", "ghcr.io/finos/traderx/trade-service:v2"),
            ALGORITHM: ("standard", "quantum"),
        }
    assert plan["merge_base"] == mtx.git("rev-parse", "main").strip()


def test_plan_markdown_groups_the_regions_that_changed_the_same_way(mtx: Mtx) -> None:
    upgrade_branch(mtx)
    markdown = mtx("plan", "--base", "main", "--head", "up").out
    assert markdown.count("<details>") == 1 and markdown.count("</details>") == 1
    assert "**3 space(s)**" in markdown and "6 field(s)" in markdown
    assert "<b>3 spaces</b> with the same change" in markdown
    assert "Spaces: " + ", ".join(f"`{space}`" for space in PROD) in markdown
    assert f"`{IMAGE}`" in markdown
    assert "`ghcr.io/finos/traderx/trade-service:latest` | `ghcr.io/finos/traderx/trade-service:v2`" in markdown
    assert len(markdown) < 6000


def test_plan_of_a_base_change_lists_the_upgrades_it_leaves_pending(mtx: Mtx) -> None:
    build_stage_3(mtx)
    start = mtx.head()
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", json.dumps(V2))
    plan = mtx.json("plan", "--base", start, "--format", "json")
    spaces = {s["space"]: s for s in plan["spaces"]}
    assert set(spaces) == {"traderx-base", *PROD}
    assert [u["unit"] for u in spaces["traderx-base"]["changed"]] == ["trade-service"]
    for space in PROD:
        assert spaces[space]["upgrades_pending"] == [
            {"unit": "trade-service", "upstream": "traderx-base/trade-service"}
        ]
        assert spaces[space]["changed"] == []
    assert "Upgrades pending: `trade-service` (from traderx-base/trade-service)" in mtx("plan", "--base", start).out


def test_plan_reports_added_spaces_targets_and_recorded_conflicts(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("target", "create", "prod-latam", "--kind", "directory", "--path", "out/latam")
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", '{"spec":{"replicas":4}}')
    start = mtx.head()
    mtx("space", "create", "traderx-prod-latam", "--target", "prod-latam", "--branch", "pr")
    mtx("unit", "create", "--space", "traderx-prod-latam", "--upstream-space", "traderx-base", "--branch", "pr")
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--branch", "pr")
    plan = mtx.json("plan", "--base", start, "--head", "pr", "--format", "json")
    spaces = {s["space"]: s for s in plan["spaces"]}
    latam = spaces["traderx-prod-latam"]
    assert latam["status"] == "added" and latam["target"] == "prod-latam"
    assert latam["added"] == ["reference-data", "trade-service"]
    assert latam["metadata"]["before"] is None and latam["metadata"]["after"]["target"] == "prod-latam"
    for region, count in REGIONS.items():
        [conflict] = spaces[f"traderx-prod-{region}"]["conflicts"]
        assert (conflict["path"], conflict["local"], conflict["upstream"]) == ("spec.replicas", count, 4)
    assert plan["summary"]["conflicts"] == 3
    markdown = mtx("plan", "--base", start, "--head", "pr").out
    assert "<b>traderx-prod-latam</b> → <code>prod-latam</code> (added)" in markdown
    conflicts = markdown.split("#### ⚠️ 3 conflict(s)", 1)[1].split("<details>", 1)[0]
    for region, count in REGIONS.items():
        line = f"- `traderx-prod-{region}/trade-service` `spec.replicas` in apps/Deployment/trade-service: "
        assert line + f"base 1, upstream 4, local {count} → kept local" in conflicts


def test_plan_refuses_unknown_revisions_and_formats(mtx: Mtx) -> None:
    build_stage_3(mtx)
    unknown = mtx("plan", "--base", "no-such-branch", ok=False)
    assert unknown.code == 1 and "unknown revision 'no-such-branch'" in unknown.err
    bad = mtx("plan", "--base", "HEAD", "--format", "html", ok=False)
    assert bad.code == 2 and "--format" in bad.err
    empty = mtx.json("plan", "--base", "HEAD", "--format", "json")
    assert empty["spaces"] == [] and "No spaces change." in mtx("plan", "--base", "HEAD").out


def test_plan_markdown_groups_spaces_that_changed_the_same_way_when_there_are_many() -> None:
    from mtx_gitops.ops.plan_markdown import plan_markdown

    change = {
        "unit": "trade-service",
        "link_changed": True,
        "upstream": "traderx-base/trade-service",
        "fields": [{"document": "apps/Deployment//trade-service", "path": IMAGE, "old": "a:1", "new": "a:2"}],
    }
    spaces = [
        {
            "space": f"traderx-prod-{i:03d}",
            "target": f"cluster-{i % 3}",
            "status": "changed",
            "added": [],
            "changed": [change],
            "removed": [],
            "metadata": None,
            "upgrades_pending": [],
            "conflicts": [],
        }
        for i in range(300)
    ]
    spaces[7] = {**spaces[7], "changed": [{**change, "fields": [{**change["fields"][0], "new": "a:3"}]}]}
    summary = {
        "spaces": 300,
        "units_added": 0,
        "units_changed": 300,
        "units_removed": 0,
        "fields_changed": 300,
        "upgrades_pending": 0,
        "conflicts": 0,
    }
    markdown = plan_markdown({"base": "main", "head": "up", "summary": summary, "spaces": spaces})
    assert markdown.count("<details>") == 2
    assert "<b>299 spaces</b> with the same change" in markdown and "<b>traderx-prod-007</b>" in markdown
    assert "`traderx-prod-299`" in markdown and len(markdown) < 10_000
