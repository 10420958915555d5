"""Loading and dumping: what Kubernetes reads the same way, and hostile input refused in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops import yaml as mtx_yaml
from mtx_gitops.errors import YamlError
from mtx_gitops.yaml import _load


def refused(text: str | bytes) -> str:
    """The one-line message load_documents refuses `text` with."""
    with pytest.raises(YamlError) as info:
        mtx_yaml.load_documents(text, source="u.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("u.yaml")
    return message


def test_a_deployment_loads_as_plain_data() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n  paused: false\n  x: null\n"
    assert mtx_yaml.load_documents(text, source="u") == [
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 3, "paused": False, "x": None}}
    ]


def test_documents_split_on_separators_and_empty_ones_are_dropped() -> None:
    text = "# header\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n"
    assert mtx_yaml.load_documents(text, source="u") == [{"a": 1}, {"b": 2}]
    assert mtx_yaml.load_documents("", source="u") == []
    assert mtx_yaml.load_documents(b"a: 1\n", source="u") == [{"a": 1}]


def test_load_one_reads_a_config_file() -> None:
    assert mtx_yaml.load_one("targets: {}\n", source="mtx.yaml") == {"targets": {}}
    assert mtx_yaml.load_one("# nothing yet\n", source="mtx.yaml") is None
    with pytest.raises(YamlError, match=r"mtx\.yaml: expected one YAML document, found 2"):
        mtx_yaml.load_one("a: 1\n---\nb: 2\n", source="mtx.yaml")


def test_timestamps_and_base_60_numbers_stay_strings_as_for_the_api_server() -> None:
    text = "date: 2024-01-02\nwhen: 2024-01-02T03:04:05Z\nports: 8080:80\ntime: 1:20\nratio: 1:20.5\neq: =\n"
    assert mtx_yaml.load_one(text, source="u") == {
        "date": "2024-01-02",
        "when": "2024-01-02T03:04:05Z",
        "ports": "8080:80",
        "time": "1:20",
        "ratio": "1:20.5",
        "eq": "=",
    }


def test_yaml_1_1_scalars_resolve_as_kubectl_reads_them() -> None:
    text = "a: yes\nb: 'yes'\nc: 0x1F\nd: 010\ne: 1.5\nf: .inf\ng: ~\nh: 1e3\n"
    assert mtx_yaml.load_one(text, source="u") == {
        "a": True,
        "b": "yes",
        "c": 31,
        "d": 8,
        "e": 1.5,
        "f": float("inf"),
        "g": None,
        "h": "1e3",
    }


def test_small_anchors_and_merge_keys_are_allowed() -> None:
    text = "base: &b {cpu: 1, memory: 2Gi}\nlimits: *b\nrequests:\n  <<: *b\n  cpu: 2\n"
    data = mtx_yaml.load_one(text, source="u")
    assert data["limits"] == {"cpu": 1, "memory": "2Gi"}
    assert data["requests"] == {"cpu": 2, "memory": "2Gi"}


def test_a_byte_order_mark_is_accepted() -> None:
    assert mtx_yaml.load_one("\ufeffa: 1\n".encode(), source="u") == {"a": 1}


# --- hostile input: each refused with YamlError and one line naming the source -----------------------


def test_duplicate_key() -> None:
    assert refused("a: 1\nb:\n  c: 1\n  c: 2\n") == "u.yaml line 4: duplicate key 'c'"


def test_billion_laughs() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    assert "aliases expand to over 100000 nodes" in refused("\n".join(lines) + "\n")


def test_quadratic_merge_key_bomb() -> None:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"]
    lines += [f"m{i}: &m{i} [{', '.join([f'*m{i - 1}'] * 10)}]" for i in range(1, 7)]
    lines += ["x:\n  <<: *m0\n  k: 1"]
    assert "aliases expand" in refused("\n".join(lines) + "\n")


def test_recursive_alias() -> None:
    assert "recursive alias" in refused("a: &a [1, *a]\n")


def test_undefined_alias() -> None:
    assert "undefined alias" in refused("a: *nowhere\n")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system ['echo pwned']\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !foo bar\n", "!foo"),
        ("a: !!timestamp 2024-01-01\n", "!!timestamp"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a: !!omap [x: 1]\n", "!!omap"),
    ],
)
def test_tags_beyond_json_types(text: str, tag: str) -> None:
    assert refused(text).startswith(f"u.yaml line 1: tag {tag} is not allowed")


def test_a_standard_tag_on_the_wrong_kind_of_node() -> None:
    assert "!!str is not allowed on a mapping" in refused("a: !!str {b: 1}\n")


def test_a_standard_tag_with_an_impossible_value() -> None:
    assert refused("a: !!int twelve\n") == "u.yaml line 1: 'twelve' is not a valid !!int"
    assert "not a valid !!bool" in refused("a: !!bool maybe\n")


def test_invalid_utf8() -> None:
    assert refused(b"a: \xff\xfe\n") == "u.yaml: not valid UTF-8 text (byte 0xff at offset 3)"


def test_binary_junk_with_nul_bytes() -> None:
    assert refused(b"\x7fELF\x02\x01\x01\x00\x00") == "u.yaml: not valid UTF-8 text (byte 0x00 at offset 7)"
    assert refused("a: b\x00c\n") == "u.yaml: not valid UTF-8 text (byte 0x00 at offset 4)"


def test_control_characters() -> None:
    assert "control characters are not allowed" in refused("a: \x07bell\n")


def test_a_document_over_the_api_server_request_limit() -> None:
    big = "data:\n" + "".join(f"  k{i}: {'x' * 100}\n" for i in range(32 * 1024))
    assert "document larger than 3 MiB" in refused(big)


def test_deep_flow_nesting_is_refused_before_it_can_crash_the_composer() -> None:
    assert "nested deeper than 100 levels" in refused("[" * 200_000)
    assert "nested deeper than 100 levels" in refused("a: " + "[" * 150 + "]" * 150 + "\n")


def test_deep_block_nesting() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(150)) + " " * 150 + "v\n"
    assert "nested deeper than 100 levels" in refused(text)


@pytest.mark.parametrize("key", ["1", "true", "null", "[a, b]", "{a: 1}", "1.5"])
def test_non_string_keys(key: str) -> None:
    assert "mapping keys must be strings" in refused(f"? {key}\n: x\n")


def test_syntax_error_names_line_and_column() -> None:
    assert refused("a: 1\nb: 'unclosed\n").startswith("u.yaml line 3 column 1: found unexpected end of stream")
    assert refused("a: [1, 2\nb: 3\n").startswith("u.yaml line 2 column")
    assert refused("a:\n\t- b\n").startswith("u.yaml line 2 column 1:")


def test_merge_key_with_a_scalar() -> None:
    assert "merge key '<<' needs a mapping" in refused("a:\n  <<: 5\n")


def test_an_integer_too_long_to_convert() -> None:
    assert "is not a valid !!int" in refused("a: !!int " + "9" * 5000 + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: &a [1, *a]\n",
        "a: !!binary aGVsbG8=\n",
        "[" * 200_000,
        "? [a]\n: b\n",
        "a: \x07\n",
        "a: [1,\n",
    ],
)
def test_the_pure_python_loader_refuses_the_same(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    python_loader = type("_Loader", (yaml.SafeLoader,), dict(_load._Loader.__dict__))
    monkeypatch.setattr(_load, "_Loader", python_loader)
    refused(text)
    assert mtx_yaml.load_one("a: 2024-01-01\nb: [1]\n", source="u") == {"a": "2024-01-01", "b": [1]}


def test_loading_does_not_import_the_round_trip_library() -> None:
    code = "import sys, mtx_gitops.yaml as y; y.load_documents('a', source='u'); print('ruamel' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "False\n"


# --- dumping --------------------------------------------------------------------------------------


def test_dump_looks_like_kubectl() -> None:
    docs = [
        {"kind": "Deployment", "spec": {"containers": [{"name": "a", "args": ["x", "z"]}]}},
        {"kind": "Service", "data": {"s": "true", "num": "5", "t": "a: b", "d": "2024-01-01", "u": "Grüße"}},
    ]
    assert mtx_yaml.dump_documents(docs) == (
        "kind: Deployment\n"
        "spec:\n"
        "  containers:\n"
        "  - name: a\n"
        "    args:\n"
        "    - x\n"
        "    - z\n"
        "---\n"
        "kind: Service\n"
        "data:\n"
        "  s: 'true'\n"
        "  num: '5'\n"
        "  t: 'a: b'\n"
        "  d: '2024-01-01'\n"
        "  u: Grüße\n"
    )


def test_dump_quotes_what_other_yaml_readers_would_misread() -> None:
    assert mtx_yaml.dump_one({"a": "y", "b": "1e3", "c": "0o17", "d": "on", "e": "1:20"}) == (
        "a: 'y'\nb: '1e3'\nc: '0o17'\nd: 'on'\ne: '1:20'\n"
    )


def test_dump_writes_no_aliases_and_multi_line_text_as_a_block() -> None:
    shared = {"cpu": 1}
    assert mtx_yaml.dump_one({"a": shared, "b": shared, "c": "line 1\nline 2\n"}) == (
        "a:\n  cpu: 1\nb:\n  cpu: 1\nc: |\n  line 1\n  line 2\n"
    )


def test_dump_never_folds_long_lines() -> None:
    long = "word " * 100
    assert mtx_yaml.dump_one({"a": long.strip()}).count("\n") == 1


def test_dump_refuses_what_yaml_cannot_hold() -> None:
    with pytest.raises(YamlError, match="cannot write"):
        mtx_yaml.dump_one({"a": object()})


def test_to_json_text() -> None:
    assert mtx_yaml.to_json_text({"b": 1, "a": "é"}) == '{\n  "b": 1,\n  "a": "é"\n}\n'


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)))
)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_data.filter(lambda d: d is not None), max_size=3))
def test_dump_then_load_is_the_identity(docs: list[object]) -> None:
    assert mtx_yaml.load_documents(mtx_yaml.dump_documents(docs), source="u") == docs
