"""kpt's update cases (kptdev/kpt `pkg/lib/update`: merge3 testdata, resource-merge, keep-tagged-null).

Written out here from what kpt's tests assert, and run through `mtx merge-file --on-conflict
upstream` (kpt takes upstream on conflicts), CRD cases with `--crd`. kpt's cases about Kptfiles
and subpackages have no meaning for mtx (a unit has no Kptfile) and are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run

FRUIT_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: fruitstores.test.group
spec:
  group: test.group
  names: {kind: FruitStore, plural: fruitstores}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        properties:
          spec:
            type: object
            properties:
              airConditioned: {type: boolean}
              preferredTemperature: {type: integer}
              fruits:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
                    amount: {type: integer}
"""


def _store(temperature: int, fruits: dict[str, int]) -> str:
    doc = {
        "apiVersion": "test.group/v1",
        "kind": "FruitStore",
        "metadata": {"name": "test-fruit-store"},
        "spec": {
            "airConditioned": False,
            "preferredTemperature": temperature,
            "fruits": [{"name": name, "amount": amount} for name, amount in fruits.items()],
        },
    }
    return yaml.safe_dump(doc, sort_keys=False)


def _merge(tmp_path: Path, original: str, updated: str, local: str, *options: str) -> tuple[list[Any], list[Any]]:
    files = []
    for name, text in (("original", original), ("updated", updated), ("local", local)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    result = run("-o", "json", "merge-file", *files, "--on-conflict", "upstream", *options)
    assert result.code == 0, result.err
    out = result.json
    return [doc for doc in yaml.safe_load_all(out["merged"] or "") if doc], out["conflicts"]


def _fruits(docs: list[Any]) -> tuple[int, dict[str, int]]:
    (store,) = docs
    spec = store["spec"]
    return spec["preferredTemperature"], {f["name"]: f["amount"] for f in spec["fruits"]}


ORIGINAL = (15, {"apple": 10, "grape": 5})
UPDATED = (10, {"pear": 30, "apple": 20, "grape": 5})

# (kpt's case, original, updated, local, what kpt's check expects: temperature and fruits)
FRUIT_CASES = [
    (
        "one-key-crd-empty-updated",
        ORIGINAL,
        (10, {}),
        (20, {"grape": 5, "apple": 25, "banana": 3}),
        (10, {"banana": 3}),
    ),
    ("one-key-crd-empty-dest", ORIGINAL, UPDATED, (20, {}), (10, {"apple": 20, "pear": 30})),
    (
        "one-key-crd-empty-orig",
        (15, {}),
        UPDATED,
        (20, {"grape": 5, "apple": 25, "banana": 3}),
        (10, {"apple": 20, "grape": 5, "pear": 30, "banana": 3}),
    ),
]


@pytest.mark.parametrize(
    ("case", "original", "updated", "local", "expected"), FRUIT_CASES, ids=[c[0] for c in FRUIT_CASES]
)
def test_a_crd_keyed_list_merges_as_kpt_merges_it(
    case: str, original: Any, updated: Any, local: Any, expected: Any, tmp_path: Path
) -> None:
    crd = tmp_path / "fruitstore.crd.yaml"
    crd.write_text(FRUIT_CRD, encoding="utf-8")

    docs, _ = _merge(tmp_path, _store(*original), _store(*updated), _store(*local), "--crd", str(crd))

    assert _fruits(docs) == expected, case


def _resources(*, replicas: int | None, secret: bool = True) -> str:
    docs = []
    if secret:
        docs.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "secret"}, "stringData": {"k": "v"}})
    if replicas is not None:
        docs.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "nginx-deployment"},
                "spec": {"replicas": replicas},
            }
        )
    return "".join("---\n" + yaml.safe_dump(doc) for doc in docs)


def test_a_resource_deleted_upstream_but_edited_locally_is_kept_and_reported(tmp_path: Path) -> None:
    docs, conflicts = _merge(tmp_path, _resources(replicas=3), _resources(replicas=None), _resources(replicas=5))

    assert [(d["kind"], d.get("spec")) for d in docs] == [("Secret", None), ("Deployment", {"replicas": 5})]
    assert [(c["document"], c["path"]) for c in conflicts] == [("apps/Deployment//nginx-deployment", "")]


def test_a_resource_deleted_locally_is_not_re_added(tmp_path: Path) -> None:
    docs, conflicts = _merge(tmp_path, _resources(replicas=3), _resources(replicas=3), _resources(replicas=None))

    assert [d["kind"] for d in docs] == ["Secret"]
    assert conflicts == []


def test_local_nulls_take_the_upstream_values_when_the_base_had_no_field(tmp_path: Path) -> None:
    origin = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test\ndata:\n  replicas: '1'\n"
    keys = ("nullKey", "unsetKey", "tildeKey", "emptyStringKey")
    updated = origin + "".join(f"  {key}: something\n" for key in (*keys, "missKey"))
    local = origin + "  nullKey: null\n  unsetKey:\n  tildeKey: ~\n  emptyStringKey: ''\n"

    (doc,), _ = _merge(tmp_path, origin, updated, local)

    assert doc["data"] == {"replicas": "1", **{key: "something" for key in (*keys, "missKey")}}


def test_a_local_null_deletes_a_field_only_when_the_base_did_not_hold_null(tmp_path: Path) -> None:
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test\ndata:\n"
    was_null = head + "  a: null\n  b: base\n"
    upstream = head + "  a: upstream\n  b: base\n"
    local = head + "  a: null\n  b: null\n"

    (doc,), _ = _merge(tmp_path, was_null, upstream, local)

    # `a` was already null in the base: the local null is no edit, so the upstream value arrives.
    # `b` was a value and upstream left it alone: the region's null is its edit, kept as written.
    assert doc["data"] == {"a": "upstream", "b": None}


# kyaml's kio/filters testdata, dataset1: java/java-deployment (original, remote and local updates, expected).
_JAVA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    app: java{labels}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: java
  template:
    metadata:
      labels:
        app: java
    spec:
      restartPolicy: Always
      containers:
      - name: app
        image: gcr.io/project/app:version
        command: [java, -jar, /app.jar{command}]{args}
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: app-config
        env:
        - name: JAVA_OPTS
          value: -XX:+UnlockExperimentalVMOptions -XX:+UseCGroupMemoryLimitForHeap
            -Djava.security.egd=file:/dev/./urandom
        imagePullPolicy: Always
  minReadySeconds: {ready}
"""


def _java(*, labels: str = "", replicas: int = 1, command: str = "", args: str = "", ready: int = 5) -> str:
    return _JAVA.format(labels=labels, replicas=replicas, command=command, args=args, ready=ready)


def test_kyaml_dataset1_java_deployment(tmp_path: Path) -> None:
    original = _java()
    remote = _java(labels="\n    new-remote: label", replicas=3, command=", otherstuff")
    local = _java(labels="\n    new-local: label", replicas=2, args="\n        args: [foo]", ready=20)
    expected = _java(
        labels="\n    new-local: label\n    new-remote: label",
        replicas=3,
        command=", otherstuff",
        args="\n        args: [foo]",
        ready=20,
    )

    (doc,), conflicts = _merge(tmp_path, original, remote, local)

    assert doc == yaml.safe_load(expected)
    assert [c["path"] for c in conflicts] == ["spec.replicas"]
