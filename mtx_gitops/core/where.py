"""The WHERE language (SPEC §4): parse once with `parse_where`, then `evaluate` per unit.

`parse_where` is cached per text and `evaluate` compiles each parsed tree once (see `where_eval`),
so filtering thousands of units costs a few microseconds each. The parser is hand-written
recursive descent (`where_parse`): no dependency, exact error columns, fast.

    expr := expr OR expr | expr AND expr | NOT expr | ( expr )
          | attr OP value | attr IN (v, …) | attr NOT IN (v, …) | Data CONTAINS 'text'
    OP   := = | != | <> | < | > | <= | >= | LIKE | ILIKE | ~      (also == for =)

`attr NOT LIKE v` (and NOT ILIKE) is read as `NOT (attr LIKE v)`.

Precedence is NOT > AND > OR. Keywords are case-insensitive. Strings take single quotes (`''` is a
quote); numbers are ints or floats, optionally negative; `true`, `false` and `null` are literals.
LIKE matches the whole value, `%` any run and `_` any one character, `\\` escaping either;
ILIKE ignores case; `~` is a Python regex found anywhere in the value (`re.search`).

Attributes. `Slug`, `Space.Slug`, `Labels.<key>`, `Space.Labels.<key>`, `UpstreamUnit.Slug`,
`UpstreamSpace.Slug`, `UpgradeNeeded`, `Kind`, `HeadRevisionNum` and `Data` (CONTAINS only) are
fixed; their names match case-insensitively. Any other attribute is a YAML field path into the
unit's documents (`spec.replicas`, `…containers[name=web].image`, `…containers[*].env[name=X].value`).
The rule that tells them apart: a name starting with an upper-case letter must be a fixed attribute
(otherwise the error lists the valid ones); a name starting with a lower-case letter is a path,
unless its first segment is slug, space, labels, upstreamunit, upstreamspace, upgradeneeded or
headrevisionnum, which no Kubernetes object has at its top. So `kind = 'Service'` and
`data.config = 'x'` are paths (ConfigMap `data`), while `data CONTAINS 'x'` is Data. A path whose
first key would be misread can be quoted: `["Spec"].x`.

Semantics. A path predicate holds if ANY value found in ANY document satisfies it; so does `Kind`
over the unit's kinds. A missing value (a path that finds nothing, an absent label, no upstream)
satisfies no comparison, `!=` and NOT IN included, as NULL in SQL. `!=` and NOT IN are existential
too (some value differs); `NOT (…)` negates the whole predicate (no value matches); `attr = null`
holds exactly when no value is there. Comparisons are typed: numbers with numbers, strings with
strings, booleans with booleans. Fixed attributes are checked when parsing (`Slug = 3` is an
error). For paths the check happens per value found: with `=` a value of another type is simply
not equal (and `!=` holds), while an ordering operator is an error (`spec.replicas > 'abc'` ->
"type mismatch: spec.replicas is a number, 'abc' is a string"). LIKE, ILIKE and `~` look at
strings, and at numbers and booleans as YAML spells them (`true`).
"""

from __future__ import annotations

from mtx_gitops.core.where_ast import (
    And,
    Attr,
    Compare,
    Contains,
    Expr,
    In,
    Not,
    Or,
    Scalar,
    format_where,
)
from mtx_gitops.core.where_eval import compile_where, evaluate, needs
from mtx_gitops.core.where_parse import parse_where
from mtx_gitops.core.where_subject import Subject, WhereSubject

__all__ = [
    "And",
    "Attr",
    "Compare",
    "Contains",
    "Expr",
    "In",
    "Not",
    "Or",
    "Scalar",
    "Subject",
    "WhereSubject",
    "compile_where",
    "evaluate",
    "format_where",
    "needs",
    "parse_where",
]
