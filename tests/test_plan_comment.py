"""The plan comment never drops a space, a conflict or a finding; when it must be shortened it
shortens unit detail only and says exactly what it left out (Online Boutique: 12 services, 4 spaces)."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops.ops.plan_markdown import MAX_CHARS, plan_markdown

SERVICES = [f"svc{n:02d}" for n in range(12)]
IMAGE = "spec.template.spec.containers[name=server].image"
REPOSITORY = "us-central1-docker.pkg.dev/google-samples/microservices-demo/productcatalogservice"


def _unit(unit: str, region: int, fields: int) -> dict[str, Any]:
    document = f"apps/Deployment//{unit}"
    changes = [{"document": document, "path": IMAGE, "old": f"{REPOSITORY}:v0.10.2", "new": f"{REPOSITORY}:v0.10.3"}]
    changes += [{"document": document, "path": f"spec.env{k}", "old": k, "new": k + region} for k in range(fields)]
    return {"unit": unit, "link_changed": True, "upstream": f"base/{unit}", "fields": changes}


def _space(region: int, *, conflicts: int, fields: int) -> dict[str, Any]:
    recorded = [
        {
            "unit": f"prod-{region}/{unit}",
            "path": IMAGE,
            "document": f"apps/Deployment//{unit}",
            "base": "v1",
            "upstream": "v2",
            "local": f"v1-{region}",
            "resolution": "local",
            "commit": "0123456789abcdef0123",
        }
        for unit in SERVICES[:conflicts]
    ]
    return {
        "space": f"prod-{region}",
        "target": f"cluster-{region}",
        "status": "changed",
        "added": [],
        "changed": [_unit(unit, region, fields) for unit in SERVICES],
        "removed": [],
        "metadata": None,
        "upgrades_pending": [],
        "conflicts": recorded,
    }


def _plan(spaces: list[dict[str, Any]], findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    errors = [f for f in findings or [] if f["severity"] == "error"]
    validation = {"kubernetesVersion": "1.20", "invalid_documents": len(errors), "findings": findings or []}
    summary = {
        "spaces": len(spaces),
        "units_added": 0,
        "units_changed": sum(len(s["changed"]) for s in spaces),
        "units_removed": 0,
        "fields_changed": sum(len(u["fields"]) for s in spaces for u in s["changed"]),
        "upgrades_pending": 0,
        "conflicts": sum(len(s["conflicts"]) for s in spaces),
        "invalid_documents": len(errors),
    }
    return {"base": "main", "head": "upgrade", "summary": summary, "validation": validation, "spaces": spaces}


@pytest.mark.parametrize("fields", [0, 30, 300])
def test_every_space_and_conflict_is_there_however_big_the_plan(fields: int) -> None:
    spaces = [_space(0, conflicts=0, fields=fields), _space(1, conflicts=1, fields=fields)]
    spaces += [_space(2, conflicts=2, fields=fields), _space(3, conflicts=0, fields=fields)]

    markdown = plan_markdown(_plan(spaces))

    assert "**4 space(s)**" in markdown and "3 conflict(s)" in markdown
    assert all(f"<b>prod-{r}</b>" in markdown or f"`prod-{r}`" in markdown.split("Spaces: ")[-1] for r in range(4))
    assert markdown.count("- `prod-") == 3  # every conflict, one line each
    assert "- `prod-2/svc01` `spec.template.spec.containers[name=server].image` in apps/Deployment/svc01" in markdown
    assert markdown.index("conflict(s)\n") < markdown.index("<details>")
    assert "and more" not in markdown and len(markdown) <= MAX_CHARS


def test_a_shortened_comment_says_what_it_left_out_and_names_head() -> None:
    spaces = [_space(region, conflicts=1, fields=300) for region in range(4)]

    markdown = plan_markdown(_plan(spaces))

    [note] = [line for line in markdown.splitlines() if line.startswith("_Shortened")]
    assert "field row" in note and "left out" in note
    assert "`mtx plan --base main --head upgrade`" in note
    full = plan_markdown(_plan(spaces), limit=10**9)
    assert "_Shortened" not in full and full.count("| `svc00` |") == 4 * 301


def test_the_coarsest_comment_keeps_every_space_and_counts_its_units() -> None:
    spaces = [_space(region, conflicts=1, fields=30) for region in range(4)]

    markdown = plan_markdown(_plan(spaces), limit=2_000)

    assert all(f"<b>prod-{region}</b> → <code>cluster-{region}</code>: 12 changed" in markdown for region in range(4))
    assert "the unit lines (48) and field rows (1488) of every space left out" in markdown
    assert markdown.count("- `prod-") == 4


def test_spaces_that_changed_the_same_way_share_one_block_at_any_count() -> None:
    spaces = [{**_space(0, conflicts=0, fields=2), "space": f"prod-{n}"} for n in range(2)]

    markdown = plan_markdown(_plan(spaces))

    assert markdown.count("<details>") == 1 and "<b>2 spaces</b> with the same change" in markdown
    assert "Spaces: `prod-0`, `prod-1`" in markdown


def test_long_values_keep_their_end_so_the_new_tag_shows() -> None:
    markdown = plan_markdown(_plan([_space(0, conflicts=0, fields=0)]))

    assert "productcatalogservice:v0.10.3`" in markdown and "productcatalogservice:v0.10.2`" in markdown


def test_validation_findings_come_first_and_whole() -> None:
    def finding(n: int, severity: str) -> dict[str, Any]:
        document = {"source": f"spaces/prod-1/svc{n:02d}.yaml", "kind": "Deployment", "name": f"svc{n:02d}"}
        return {"severity": severity, "document": document, "path": "spec.replicas", "message": "expected integer"}

    findings = [finding(n, "error") for n in range(12)] + [finding(n, "warning") for n in range(12)]

    markdown = plan_markdown(_plan([_space(0, conflicts=1, fields=300)], findings), limit=2_000)

    assert "❌ **12 invalid document(s)**" in markdown
    assert all(
        f"- `spaces/prod-1/svc{n:02d}.yaml` Deployment `svc{n:02d}`: `spec.replicas`" in markdown for n in range(12)
    )
    assert markdown.count("- ⚠️ `spaces/prod-1/svc") == 12 and "more: see" not in markdown
    assert markdown.index("invalid document(s)") < markdown.index("#### ⚠️ 1 conflict(s)") < markdown.index("<details>")
