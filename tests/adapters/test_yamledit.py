"""rewrite: a tool edit changes only the lines it must (SPEC §1), and always reads back as the new data."""

from __future__ import annotations

import copy
import difflib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops.adapters import yamlio

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


def load(text: str) -> list[Any]:
    return yamlio.load_documents(text, source="u")


def edited(text: str, change: Any) -> tuple[str, list[Any]]:
    """rewrite(text) after `change` mutated a copy of its documents; checks it reads back right."""
    docs = copy.deepcopy(load(text))
    change(docs)
    out = yamlio.rewrite(text, docs)
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


def assert_comments_kept(out: str, original: str) -> None:
    """Every comment of `original` is still in `out`, in the same order."""
    at = 0
    for comment in comments(original):
        at = out.index(comment, at) + len(comment)


def test_patching_replicas_changes_exactly_one_line() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: d[0]["spec"].update(replicas=4))
    assert diff(DEPLOYMENT, out) == (
        ["  replicas: 3  # regional override lives downstream"],
        ["  replicas: 4  # regional override lives downstream"],
    )


def test_changing_an_image_changes_one_line_and_keeps_its_comment() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d).update(image="ghcr.io/finos/traderx/trade-service:1.1.0"))
    assert diff(DEPLOYMENT, out) == (
        ["        image: ghcr.io/finos/traderx/trade-service:1.0.0  # pinned"],
        ["        image: ghcr.io/finos/traderx/trade-service:1.1.0  # pinned"],
    )


def test_adding_an_env_var_only_adds_lines() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["env"].append({"name": "REGION", "value": "eu"}))
    assert diff(DEPLOYMENT, out) == ([], ["        - name: REGION", "          value: eu"])


def test_an_env_var_inserted_in_the_middle_lands_after_its_predecessor() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["env"].insert(1, {"name": "X", "value": "1"}))
    assert diff(DEPLOYMENT, out) == ([], ["        - name: X", "          value: '1'"])
    assert out.index("value: database") < out.index("name: X") < out.index("# the router asks")


def test_adding_a_field_only_adds_lines_where_the_new_order_puts_it() -> None:
    def change(docs: list[Any]) -> None:
        spec = docs[0]["spec"]
        docs[0]["spec"] = {"replicas": spec.pop("replicas"), "paused": False, **spec}

    out, _ = edited(DEPLOYMENT, change)
    assert diff(DEPLOYMENT, out) == ([], ["  paused: false"])
    assert out.index("replicas: 3") < out.index("paused: false") < out.index("selector:")


def test_adding_a_nested_mapping() -> None:
    requests = {"cpu": "100m", "memory": "256Mi"}
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["resources"].update(requests=requests))
    assert diff(DEPLOYMENT, out) == ([], ["          requests:", "            cpu: 100m", "            memory: 256Mi"])


def test_deleting_a_field_only_removes_lines() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: d[0]["spec"]["strategy"].pop("rollingUpdate"))
    assert diff(DEPLOYMENT, out) == (
        ["    rollingUpdate:", "      maxSurge: 1", "      maxUnavailable: 0"],
        [],
    )


def test_deleting_an_env_var_only_removes_its_lines() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["env"].pop(2))
    assert diff(DEPLOYMENT, out) == (["        - name: CIRCUIT_BREAKER", '          value: "false"'], [])


def test_deleting_the_first_key_of_a_list_item_moves_the_next_behind_the_dash() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d, 1).pop("name"))
    assert "      - image: fluent/fluent-bit:3.0\n" in out


def test_changing_a_flow_list_keeps_comments_elsewhere() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d).update(args=["--port", "18093", "--verbose"]))
    removed, added = diff(DEPLOYMENT, out)
    assert removed == ['        args: [--port, "18092"]']
    assert len(added) == 1
    assert comments(out) == comments(DEPLOYMENT)


def test_appending_to_a_flow_list_keeps_its_items_as_written() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["args"].append("--verbose"))
    assert diff(DEPLOYMENT, out) == (
        ['        args: [--port, "18092"]'],
        ['        args: [--port, "18092", --verbose]'],
    )


def test_strings_that_would_read_as_something_else_are_quoted() -> None:
    def change(docs: list[Any]) -> None:
        labels = docs[0]["metadata"]["labels"]
        labels.update(app="true", tier="5", team="a: b")

    out, _ = edited(DEPLOYMENT, change)
    assert diff(DEPLOYMENT, out)[1] == ["    app: 'true'", "    tier: '5'", '    team: "a: b"']


