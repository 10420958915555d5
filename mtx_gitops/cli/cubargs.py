"""cub's `--patch`, a flag, beside the seed's `--patch JSON`: told apart before click parses the line.

cub's `unit update` takes `--patch` as a boolean (the patch comes from `--from-stdin` or `--filename`);
the seed's guide writes `--patch '{…}'`. click cannot have an option that is both, so a `--patch` whose
next word is not JSON (does not start with `{` or `[`) becomes the hidden flag `--patch-flag`: then
`--upgrade --patch --space S` leaves `--space` alone instead of reading it as the patch.
"""

from __future__ import annotations


def split_patch_flag(argv: list[str]) -> list[str]:
    """`argv` with each flag-form `--patch` (before any `--`) spelled `--patch-flag`."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        if arg == "--patch":
            following = argv[i + 1].lstrip() if i + 1 < len(argv) else ""
            if not following.startswith(("{", "[")):
                out.append("--patch-flag")
                continue
        out.append(arg)
    return out
