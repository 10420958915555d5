"""rewrite: a tool edit inside a document changes only the lines it must (SPEC §1) — fields, list items,
flow lists, quoting and block scalars — and always reads back as the new data."""

from __future__ import annotations

from typing import Any

from tests.yaml.texts import DEPLOYMENT, comments, container, diff, edited


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


def test_a_block_scalar_changes_only_its_content_lines() -> None:
    text = "# config\nkind: ConfigMap\ndata:\n  app.conf: |\n    port = 1\n    host = a\n\n  other: x  # kept\n"
    out, _ = edited(text, lambda d: d[0]["data"].update({"app.conf": "port = 2\nhost = a\n"}))
    assert diff(text, out) == (["    port = 1"], ["    port = 2"])
    out, _ = edited(text, lambda d: d[0]["data"].update({"app.conf": "single line"}))
    assert out == "# config\nkind: ConfigMap\ndata:\n  app.conf: |-\n    single line\n\n  other: x  # kept\n"


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
