"""cub's `--jq EXPR`: a real jq program (the `jq` package, imported only when used) over the JSON output.

As cub prints them: each result that is a string is written as it is (no quotes), anything else as
indented JSON, one result after another.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from mtx_gitops.errors import UserError


def run_jq(program: str, data: Any) -> list[Any]:
    """Every result of the jq `program` over `data` (plain JSON values); UserError if it fails."""
    import jq  # ~10 ms; only the commands given --jq pay for it

    plain = json.loads(json.dumps(data, default=str))
    try:
        return list(jq.compile(program).input_value(plain).all())
    except ValueError as error:
        raise UserError(f"invalid --jq {program!r}: {' '.join(str(error).split())}") from None


def print_jq(program: str, data: Any) -> None:
    """Write the results of `program` over `data` to stdout as cub does."""
    for value in run_jq(program, data):
        text = value if isinstance(value, str) else json.dumps(value, indent=2)
        sys.stdout.write(text + "\n")