def test_quoting_style_is_kept_and_dropped_only_where_it_must() -> None:
    def change(docs: list[Any]) -> None:
        docs[0]["metadata"]["labels"].update(tier="frontend", team='it\'s "ours"')
        docs[0]["metadata"]["namespace"] = "tr#ders x"

    out, _ = edited(DEPLOYMENT, change)
    assert diff(DEPLOYMENT, out)[1] == [
        "  namespace: tr#ders x  # per-space namespace",
        "    tier: 'frontend'",
        '    team: "it\'s \\"ours\\""',
    ]


def test_a_number_replacing_a_string_and_back() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["resources"]["limits"].update(cpu=2, memory=True))
    assert diff(DEPLOYMENT, out)[1] == ["            cpu: 2", "            memory: true"]


def test_a_null_field_becomes_a_mapping_and_a_mapping_becomes_empty() -> None:
    text = "metadata:\n  name: a\n  annotations:  # none yet\n  labels:\n    app: a\n"
    out, _ = edited(text, lambda d: d[0]["metadata"].update(annotations={"x": "1"}, labels={}))
    assert out == "metadata:\n  name: a\n  annotations:  # none yet\n    x: '1'\n  labels: {}\n"


def test_an_empty_flow_mapping_grows_into_a_block() -> None:
    text = "spec:\n  resources: {}\n  x: 1\n"
    out, _ = edited(text, lambda d: d[0]["spec"]["resources"].update(limits={"cpu": 1}))
    assert out == "spec:\n  resources:\n    limits:\n      cpu: 1\n  x: 1\n"


def test_editing_the_second_document_leaves_the_first_byte_identical() -> None:
    text = DEPLOYMENT + "---\n" + SERVICE
    out, _ = edited(text, lambda d: d[1]["spec"]["ports"][0].update(port=8080))
    assert out.startswith(DEPLOYMENT + "---\n")
    assert diff(text, out) == (["  - port: 80"], ["  - port: 8080"])


def test_a_document_appended_at_the_end() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: d.append({"kind": "ConfigMap", "data": {"a": "b"}}))
    assert out == DEPLOYMENT + "---\nkind: ConfigMap\ndata:\n  a: b\n"


def test_a_removed_document_takes_its_lines_and_leaves_the_others_byte_identical() -> None:
    config = "---\n# the config\nkind: ConfigMap\nmetadata:\n  name: c\n"
    text = DEPLOYMENT + "---\n" + SERVICE + config
    out, _ = edited(text, lambda d: d.pop(1))
    assert out == DEPLOYMENT + config
    out, _ = edited(text, lambda d: d.pop(0))
    assert out == "---\n" + SERVICE + config


def test_a_document_inserted_first_goes_below_the_header_comment() -> None:
    out, _ = edited(SERVICE, lambda d: d.insert(0, {"kind": "Namespace", "metadata": {"name": "traderx"}}))
    assert (
        out
        == "# the service in front of it\nkind: Namespace\nmetadata:\n  name: traderx\n---\n"
        + (SERVICE.split("\n", 1)[1])
    )


def test_a_document_inserted_between_two() -> None:
    text = DEPLOYMENT + "---\n" + SERVICE
    out, _ = edited(text, lambda d: d.insert(1, {"kind": "ConfigMap"}))
    assert out == DEPLOYMENT + "---\nkind: ConfigMap\n---\n" + SERVICE


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


def test_a_block_scalar_changes_only_its_content_lines() -> None:
    text = "# config\nkind: ConfigMap\ndata:\n  app.conf: |\n    port = 1\n    host = a\n\n  other: x  # kept\n"
    out, _ = edited(text, lambda d: d[0]["data"].update({"app.conf": "port = 2\nhost = a\n"}))
    assert diff(text, out) == (["    port = 1"], ["    port = 2"])
    out, _ = edited(text, lambda d: d[0]["data"].update({"app.conf": "single line"}))
    assert out == "# config\nkind: ConfigMap\ndata:\n  app.conf: |-\n    single line\n\n  other: x  # kept\n"


def test_a_block_scalar_that_a_literal_cannot_hold_falls_back() -> None:
    text = "# config\ndata:\n  a: >\n    folded\n  b: x  # kept\n"
    out, _ = edited(text, lambda d: d[0]["data"].update(a="  indented\n"))
    assert comments(out) == comments(text)


