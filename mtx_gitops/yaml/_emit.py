"""YAML writing the way kubectl writes it: block style, key order kept, quotes only where needed.

Also renders the fragments the surgical rewrite splices into existing text: one scalar in a given
quoting style, or a block subtree at a given indentation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._fast import ACCELERATORS

_WIDTH = 1 << 30  # never fold long lines: folded strings make noisy diffs
_STR = "tag:yaml.org,2002:str"
_ODD_BREAK = re.compile("[\r\x85\u2028\u2029]")
# What a literal block may hold as is: printable text, tabs and line feeds.
_ASCII_NOT_LITERAL = re.compile("[^\t\n\x20-\x7e]")

# Strings other YAML readers (YAML 1.2, go-yaml) take for booleans or numbers are quoted too.
_DIGITS = "-+0123456789"
_AMBIGUOUS = (
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), "yYnN"),
    ("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), _DIGITS),
    ("tag:yaml.org,2002:int", re.compile(r"^[-+]?0o[0-7_]+$"), "-+0"),
)


def _represent_str(dumper: Any, data: str) -> Any:
    # Multi-line text (config files in ConfigMaps) reads best as a literal block; the rarer line
    # breaks (CR, NEL, LS, PS) are escaped in double quotes so that no raw one reaches the text.
    style = '"' if _ODD_BREAK.search(data) else "|" if "\n" in data else None
    return dumper.represent_scalar(_STR, str.__str__(data), style=style)


def _represent_list(dumper: Any, data: Sequence[Any]) -> Any:
    return dumper.represent_list(list(data))


def _represent_mapping(dumper: Any, data: Mapping[str, Any]) -> Any:
    return dumper.represent_dict(dict(data))


def _dumper(base: Any, *, indented_sequences: bool) -> Any:
    """A dumper class over `base` with our representers, quoting rules and no aliases."""
    attrs: dict[str, Any] = {"ignore_aliases": lambda self, data: True}
    if indented_sequences:
        attrs["increase_indent"] = lambda self, flow=False, indentless=False: base.increase_indent(self, flow, False)
    cls: Any = type("_Dumper", (base,), attrs)
    cls.add_representer(str, _represent_str)
    cls.add_representer(tuple, _represent_list)
    # Subclasses (OrderedDict, str enums, ruamel's commented types) are written as their base type.
    cls.add_multi_representer(str, _represent_str)
    cls.add_multi_representer(dict, _represent_mapping)
    cls.add_multi_representer(list, _represent_list)
    for tag, regexp, first in _AMBIGUOUS:
        cls.add_implicit_resolver(tag, regexp, list(first))
    return cls


_REPRESENTER = yaml.representer.SafeRepresenter()
_CDumper = _dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper), indented_sequences=False)
# Indented sequences (`key:\n  - a`) need the pure-Python emitter's indentation hook.
_IndentedDumper = _dumper(yaml.SafeDumper, indented_sequences=True)


def dump_all(docs: Sequence[Any], *, indent: int = 2, indented_sequences: bool = False) -> str:
    """Block-style YAML for `docs`, `---` between documents."""
    docs = list(docs)
    if indent == 2 and not indented_sequences:
        fast = ACCELERATORS.dumper(_dump_all, _CDumper.yaml_implicit_resolvers)
        text = fast.dump_all(docs) if fast is not None else None
        if text is not None:
            return text
    return _dump_all(docs, indent=indent, indented_sequences=indented_sequences)


def _dump_all(docs: Sequence[Any], *, indent: int = 2, indented_sequences: bool = False) -> str:
    """`dump_all` by PyYAML itself."""
    try:
        return yaml.dump_all(
            list(docs),
            Dumper=_IndentedDumper if indented_sequences else _CDumper,
            default_flow_style=False,
            sort_keys=False,
            allow_unicode=True,
            width=_WIDTH,
            indent=indent,
        )
    except (yaml.YAMLError, TypeError) as exc:
        raise _cannot_write(exc) from None


def _cannot_write(exc: Exception) -> YamlError:
    return YamlError(f"cannot write as YAML: {' '.join(str(exc).split())}")


def render_block(data: Any, *, indent: int, step: int, seq_offset: int, newline: str) -> str:
    """`data` as block YAML lines shifted right by `indent` columns, each line ending in `newline`."""
    text = dump_all([data], indent=step, indented_sequences=seq_offset > 0)
    pad = " " * indent
    lines = text.split("\n")[:-1]
    return "".join((pad + line if line else line) + newline for line in lines)


def render_flow(data: Any) -> str:
    """A collection in flow style on one line, e.g. `[a, b]`."""
    try:
        text: str = yaml.dump(
            data, Dumper=_CDumper, default_flow_style=True, sort_keys=False, allow_unicode=True, width=_WIDTH
        )
    except (yaml.YAMLError, TypeError) as exc:
        raise _cannot_write(exc) from None
    return text.strip()


def render_scalar(value: Any, *, style: str | None, flow: bool) -> str | None:
    """One line of YAML for a scalar (or empty collection), in `style` where that reads back the same.

    None when the value cannot be written on one line here (a non-empty collection).
    """
    if isinstance(value, Mapping | list | tuple):
        if value:
            return None
        return "{}" if isinstance(value, Mapping) else "[]"
    if isinstance(value, str):
        # A line break would need a block scalar; the double-quoted form escapes it instead.
        quote = '"' if "\n" in value or _ODD_BREAK.search(value) else style if style in ("'", '"') else None
        node: yaml.Node = yaml.ScalarNode(_STR, str.__str__(value), style=quote)
    else:
        try:
            node = _REPRESENTER.represent_data(value)
        except yaml.YAMLError as exc:
            raise _cannot_write(exc) from None
    if flow:
        node = yaml.SequenceNode("tag:yaml.org,2002:seq", [node], flow_style=True)
    try:
        text: str = yaml.serialize(node, Dumper=_CDumper, allow_unicode=True, width=_WIDTH)
    except (yaml.YAMLError, TypeError) as exc:
        raise _cannot_write(exc) from None
    text = text.removesuffix("\n").removesuffix("\n...").removesuffix("\n")
    if flow:
        text = text[1:-1]
    return None if "\n" in text else text


@functools.cache
def _not_literal() -> re.Pattern[str]:
    # Compiling this class takes ~9 ms, so only text with non-ASCII characters pays for it.
    return re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def render_literal(value: str, *, indent: int, newline: str) -> str | None:
    """`value` as a literal block scalar (`|` header, content at `indent`), without a final newline.

    None when a literal block cannot hold it as is: unprintable characters, leading spaces (which
    would need an indentation indicator) or trailing empty lines.
    """
    first = value.lstrip("\n")[:1]
    if not first or first in " \t" or value.endswith("\n\n"):
        return None
    if (_ASCII_NOT_LITERAL if value.isascii() else _not_literal()).search(value) or _ODD_BREAK.search(value):
        return None
    lines = value.removesuffix("\n").split("\n")
    header = "|" if value.endswith("\n") else "|-"
    return header + "".join(newline + (" " * indent + line if line else "") for line in lines)
