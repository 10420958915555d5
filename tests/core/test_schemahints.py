"""Schema hints read from YAML comments, as kyaml reads them."""

from __future__ import annotations

from mtx_gitops.core.kube_types import Node
from mtx_gitops.core.schemahints import schema_hints
from mtx_gitops.schema.types import official
from mtx_gitops.yaml import commented_fields

CONTAINER_LIST = (
    '{"items":{"$ref": "#/definitions/io.k8s.api.core.v1.Container"},"type":"array",'
    '"x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy": "merge"}'
)


def test_a_line_comment_on_a_list_gives_its_keys_and_its_elements_hints() -> None:
    text = f"""\
spec:
  template:
    spec:
      containers: # {CONTAINER_LIST}
      - name: foo # not a schema
        image: foo:bar
"""
    hints = schema_hints(commented_fields(text), types=official())

    assert hints["spec.template.spec.containers"] == ("name",)
    element = hints["spec.template.spec.containers[*]"]
    assert isinstance(element, Node) and element.definition == "io.k8s.api.core.v1.Container"
    assert element.child("ports").list_keys() == ("containerPort", "protocol")
    assert element.child("env").list_keys() == ("name",)
    # Without the official types a `$ref` names nothing; the comment's own keys still count.
    assert schema_hints(commented_fields(text)) == {"spec.template.spec.containers": ("name",)}


def test_a_head_comment_applies_to_the_next_field() -> None:
    text = """\
kind: Deployment
# {"$ref":"#/definitions/io.k8s.api.core.v1.PodSpec"}
spec:
  containers:
  - name: foo
"""
    hints = schema_hints(commented_fields(text), types=official())

    pod_spec = hints["spec"]
    assert isinstance(pod_spec, Node) and pod_spec.definition == "io.k8s.api.core.v1.PodSpec"
    assert pod_spec.child("containers").list_keys() == ("name",)
    assert pod_spec.child("volumes").list_keys() == ("name",)
    assert pod_spec.child("tolerations").list_keys() is None
    assert "containers" not in hints


def test_fields_inside_list_elements_get_element_wildcards() -> None:
    text = """\
items:
- name: a
  widgets: # {"type": "array", "x-kubernetes-list-map-keys": ["id", "zone"]}
  - id: 1
- name: b
  gadgets: # {"type": "array", "x-kubernetes-list-type": "atomic"}
  - x
"""
    assert schema_hints(commented_fields(text)) == {"items[*].widgets": ("id", "zone"), "items[*].gadgets": ()}


def test_quoted_keys_block_scalars_and_documents() -> None:
    text = """\
metadata:
  annotations:
    "mtx.dev/notes": |
      fake: # {"x-kubernetes-patch-merge-key": "nope"}
---
data:
  "a.b": # {"x-kubernetes-patch-merge-key": "k"}
  - k: 1
"""
    assert schema_hints(commented_fields(text)) == {'data["a.b"]': ("k",)}


def test_comments_that_are_not_schemas_give_nothing() -> None:
    text = """\
spec:
  replicas: 3 # {"$openapi":"replicas"}
  image: "x # {broken"
  # {not json}
  args: [a]
"""
    assert schema_hints(commented_fields(text)) == {}


def test_later_texts_win() -> None:
    first = 'list: # {"x-kubernetes-patch-merge-key": "a"}\n'
    second = 'list: # {"x-kubernetes-patch-merge-key": "b"}\n'

    assert schema_hints(commented_fields(first), commented_fields(second)) == {"list": ("b",)}
