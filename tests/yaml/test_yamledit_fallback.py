"""rewrite's fallback: where a surgical edit cannot keep the text right, the round trip takes over and still
keeps every comment; the common edits never need it."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops.yaml import _io
from tests.yaml.texts import DEPLOYMENT, comments, container, edited, load


def test_reordered_keys_fall_back_to_the_round_trip_and_keep_comments() -> None:
    def change(docs: list[Any]) -> None:
        meta = docs[0]["metadata"]
        docs[0]["metadata"] = {"labels": meta.pop("labels"), **meta}

    out, _ = edited(DEPLOYMENT, change)
    assert list(load(out)[0]["metadata"]) == ["labels", "name", "namespace"]
    assert comments(out) == comments(DEPLOYMENT)


def test_the_round_trip_quotes_what_yaml_1_1_would_misread() -> None:
    def change(docs: list[Any]) -> None:
        meta = docs[0]["metadata"]
        docs[0]["metadata"] = {"labels": {**meta.pop("labels"), "on": "yes", "n": "010"}, **meta}

    out, _ = edited(DEPLOYMENT, change)
    assert comments(out) == comments(DEPLOYMENT)
    assert "'on': 'yes'" in out


def test_a_block_scalar_that_a_literal_cannot_hold_falls_back() -> None:
    text = "# config\ndata:\n  a: >\n    folded\n  b: x  # kept\n"
    out, _ = edited(text, lambda d: d[0]["data"].update(a="  indented\n"))
    assert comments(out) == comments(text)


def test_documents_with_anchors_are_rewritten_correctly() -> None:
    text = "# anchors\nbase: &b\n  cpu: 1\nlimits: *b\n"
    out, _ = edited(text, lambda d: d[0]["limits"].update(cpu=2))
    assert out.startswith("# anchors\n")


def test_common_edits_never_need_the_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_round_trip(*args: Any) -> str:
        raise AssertionError("the surgical rewrite should have done this")

    monkeypatch.setattr(_io, "_roundtrip", no_round_trip)
    changes = [
        lambda d: d[0]["spec"].update(replicas=4),
        lambda d: container(d).update(image="x:2"),
        lambda d: container(d)["env"].append({"name": "REGION", "value": "eu"}),
        lambda d: container(d)["env"].pop(1),
        lambda d: container(d)["env"][2].update(value="true"),
        lambda d: container(d)["args"].append("--verbose"),
        lambda d: d[0]["spec"]["template"]["spec"].pop("nodeSelector"),
        lambda d: d[0]["metadata"].update(annotations={"a": "b"}),
        lambda d: d.append({"kind": "Service"}),
    ]
    for change in changes:
        edited(DEPLOYMENT, change)
