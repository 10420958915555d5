"""kyaml merge3 conformance through the CLI: `mtx merge-file` on the 72 vectors (SPEC §3).

`test_kyaml_merge3` checks the value merge alone; this runs the whole plumbing command, document
matching, YAML reading and writing included, as users and the audit do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mtx_gitops.core.changes import changed_paths, is_within
from mtx_gitops.core.merge3 import ABSENT
from tests.conformance.test_kyaml_merge3 import CASES, _case, _type
from tests.conftest import run


def _merge_file(vector: dict[str, Any], tmp_path: Path, *policy: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """Write the vector's three sides to files, run `mtx merge-file`; the merged documents and conflicts."""
    files = []
    for side in ("origin", "update", "local"):
        file = tmp_path / side
        file.write_text(vector.get(side) or "", encoding="utf-8")
        files.append(str(file))
    result = run("merge-file", *files, *policy, "-o", "json")
    assert result.code == 0, result.err
    out = result.json
    documents = [doc for doc in yaml.safe_load_all(out["merged"] or "") if doc is not None]
    return documents, out["conflicts"]


def _one(documents: list[Any]) -> Any:
    assert len(documents) <= 1, f"one object merged into {len(documents)} documents: {documents}"
    return documents[0] if documents else ABSENT


@pytest.mark.parametrize("path", CASES)
def test_merge_file_upstream_policy_reproduces_kyaml(path: Path, tmp_path: Path) -> None:
    vector, _, expected, _ = _case(path)

    documents, _ = _merge_file(vector, tmp_path, "--on-conflict", "upstream")

    assert _one(documents) == expected


@pytest.mark.parametrize("path", CASES)
def test_merge_file_local_policy_reports_every_departure_from_kyaml(path: Path, tmp_path: Path) -> None:
    vector, _, expected, hints = _case(path)

    documents, conflicts = _merge_file(vector, tmp_path)

    reported = [conflict["path"] for conflict in conflicts]
    departures = changed_paths(_one(documents), expected, hints=hints, node=_type(expected))
    assert [p for p in departures if not any(is_within(p, prefix) for prefix in reported)] == []
    assert all(conflict["resolution"] == "local" for conflict in conflicts)


def test_merge_file_pairs_the_documents_of_multi_document_files_by_identity(tmp_path: Path) -> None:
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {}\n"
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: {}\n"
    vector = {
        "origin": deployment.format(1) + "---\n" + service.format(80),
        "update": service.format(8080) + "---\n" + deployment.format(1),
        "local": deployment.format(5) + "---\n" + service.format(80),
    }

    documents, conflicts = _merge_file(vector, tmp_path)

    assert [(doc["kind"], doc["spec"]) for doc in documents] == [
        ("Deployment", {"replicas": 5}),
        ("Service", {"ports": [{"port": 8080}]}),
    ]
    assert conflicts == []
