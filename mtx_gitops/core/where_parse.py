"""Parse WHERE text into the syntax tree of `where_ast`, type-checking what can be checked early.

A hand-written tokenizer and recursive-descent parser rather than a parser generator: it adds no
dependency, every token records its offset so each error names the exact 1-based column, and a
typical expression parses in microseconds. Field paths inside the expression are read by
`path_syntax.read_path`, the same reader the rest of mtx uses.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from mtx_gitops.core import where_ast as ast
from mtx_gitops.core.path_syntax import Step, read_path
from mtx_gitops.errors import WhereError

_ACCESSOR = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Operator spellings and what they mean: `<>` is `!=`, `==` is `=`; cub's (PostgreSQL's) `~~` is LIKE,
# `~*` a regex ignoring case. cub's `!~~ !~ !~*` hold for each value that does not match (as cub reads
# them, value by value: a unit with one container image that fails the pattern matches), while mtx's
# `NOT x LIKE p` holds when no value matches.
_OPERATORS = {op: op for op in ("<=", ">=", "!=", "=", "<", ">", "~", "~*", "!~", "!~*", "!~~")}
_OPERATORS |= {"<>": "!=", "==": "=", "~~": "LIKE"}
_SINGLE = {"slug": ast.SLUG, "upgradeneeded": ast.UPGRADE_NEEDED, "kind": ast.KIND}
_SINGLE |= {"headrevisionnum": ast.HEAD_REVISION_NUM, "data": ast.DATA, "createdat": ast.CREATED_AT}
_WITH_SLUG = {"space": ast.SPACE_SLUG, "upstreamunit": ast.UPSTREAM_UNIT, "upstreamspace": ast.UPSTREAM_SPACE}
_WITH_SLUG |= {"changeset": ast.CHANGESET}
# Parentheses plus NOTs deeper than this are refused, which keeps every recursion over the tree shallow.
MAX_DEPTH = 64


@dataclass(frozen=True)
class _Token:
    """A token: kind is ( ) , op string number word keyword end; value is its meaning."""

    kind: str
    pos: int
    text: str = ""
    value: Any = None
    accessor: str = ""


@functools.lru_cache(maxsize=256)
def parse_where(text: str, *, data: bool = False) -> ast.Expr:
    """Parse a WHERE expression; raise WhereError naming the 1-based column of any syntax error.

    With `data` (cub's `--where-data`) every attribute is a path into the unit's documents.
    """
    return _Parser(text, data=data).parse()


class _Parser:
    """Recursive descent over the token list: or_ > and_ > not_ > primary > predicate."""

    def __init__(self, text: str, *, data: bool = False) -> None:
        self.text = text
        self.data = data
        self.tokens = self._tokenize()
        self.index = 0
        self.depth = 0

    def fail(self, message: str, pos: int, hint: str = "") -> NoReturn:
        raise WhereError(f"invalid WHERE: {message} at column {pos + 1}: {self.text}{hint}")

    def _tokenize(self) -> list[_Token]:
        text, pos, end_of_last, tokens = self.text, 0, 0, []
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                tokens.append(_Token("end", end_of_last))
                return tokens
            token = self._token_at(pos)
            tokens.append(token)
            pos = end_of_last = token.pos + len(token.text)

    def _token_at(self, pos: int) -> _Token:
        text, char = self.text, self.text[pos]
        if char in "(),":
            return _Token(char, pos, char)
        if char == "'":
            return self._string(pos)
        for op in (text[pos : pos + 3], text[pos : pos + 2], char):
            if op in _OPERATORS:
                return _Token("op", pos, op, _OPERATORS[op])
        number = _NUMBER.match(text, pos)
        if number:
            return self._number(pos, number.group())
        if char == "[" or char == "_" or (char.isascii() and char.isalpha()):
            steps, end = read_path(text, pos, lambda what, at: self.fail(f"expected {what}", at))
            word = text[pos:end]
            if word.isalpha() and word.lower() in ast.KEYWORDS:
                return _Token("keyword", pos, word, word.upper())
            if text.startswith("#", end):
                accessor = _ACCESSOR.match(text, end + 1)
                name = accessor.group() if accessor else ""
                if name not in ast.ACCESSORS:
                    self.fail(f"expected an accessor ({', '.join(ast.ACCESSORS)}) after '#'", end + 1)
                return _Token("word", pos, text[pos : end + 1 + len(name)], steps, name)
            return _Token("word", pos, word, steps)
        if char == '"':
            self.fail("unexpected '\"' (strings take single quotes)", pos)
        self.fail(f"unexpected character {char!r}", pos)

    def _string(self, pos: int) -> _Token:
        chunks, at = [], pos + 1
        while True:
            end = self.text.find("'", at)
            if end < 0:
                self.fail("unterminated string starting", pos)
            chunks.append(self.text[at:end])
            if not self.text.startswith("'", end + 1):
                return _Token("string", pos, self.text[pos : end + 1], "'".join(chunks))
            at = end + 2

    def _number(self, pos: int, text: str) -> _Token:
        if any(char in text for char in ".eE"):
            return _Token("number", pos, text, float(text))
        try:
            return _Token("number", pos, text, int(text))
        except ValueError:  # Python refuses int() of more than 4,300 digits
            self.fail("number too long", pos)

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token.kind == "keyword" and token.value == word:
            self.take()
            return True
        return False

    def parse(self) -> ast.Expr:
        if self.peek().kind == "end":
            raise WhereError("invalid WHERE: the expression is empty")
        expr = self.or_()
        token = self.peek()
        if token.kind != "end":
            self.fail("expected AND, OR or the end", token.pos)
        return expr

    def or_(self) -> ast.Expr:
        parts = [self.and_()]
        while self.keyword("OR"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ast.Or(tuple(parts))

    def and_(self) -> ast.Expr:
        parts = [self.not_()]
        while self.keyword("AND"):
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def not_(self) -> ast.Expr:
        start, count = self.peek().pos, 0
        while self.keyword("NOT"):
            count += 1
        self.depth += count
        if self.depth > MAX_DEPTH:
            self.fail("expression nested too deeply", start)
        expr = self.primary()
        self.depth -= count
        for _ in range(count):
            expr = ast.Not(expr)
        return expr

    def primary(self) -> ast.Expr:
        token = self.take()
        if token.kind == "word":
            return self.predicate(token)
        if token.kind != "(":
            self.fail("expected an attribute, NOT or '('", token.pos)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail("expression nested too deeply", token.pos)
        expr = self.or_()
        close = self.take()
        if close.kind != ")":
            self.fail("expected AND, OR or ')'", close.pos)
        self.depth -= 1
        return expr

    def predicate(self, token: _Token) -> ast.Expr:
        after = self.peek()
        if token.text.upper() == "LEN" and after.kind == "(":
            return self.compare(self.length(token))
        if self.keyword("CONTAINS"):
            if token.text.lower() != "data":
                self.fail("CONTAINS applies only to Data", after.pos)
            needle = self.take()
            if needle.kind != "string":
                self.fail("expected a string", needle.pos)
            return ast.Contains(needle.value)
        attr = self.attribute(token)
        if attr.name == ast.DATA:
            self.fail("Data supports only CONTAINS", after.pos)
        return self.compare(attr)

    def length(self, token: _Token) -> ast.Attr:
        """`LEN(attribute)`: the number of elements of each list or map (characters of a string)."""
        self.take()
        inner = self.take()
        if inner.kind != "word":
            self.fail("expected an attribute inside LEN(…)", inner.pos)
        close = self.take()
        if close.kind != ")":
            self.fail("expected ')'", close.pos)
        text = self.text[token.pos : close.pos + 1]
        whole = {"labels": ast.LABELS, "space.labels": ast.SPACE_LABELS}.get(inner.text.lower())
        if whole is not None and not self.data:
            return ast.Attr(whole, text, length=True)
        attr = self.attribute(inner)
        if attr.name not in (ast.PATH, ast.LABELS, ast.SPACE_LABELS, ast.SLUG, ast.KIND):
            self.fail(f"LEN() needs a list, map or string, not {inner.text}", inner.pos)
        return dataclasses.replace(attr, text=text, length=True)

    def compare(self, attr: ast.Attr) -> ast.Expr:
        """What follows an attribute: IN (…), NOT IN (…), or an operator and a value."""
        negated = self.keyword("NOT")
        if self.keyword("IN"):
            return ast.In(attr, self.in_values(attr), negated)
        op = self.take()
        if negated and not (op.kind == "keyword" and op.value in ("LIKE", "ILIKE")):
            self.fail("expected IN, LIKE or ILIKE after NOT", op.pos)
        if op.kind == "keyword" and op.value in ("LIKE", "ILIKE"):
            op = _Token("op", op.pos, op.text, op.value)
        if op.kind != "op":
            self.fail("expected an operator (= != < > <= >= LIKE ILIKE ~ IN NOT IN)", op.pos)
        value, at = self.value()
        self.check(attr, op.value, value, at)
        compare = ast.Compare(attr, op.value, value, self.pattern(op.value, value, at))
        return ast.Not(compare) if negated else compare

    def attribute(self, token: _Token) -> ast.Attr:
        steps: tuple[Step, ...] = token.value
        head = steps[0].key
        if token.accessor:
            return ast.Attr(ast.PATH, token.text, path=steps, accessor=token.accessor)
        if self.data or token.text.startswith("[") or head is None:
            return ast.Attr(ast.PATH, token.text, path=steps)
        if not head[0].isupper() and head.lower() not in ast.LOWER_FIXED:
            return ast.Attr(ast.PATH, token.text, path=steps)
        attr = _fixed(token.text, steps)
        if attr is None:
            hint = f" (valid attributes: {ast.VALID_ATTRIBUTES})"
            self.fail(f"unknown attribute {token.text!r}", token.pos, hint)
        return attr

    def value(self) -> tuple[ast.Scalar, int]:
        token = self.take()
        if token.kind in ("string", "number"):
            return token.value, token.pos
        if token.kind == "keyword" and token.value in ("TRUE", "FALSE", "NULL"):
            return {"TRUE": True, "FALSE": False, "NULL": None}[token.value], token.pos
        self.fail("expected a value", token.pos)

    def in_values(self, attr: ast.Attr) -> tuple[ast.Scalar, ...]:
        opening = self.take()
        if opening.kind != "(":
            self.fail("expected '(' after IN", opening.pos)
        values: list[ast.Scalar] = []
        while True:
            value, at = self.value()
            if value is None:
                self.fail("null is not allowed in IN (use = null)", at)
            self.check(attr, "=", value, at)
            values.append(value)
            token = self.take()
            if token.kind == ")":
                return tuple(values)
            if token.kind != ",":
                self.fail("expected ',' or ')'", token.pos)

    def check(self, attr: ast.Attr, op: str, value: ast.Scalar, at: int) -> None:
        """Refuse comparisons that can never make sense, before any unit is looked at."""
        kind, wanted = ast.type_name(value), "number" if attr.length else ast.ATTRIBUTE_TYPES.get(attr.name)
        if value is None:
            if op not in ("=", "!="):
                self.fail("null can only be compared with = or !=", at)
        elif op in ast.PATTERN_OPERATORS:
            if kind != "string":
                self.fail(f"{op} needs a string, {ast.format_value(value)} is a {kind}", at)
            if wanted not in (None, "string"):
                self.fail(f"type mismatch: {attr.text} is a {wanted}, {op} needs a string", at)
        elif wanted is not None and wanted != kind:
            self.fail(f"type mismatch: {attr.text} is a {wanted}, {ast.format_value(value)} is a {kind}", at)

    def pattern(self, op: str, value: ast.Scalar, at: int) -> re.Pattern[str] | None:
        if op not in ast.PATTERN_OPERATORS or not isinstance(value, str):
            return None
        if op not in ("~", "~*", "!~", "!~*"):
            flags = re.DOTALL | (re.IGNORECASE if op == "ILIKE" else 0)
            return re.compile(_like_regex(value), flags)
        try:
            return re.compile(value, re.IGNORECASE if op in ("~*", "!~*") else 0)
        except (re.error, OverflowError, RecursionError, ValueError) as error:
            self.fail(f"invalid regular expression {ast.format_value(value)} ({error})", at)


def _like_regex(pattern: str) -> str:
    r"""LIKE as an anchored regex: % any run, _ any one character, \ makes the next one literal."""
    out, escaped = [r"\A"], False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    if escaped:
        out.append(re.escape("\\"))
    out.append(r"\Z")
    return "".join(out)


def _fixed(text: str, steps: tuple[Step, ...]) -> ast.Attr | None:
    """The fixed attribute `steps` spells (head names case-insensitive), or None."""
    names = [step.key for step in steps]
    if any(name is None for name in names):
        return None
    keys = [name for name in names if name is not None]
    low = [key.lower() for key in keys]
    if len(low) == 1:
        return ast.Attr(_SINGLE[low[0]], text) if low[0] in _SINGLE else None
    if low[0] == "labels":
        return ast.Attr(ast.LABELS, text, label=".".join(keys[1:]))
    if low[0] == "space" and low[1] == "labels" and len(low) > 2:
        return ast.Attr(ast.SPACE_LABELS, text, label=".".join(keys[2:]))
    if low[0] in _WITH_SLUG and low[1:] == ["slug"]:
        return ast.Attr(_WITH_SLUG[low[0]], text)
    return None
