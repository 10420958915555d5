"""Global options (accepted anywhere on the command line) and how commands print results."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mtx_gitops.errors import ConflictError, InvalidDocumentsError, UnhealthyError, UserError

if TYPE_CHECKING:
    from mtx_gitops.store import Repo
    from mtx_gitops.transaction import WriteResult

OUTPUTS = ("table", "json", "yaml")
# Options that mean the same to every command and may appear anywhere (as with kubectl).
VALUE_OPTIONS = {"--repo", "--branch", "-m", "--message", "-o", "--output", "--changeset", "--jq", "--columns"}
FLAG_OPTIONS = {"--dry-run", "--json", "--quiet", "--no-header", "--names", "--no-validate"}


@dataclass
class Globals:
    """The global options of one mtx invocation."""

    repo: str | None = None
    branch: str | None = None
    message: str | None = None
    dry_run: bool = False
    output: str = "table"
    changeset: str | None = None
    jq: str | None = None  # cub's --jq: a jq program over the JSON output
    quiet: bool = False  # cub's --quiet: no table or summary (JSON and --jq still print)
    no_header: bool = False  # cub's --no-header: plain table without its header line
    names: bool = False  # cub's --names: only the names of the listed entities, one a line
    columns: str | None = None  # cub's --columns A,B.C: the columns of a list, in cub's names
    no_validate: bool = False

    def open_repo(self) -> Repo:
        """The repository these options name (or the one found by walking up)."""
        from mtx_gitops.store import Repo

        repo = Repo.discover(Path(self.repo) if self.repo else None)
        repo.validate_writes = not self.no_validate
        return repo

    def write_options(self, repo: Repo) -> dict[str, Any]:
        """branch/message/dry_run for a mutating use case (the current changeset's branch, if any)."""
        from mtx_gitops.ops.changeset import staging_branch

        branch, note = staging_branch(repo, explicit_branch=self.branch, changeset=self.changeset)
        if note and self.output == "table":
            typer.echo(note, err=True)
        return {"branch": branch, "message": self.message, "dry_run": self.dry_run}


def new_app(help: str) -> typer.Typer:
    """A command group with plain (fast) help output."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False)


def hoist_globals(argv: list[str]) -> list[str]:
    """Move global options found anywhere (before `--`) to the front, where the root command reads them."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if name in FLAG_OPTIONS:
            front.append(arg)
        elif name in VALUE_OPTIONS:
            if "=" in arg and arg.startswith("--"):
                front.append(arg)
            elif i + 1 < len(argv):
                front += [arg, argv[i + 1]]
                i += 1
            else:
                front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


_ACTIVE: list[Globals] = []


def set_active(g: Globals) -> None:
    """Make `g` the options of the running invocation (read by the table printers)."""
    _ACTIVE[:] = [g]


def active() -> Globals:
    """The global options of the running invocation (defaults outside one)."""
    return _ACTIVE[0] if _ACTIVE else Globals()


def get_globals(ctx: typer.Context) -> Globals:
    """The Globals stored by the root callback."""
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Globals):
        obj = Globals()
        root.obj = obj
    return obj


def emit(ctx: typer.Context, data: Any, *, table: Any = None) -> None:
    """Print `data` as JSON or YAML, or call `table()` to draw it for humans."""
    g = get_globals(ctx)
    if g.jq is not None:
        from mtx_gitops.cli.jqfilter import print_jq

        print_jq(g.jq, data)
    elif g.output == "table" and table is not None:
        if not g.quiet:
            table()
    else:
        _write_data(g.output, data)


def emit_error(output: str, error: BaseException) -> None:
    """Under `-o json|yaml`, what a refused command found (its conflicts) as data on stdout.

    The one error line still goes to stderr and the exit code is unchanged; scripts get the conflicts
    in the same shape as a successful merge reports them.
    """
    if output != "table" and isinstance(error, ConflictError):
        _write_data(output, {"error": " ".join(str(error).split()), "conflicts": error.conflicts})
    elif output != "table" and isinstance(error, InvalidDocumentsError):
        _write_data(output, {"error": " ".join(str(error).split()), "findings": error.findings})
    if output != "table" and isinstance(error, UnhealthyError):
        _write_data(output, {"error": " ".join(str(error).split()), "objects": error.objects})


def _write_data(output: str, data: Any) -> None:
    if output == "yaml":
        from mtx_gitops import yaml

        sys.stdout.write(yaml.dump_one(data))
    else:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def emit_write(ctx: typer.Context, result: WriteResult) -> None:
    """Print the outcome of a mutating command."""
    from mtx_gitops.cli.tables import print_write

    emit(ctx, result.as_json(), table=lambda: print_write(result))


def check_output(value: str) -> str:
    if value not in OUTPUTS:
        raise UserError(f"invalid output format {value!r}: expected one of {', '.join(OUTPUTS)}")
    return value
