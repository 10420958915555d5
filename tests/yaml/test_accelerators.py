"""MTX_YAML_FAST=0 turns the accelerators off; the answers stay the same (the suite runs both ways)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mtx_gitops.yaml._emit import _CDumper, _dump_all
from mtx_gitops.yaml._fast import Accelerators
from tests.yaml.texts import DEPLOYMENT

PROBE = """
import json, sys
from mtx_gitops import yaml
from mtx_gitops.yaml._fast import ACCELERATORS
text = sys.stdin.read()
docs = yaml.load_documents(text, source="u")
near = yaml.load_documents(text.replace("replicas: 3", "replicas: 4"), source="u")
edited = yaml.rewrite(text, [{**docs[0], "spec": {**docs[0]["spec"], "replicas": 5}}])
print(json.dumps([ACCELERATORS.enabled, docs, near, yaml.dump_documents(docs), edited]))
"""


def probe(fast: str | None) -> list[object]:
    env = {key: value for key, value in os.environ.items() if key != "MTX_YAML_FAST"}
    if fast is not None:
        env["MTX_YAML_FAST"] = fast
    done = subprocess.run(
        [sys.executable, "-c", PROBE], input=DEPLOYMENT, capture_output=True, text=True, env=env, check=True
    )
    result: list[object] = json.loads(done.stdout)
    return result


def test_turned_off_they_keep_nothing() -> None:
    off = Accelerators(enabled=False)
    assert off.near_copies() is None
    assert off.dumper(_dump_all, _CDumper.yaml_implicit_resolvers) is None
    assert (off.scalar_tags, off.scalar_values, off.rendered_scalars) == (None, None, None)


def test_turned_on_they_keep_their_caches_in_one_object() -> None:
    on = Accelerators(enabled=True)
    assert on.near_copies() is on.near_copies()
    assert on.dumper(_dump_all, _CDumper.yaml_implicit_resolvers) is not None
    assert (on.scalar_tags, on.scalar_values, on.rendered_scalars) == ({}, {}, {})


@pytest.mark.parametrize("off", ["0", "off", "false"])
def test_the_switch_turns_them_off_and_the_answers_stay(off: str) -> None:
    fast, slow = probe(None), probe(off)
    assert (fast[0], slow[0]) == (True, False)
    assert fast[1:] == slow[1:]
