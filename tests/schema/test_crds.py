"""CRDs found in a repo (units of any space, base/, schemas/) or in --crd files, as plain data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mtx_gitops.errors import UserError
from mtx_gitops.schema.crds import crd_types, crds_at, crds_in_files
from mtx_gitops.store import Repo
from tests.conftest import Mtx

DATA = Path(__file__).parent / "data"
WIDGETS = DATA / "widgets-crd.yaml"
GADGETS = DATA / "gadgets-crd.json"


def _commit(m: Mtx, message: str) -> None:
    m.git("add", "-A")
    m.git("commit", "-q", "-m", message)


def test_served_versions_of_a_crd_file_are_kinds_with_their_schema_and_scope() -> None:
    crds = crds_in_files([WIDGETS, GADGETS])
    assert sorted(crds) == [
        ("shop.example.com", "v1", "Widget"),
        ("shop.example.com", "v1beta1", "Widget"),
        ("shop.example.com", "v2", "Gadget"),
    ]  # v1alpha1 is not served
    widget = crds[("shop.example.com", "v1", "Widget")]
    assert widget.scope == "Namespaced" and widget.api_version == "shop.example.com/v1"
    assert widget.schema["properties"]["spec"]["required"] == ["size"]
    assert widget.source == str(WIDGETS)
    assert crds[("shop.example.com", "v2", "Gadget")].scope == "Cluster"


def test_a_crd_file_that_defines_nothing_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "nothing.yaml"
    empty.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    with pytest.raises(UserError, match=r"nothing\.yaml: no apiextensions\.k8s\.io/v1 CustomResourceDefinition"):
        crds_in_files([empty])
    with pytest.raises(UserError, match="cannot read CRD file"):
        crds_in_files([tmp_path / "missing.yaml"])
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(UserError, match=r"broken\.json: not valid JSON"):
        crds_in_files([broken])


def test_documents_that_are_not_v1_crds_define_nothing() -> None:
    old = {"apiVersion": "apiextensions.k8s.io/v1beta1", "kind": "CustomResourceDefinition", "spec": {}}
    assert crd_types([old, {"kind": "Deployment"}, None, "text"], source="x") == []


def test_a_repo_defines_the_crds_of_its_units_base_and_schemas_dir(mtx: Mtx) -> None:
    mtx("space", "create", "platform")
    mtx("unit", "create", "widgets-crd", str(WIDGETS), "--space", "platform")
    (mtx.root / "schemas").mkdir()
    shutil.copy(GADGETS, mtx.root / "schemas" / "gadgets.json")
    _commit(mtx, "schemas")
    repo = Repo(mtx.root)
    crds = crds_at(repo.snapshot())
    assert crds[("shop.example.com", "v1", "Widget")].source == "spaces/platform/widgets-crd.yaml"
    assert crds[("shop.example.com", "v2", "Gadget")].source == "schemas/gadgets.json"
    # a second read comes from the parse cache, by blob id
    assert crds_at(Repo(mtx.root).snapshot()) == crds


def test_schemas_dir_wins_over_base_and_spaces(mtx: Mtx) -> None:
    mtx("space", "create", "platform")
    mtx("unit", "create", "widgets-crd", str(WIDGETS), "--space", "platform")
    (mtx.root / "schemas").mkdir()
    text = WIDGETS.read_text().replace("maximum: 10", "maximum: 99")
    (mtx.root / "schemas" / "widgets.yml").write_text(text)
    (mtx.root / "base" / "widgets.yaml").write_text(WIDGETS.read_text().replace("maximum: 10", "maximum: 50"))
    _commit(mtx, "three copies")
    widget = crds_at(Repo(mtx.root).snapshot())[("shop.example.com", "v1", "Widget")]
    assert widget.source == "schemas/widgets.yml"
    assert widget.schema["properties"]["spec"]["properties"]["size"]["maximum"] == 99
    subprocess.run(["git", "rm", "-q", "-r", "schemas"], cwd=mtx.root, check=True)
    _commit(mtx, "drop schemas")
    assert crds_at(Repo(mtx.root).snapshot())[("shop.example.com", "v1", "Widget")].source == "base/widgets.yaml"


def test_a_write_sees_the_crds_of_the_tree_it_makes(mtx: Mtx) -> None:
    mtx("space", "create", "platform")
    mtx("unit", "create", "widgets-crd", str(WIDGETS), "--space", "platform")
    snapshot = Repo(mtx.root).snapshot()
    gone = crds_at(snapshot, changes={"spaces/platform/widgets-crd.yaml": None})
    assert gone == {}
    added = crds_at(snapshot, changes={"spaces/platform/gadgets.yaml": GADGETS.read_bytes()})
    assert ("shop.example.com", "v2", "Gadget") in added and ("shop.example.com", "v1", "Widget") in added
    ignored = crds_at(snapshot, changes={"spaces/platform/.mtx/notes.json": GADGETS.read_bytes()})
    assert ("shop.example.com", "v2", "Gadget") not in ignored


def test_an_empty_repo_defines_no_crds(mtx: Mtx) -> None:
    assert crds_at(Repo(mtx.root).snapshot()) == {}