def test_documents_with_anchors_are_rewritten_correctly() -> None:
    text = "# anchors\nbase: &b\n  cpu: 1\nlimits: *b\n"
    out, _ = edited(text, lambda d: d[0]["limits"].update(cpu=2))
    assert out.startswith("# anchors\n")


def test_a_list_item_becomes_a_scalar_and_keeps_its_dash() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["env"].__setitem__(0, "oops"))
    assert diff(DEPLOYMENT, out) == (
        ["        - name: DATABASE_TCP_HOST", "          value: database"],
        ["        - oops"],
    )


def test_a_flow_scalar_becomes_a_collection() -> None:
    out, _ = edited(DEPLOYMENT, lambda d: container(d)["args"].__setitem__(1, ["a", {"b": 1}]))
    assert "        args: [--port, [a, {b: 1}]]\n" in out


def test_an_empty_value_gets_one() -> None:
    text = "a:\nb:  # later\nc: 1\n"
    out, _ = edited(text, lambda d: d[0].update(a="x", b=5))
    assert out == "a: x\nb: 5  # later\nc: 1\n"


def test_indented_sequences_keep_their_style_for_new_items() -> None:
    text = "spec:\n  env:\n    - name: A\n      value: a\n"
    out, _ = edited(text, lambda d: d[0]["spec"].update(args=["x"]))
    assert out == text + "  args:\n    - x\n"


def test_windows_line_endings_and_byte_order_mark_survive() -> None:
    text = "\ufeff# c\r\na: 1\r\nb:\r\n  c: 2\r\n"
    out = yamlio.rewrite(text, [{"a": 2, "b": {"c": 2, "d": 3}}])
    assert out == "\ufeff# c\r\na: 2\r\nb:\r\n  c: 2\r\n  d: 3\r\n"


def test_common_edits_never_need_the_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_round_trip(*args: Any) -> str:
        raise AssertionError("the surgical rewrite should have done this")

    monkeypatch.setattr(yamlio, "_roundtrip", no_round_trip)
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


def test_nothing_changed_returns_the_text_as_is() -> None:
    assert yamlio.rewrite(DEPLOYMENT, load(DEPLOYMENT)) is DEPLOYMENT


def test_unreadable_old_text_is_replaced_by_a_fresh_dump() -> None:
    assert yamlio.rewrite("a: [unclosed\n", [{"a": 1}]) == "a: 1\n"
    assert yamlio.rewrite("", [{"a": 1}]) == "a: 1\n"


def test_a_comment_only_file_gets_its_document_below_the_comment() -> None:
    assert yamlio.rewrite("# header\n", [{"a": 1}]) == "# header\n---\na: 1\n"


_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
    | st.sampled_from(["true", "5", "a: b", "#x", "- y", "'q'", '"d"', "", " ", "null", "2024-01-01", "{x}"])
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _leaves(value, (*path, i))]
    return [path]


_LEAVES = _leaves(load(DEPLOYMENT)[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LEAVES), _scalar), min_size=1, max_size=6))
def test_random_scalar_replacements_read_back_and_keep_every_comment(changes: list[Any]) -> None:
    docs = copy.deepcopy(load(DEPLOYMENT))
    for path, value in changes:
        target = docs[0]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    out = yamlio.rewrite(DEPLOYMENT, docs)
    assert load(out) == docs
    assert_comments_kept(out, DEPLOYMENT)
    removed, added = diff(DEPLOYMENT, out)
    assert len(removed) == len(added) <= len(changes)


_keys = st.sampled_from(["a", "b", "new", "name", "value", "x-y", "true"])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_added_and_removed_keys_read_back(data: st.DataObject) -> None:
    docs = copy.deepcopy(load(DEPLOYMENT))
    mappings = [docs[0], docs[0]["metadata"], docs[0]["spec"]["strategy"], container(docs), container(docs, 1)]
    for target in data.draw(st.lists(st.sampled_from(mappings), min_size=1, max_size=4)):
        if target and data.draw(st.booleans()):
            target.pop(data.draw(st.sampled_from(sorted(target))))
        else:
            target[data.draw(_keys)] = data.draw(_scalar | st.dictionaries(_keys, _scalar, max_size=2))
    out = yamlio.rewrite(DEPLOYMENT, docs)
    assert load(out) == docs
