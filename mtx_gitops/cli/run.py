"""`mtx run FUNCTION …`: cub's `run`, one command per function of `core.fn_catalog`, built when asked for.

Each function takes its parameters as flags (`--container-name nginx --image-reference :v2`) or by
position (`mtx run set-replicas 5 --space s`), and the selection every function shares: `--space`,
`--where`, `--unit a,b`, `--resource-type`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:
    from mtx_gitops.core.fn_catalog import Param, Signature

HELP = "Bulk functions with cub's names: fix every matching unit in one commit (see `mtx function list`)."
SELECTION_HELP = {
    "space": "Space slug or glob ('*' for all).",
    "where": "WHERE expression selecting units.",
    "unit": "Only these units (comma-separated or repeated).",
    "resource_type": "Only documents of this [group/]version/Kind (apps/v1/Deployment).",
    "filter": "A stored filter SPACE/NAME selecting units (with --where: both).",
}


def selection_options() -> list[Any]:
    """The options that pick units, shared by `run FN` and `function do`."""
    return [
        TyperOption(param_decls=["--space", "-s"], default="", help=SELECTION_HELP["space"]),
        TyperOption(param_decls=["--where"], default=None, help=SELECTION_HELP["where"]),
        TyperOption(param_decls=["--unit"], multiple=True, help=SELECTION_HELP["unit"]),
        TyperOption(
            param_decls=["--resource-type", "resource_type"], default=None, help=SELECTION_HELP["resource_type"]
        ),
        TyperOption(param_decls=["--filter", "filter_"], default=None, help=SELECTION_HELP["filter"]),
    ]


def param_summary(sig: Signature) -> str:
    """`--container-name, --image-reference` (mtx's own spellings in brackets)."""
    cub = [f"--{p.name}" for p in sig.params if not p.mtx]
    mtx = [f"--{p.name}" for p in sig.params if p.mtx]
    return ", ".join(cub) + (f" (mtx: {', '.join(mtx)})" if mtx else "") if cub or mtx else "no parameters"


def _is_flag(param: Param) -> bool:
    return param.kind == "bool" and not param.required


def _option(param: Param) -> Any:
    text = param.description + ("" if param.required and not param.mtx else " [optional]")
    if _is_flag(param):
        return TyperOption(param_decls=[f"--{param.name}", _key(param)], is_flag=True, default=False, help=text)
    return TyperOption(
        param_decls=[f"--{param.name}", _key(param)], default=None, multiple=param.varargs, help=text, metavar="VALUE"
    )


def _key(param: Param) -> str:
    return "p_" + param.name.replace("-", "_")


class FunctionCommand(TyperCommand):
    """One function; cub's `--flag=true|false` spelling of a boolean flag is read too."""

    def __init__(self, sig: Signature) -> None:
        self.sig = sig
        params = [_option(p) for p in sig.params]
        params.append(TyperArgument(param_decls=["args"], nargs=-1, required=False, metavar="[ARG]..."))
        if "resource-type" in {p.name for p in sig.params}:
            sel = [o for o in selection_options() if o.name != "resource_type"]
        else:
            sel = selection_options()
        super().__init__(
            sig.name,
            params=params + sel,
            callback=self.run,
            help=f"{sig.description}.\n\nPositional form: mtx run {sig.usage()}",
            short_help=f"{sig.description}. {param_summary(sig)}",
            rich_markup_mode=None,
        )

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        flags = {f"--{p.name}" for p in self.sig.params if _is_flag(p)}
        fixed: list[str] = []
        for arg in args:
            name, equals, value = arg.partition("=")
            if equals and name in flags:
                if value.lower() in ("true", "t", "1"):
                    fixed.append(name)
                continue
            fixed.append(arg)
        result: list[str] = super().parse_args(ctx, fixed)
        return result

    def invoke(self, ctx: Any) -> Any:
        self._ctx = ctx
        return super().invoke(ctx)

    def run(self, **values: Any) -> None:
        ctx = self._ctx
        named: dict[str, Any] = {}
        for param in self.sig.params:
            value = values.get(_key(param))
            named[param.name] = None if _is_flag(param) and not value else value
        invoke(
            ctx,
            self.sig.name,
            list(values.get("args") or ()),
            named,
            space=values.get("space") or "",
            where=values.get("where"),
            units=values.get("unit") or (),
            resource_type=values.get("resource_type"),
            filter_=values.get("filter_"),
        )


def invoke(
    ctx: Any,
    name: str,
    positional: list[str],
    named: dict[str, Any],
    *,
    space: str,
    where: str | None,
    units: tuple[str, ...] | list[str],
    resource_type: str | None,
    filter_: str | None = None,
) -> None:
    """Run one function call over the selection and print what it did (exit 1 when a validation fails)."""
    from mtx_gitops.cli.context import emit, emit_write, get_globals
    from mtx_gitops.core.fn_catalog import signature
    from mtx_gitops.errors import UserError
    from mtx_gitops.ops.function_calls import CheckReport, Selection, call

    if not space:
        raise UserError("missing --space (use '*' for every space)")
    sig = signature(name)
    takes_type = "resource-type" in {p.name for p in sig.params}
    if takes_type and resource_type is not None and named.get("resource-type") is None and len(positional) == 0:
        named = {**named, "resource-type": resource_type}
        resource_type = None
    g = get_globals(ctx)
    repo = g.open_repo()
    names = tuple(part for given in units for part in given.split(",") if part)
    selection = Selection(space, where=where, units=names, resource_type=resource_type, filter=filter_)
    result = call(repo, name, positional, named, selection=selection, **g.write_options(repo))
    if isinstance(result, CheckReport):
        from mtx_gitops.cli.fn_tables import print_check

        emit(ctx, result.as_json(), table=lambda: print_check(result))
        if not result.passed:
            raise typer.Exit(1)
        return
    emit_write(ctx, result)


class RunGroup(TyperGroup):
    """`mtx run`: its commands are the catalogue's functions."""

    def list_commands(self, ctx: Any) -> list[str]:
        from mtx_gitops.core.fn_catalog import FUNCTIONS

        return list(FUNCTIONS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from mtx_gitops.core.fn_catalog import FUNCTIONS

        sig = FUNCTIONS.get(cmd_name)
        if sig is None:
            return None
        if cmd_name not in self.commands:
            from mtx_gitops.cli.lazy import with_global_options

            self.commands[cmd_name] = with_global_options(FunctionCommand(sig))
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from mtx_gitops.core.fn_catalog import FUNCTIONS

        # Written unwrapped: a wrapped flag list splits names at their hyphens (`--container-` / `name`).
        width = max(len(name) for name in FUNCTIONS) + 2
        with formatter.section("Commands"):
            for sig in FUNCTIONS.values():
                formatter.write(f"  {sig.name:<{width}}{sig.description}.\n  {'':<{width}}{param_summary(sig)}\n")


def build() -> Any:
    """The `mtx run` group."""
    return RunGroup(name="run", help=HELP, no_args_is_help=True, rich_markup_mode=None)
