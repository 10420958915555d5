"""rewrite over whole texts: documents appended, removed or inserted leave the others byte-identical, and
headers, line endings, unchanged and unreadable texts come out right."""

from __future__ import annotations

from mtx_gitops import yaml as mtx_yaml
from tests.yaml.texts import DEPLOYMENT, SERVICE, diff, edited, load


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


def test_windows_line_endings_and_byte_order_mark_survive() -> None:
    text = "\ufeff# c\r\na: 1\r\nb:\r\n  c: 2\r\n"
    out = mtx_yaml.rewrite(text, [{"a": 2, "b": {"c": 2, "d": 3}}])
    assert out == "\ufeff# c\r\na: 2\r\nb:\r\n  c: 2\r\n  d: 3\r\n"


def test_nothing_changed_returns_the_text_as_is() -> None:
    assert mtx_yaml.rewrite(DEPLOYMENT, load(DEPLOYMENT)) is DEPLOYMENT


def test_unreadable_old_text_is_replaced_by_a_fresh_dump() -> None:
    assert mtx_yaml.rewrite("a: [unclosed\n", [{"a": 1}]) == "a: 1\n"
    assert mtx_yaml.rewrite("", [{"a": 1}]) == "a: 1\n"


def test_a_comment_only_file_gets_its_document_below_the_comment() -> None:
    assert mtx_yaml.rewrite("# header\n", [{"a": 1}]) == "# header\n---\na: 1\n"
