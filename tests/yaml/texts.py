"""YAML texts the adapter tests read and edit, and the helpers that edit them and show what changed."""

from __future__ import annotations

import copy
import difflib
from typing import Any

from hypothesis import strategies as st

from mtx_gitops import yaml as mtx_yaml

DEPLOYMENT = """\
# trade-service: the TraderX order router.
# Owned by the platform team; edit through mtx.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trade-service
  namespace: traderx  # per-space namespace
  labels:
    app: trade-service
    tier: 'backend'
    team: "trading"
spec:
  replicas: 3  # regional override lives downstream

  selector:
    matchLabels:
      app: trade-service
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: trade-service
    spec:
      # keep the service account minimal
      serviceAccountName: trade-service
      containers:
      - name: trade-service
        image: ghcr.io/finos/traderx/trade-service:1.0.0  # pinned
        args: [--port, "18092"]
        env:
        - name: DATABASE_TCP_HOST
          value: database
        # the router asks the people service for approvals
        - name: PEOPLE_SERVICE_HOST
          value: 'people-service'
        - name: CIRCUIT_BREAKER
          value: "false"
        resources:
          limits:
            cpu: "1"
            memory: 512Mi
      - name: log-shipper
        image: fluent/fluent-bit:3.0
      nodeSelector:
        kubernetes.io/os: linux
"""

SERVICE = """\
# the service in front of it
apiVersion: v1
kind: Service
metadata:
  name: trade-service  # same name as the Deployment
spec:
  ports:
  - port: 80
    targetPort: http
"""

TRICKY = (
    "# head\n"
    "a: plain value  # c\n"
    "b: 'single'\n"
    'c: "double"\n'
    "d:\n"
    "- item\n"
    "- 'quoted item'  #c\n"
    "- k: v\n"
    "  n: 1\n"
    "e: multi\n"
    "  line plain\n"
    "f: [x, 'y']\n"
    "g: |\n"
    "  block\n"
    "h: tail\n"
    " \t\n"
    "i: 2\n"
    "---\n"
    "just a scalar document\n"
)

VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
    | st.sampled_from(
        [
            "a: b",
            "x #y",
            "- z",
            "'q'",
            '"d"',
            "",
            " ",
            "null",
            "---",
            "...",
            "[a]",
            "&a",
            "*a",
            "!t",
            "a:",
            "%x",
            "yes",
            "0x1F",
            "1:20",
            "\t",
            "a\tb",
            "é",
        ]
    )
)


def load(text: str) -> list[Any]:
    return mtx_yaml.load_documents(text, source="u")


def edited(text: str, change: Any) -> tuple[str, list[Any]]:
    """rewrite(text) after `change` mutated a copy of its documents; checks it reads back right."""
    docs = copy.deepcopy(load(text))
    change(docs)
    out = mtx_yaml.rewrite(text, docs)
    assert load(out) == docs
    return out, docs


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """The removed and the added lines."""
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in lines if line[0] == "-"], [line[2:] for line in lines if line[0] == "+"]


def container(docs: list[Any], i: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = docs[0]["spec"]["template"]["spec"]["containers"][i]
    return result


def comments(text: str) -> list[str]:
    """The comments of a text whose values hold no '#'."""
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]
