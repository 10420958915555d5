"""The `mtx` command: global options, sub-commands, and the one place errors become exit codes."""

from __future__ import annotations

import functools
import gc
import os
import sys
import warnings
from collections.abc import Callable
from typing import Annotated, Any

import typer
import typer.main

from mtx_gitops.cli import (
    audit,
    changeset,
    conflicts,
    delivery,
    filter,
    function,
    link,
    merge,
    revert,
    revision,
    rollout,
    run,
    space,
    tutorial,
    unit,
    unit_delivery,
    unit_history,
    unit_protect,
    unit_refresh,
    unit_tree,
    unit_update,
    validate,
    worker,
)
from mtx_gitops.cli.context import Globals, check_output, emit_error, hoist_globals, set_active
from mtx_gitops.cli.cubargs import split_patch_flag
from mtx_gitops.cli.lazy import LazyGroup
from mtx_gitops.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, MtxWarning, error_lines, exit_code_for

app = typer.Typer(
    name="mtx",
    help="mtx: a GitOps repo compiler. Spaces are directories, units are YAML files, every operation a commit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain help: rich's help formatter costs ~300 ms of start-up
    cls=LazyGroup,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mtx {_version()}")
        raise typer.Exit(0)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mtx-gitops")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from mtx_gitops import __version__

        return __version__


@app.callback()
def root(
    ctx: typer.Context,
    repo: Annotated[
        str | None, typer.Option("--repo", help="Config repo (default: $MTX_REPO, else the mtx.yaml found upward).")
    ] = None,
    branch: Annotated[str | None, typer.Option("--branch", help="Commit to this branch, not the checkout.")] = None,
    message: Annotated[str | None, typer.Option("-m", "--message", help="Commit message subject.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Compute and show, write nothing.")] = False,
    output: Annotated[str, typer.Option("-o", "--output", help="table, json or yaml.")] = "table",
    changeset: Annotated[str | None, typer.Option("--changeset", help="Stage the change in this changeset.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="JSON output (as -o json).")] = False,
    jq: Annotated[str | None, typer.Option("--jq", help="Filter the JSON output through this jq program.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No table or summary (JSON and --jq still print).")] = False,
    no_header: Annotated[bool, typer.Option("--no-header", help="Lists: plain rows without the header.")] = False,
    names: Annotated[bool, typer.Option("--names", help="Lists: only the names, one per line.")] = False,
    columns: Annotated[
        str | None, typer.Option("--columns", help="Lists: these columns, in cub's names (Name,Space.Slug,…).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print mtx's version and exit.")
    ] = False,
    no_validate: Annotated[
        bool,
        typer.Option("--no-validate", help="Commit documents the schemas refuse (a trailer says so)."),
    ] = False,
) -> None:
    """Global options; they may appear anywhere on the command line."""
    g = ctx.ensure_object(Globals)  # main() passes its own, to read the output format after an error
    g.repo, g.branch, g.message, g.dry_run, g.changeset = repo, branch, message, dry_run, changeset
    g.output = "json" if json_ and output == "table" else check_output(output)
    g.jq, g.quiet, g.no_header, g.names, g.columns = jq, quiet, no_header, names, columns
    set_active(g)
    g.no_validate = no_validate


# Top-level commands and command groups, built into click commands only when they run (cli/lazy.py).
commands = typer.Typer()
audit.register(commands)
space.register(commands)
delivery.register(commands)
commands.command("merge-file")(merge.merge_file)
commands.command("validate")(validate.validate)
unit_history.register(unit.app)
unit_tree.register(unit.app)
unit_delivery.register(unit.app)
unit_update.register(unit.app)
unit_protect.register(unit.app)
unit_refresh.register(unit.app)
revert.register(commands, changeset.app)
GROUPS = {
    "space": space.app,
    "target": space.target_app,
    "unit": unit.app,
    "function": function.app,
    "revision": revision.app,
    "filter": filter.app,
    "link": link.app,
    "changeset": changeset.app,
    "conflicts": conflicts.app,
    "tutorial": tutorial.app,
    "rollout": rollout.app,
    "worker": worker.app,
}


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `mtx` console script."""
    args = split_patch_flag(hoist_globals(list(sys.argv[1:] if argv is None else argv)))
    # A command is short-lived and its data (parsed units) is acyclic: the cyclic collector would only
    # rescan that data again and again (~20% of a 6,000-unit read). `mtx worker` turns it back on.
    collecting = gc.isenabled()
    gc.disable()
    invocation = Globals()
    warnings.showwarning = _show_warning
    try:
        code = _command()(args, prog_name="mtx", standalone_mode=False, obj=invocation)
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into this exit code
            sys.stderr.write("interrupted\n")
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("interrupted\n")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = 0
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            # `mtx`, `mtx unit`: the help, as `--help` prints it, and exit 0 (as kubectl does).
            sys.stdout.write(exc.ctx.get_help() + "\n")  # type: ignore[attr-defined]
            code = 0
        elif _is_usage_error(exc):
            message = exc.format_message()  # type: ignore[attr-defined]
            sys.stderr.write(f"error: {' '.join(message.split())} (see `mtx --help`)\n")
            code = EXIT_BAD_INPUT
        else:
            if os.environ.get("MTX_DEBUG"):
                raise
            sys.stderr.write("".join(f"{line}\n" for line in error_lines(exc)))
            emit_error(invocation.output, exc)
            code = exit_code_for(exc)
    finally:
        if collecting:
            gc.enable()
    sys.exit(code if isinstance(code, int) else 0)


def _show_warning(message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
    sys.stderr.write(
        f"warning: {message}\n" if issubclass(category, MtxWarning) else f"{category.__name__}: {message}\n"
    )


@functools.cache
def _command() -> Callable[..., Any]:
    """The click command tree, built once per process (typer rebuilds it on every `app()` call, ~0.1 s:
    that is most of the cost of an in-process run, as in the tutorial and the tests)."""
    group = typer.main.get_group(app)
    assert isinstance(group, LazyGroup)
    group.add_lazy_commands(commands)
    for name, sub_app in GROUPS.items():
        group.add_lazy_group(name, sub_app)
    group.add_lazy_factory("run", run.HELP, run.build)
    return group


def _is_usage_error(exc: Exception) -> bool:
    """True for click's usage errors (typer vendors its own copy of click, so match by class name)."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__) and hasattr(exc, "format_message")
