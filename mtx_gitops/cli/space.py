"""`mtx init`, `mtx space …` and `mtx target …`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals, new_app

app = new_app("Spaces: directories of units, with labels, a target and a namespace.")
target_app = new_app("Targets: where spaces are delivered (stored in mtx.yaml).")

Labels = Annotated[list[str] | None, typer.Option("--label", "-l", help="Label k=v (repeatable).")]


def register(root: typer.Typer) -> None:
    """Add the top-level `init` command."""
    root.command("init")(init)


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Directory for the new config repo.")] = Path("."),
    example: Annotated[str | None, typer.Option(help="Seed base/ with a bundled example: traderx.")] = None,
) -> None:
    """Make a new config repo: mtx.yaml, base/, spaces/ and a first commit."""
    from mtx_gitops.ops.spaces import init as do_init

    g = get_globals(ctx)
    emit_write(ctx, do_init(directory, example=example, message=g.message, dry_run=g.dry_run))


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Space slug (DNS-1123 label).")],
    label: Labels = None,
    target: Annotated[str | None, typer.Option(help="Target that delivers this space.")] = None,
    namespace: Annotated[str | None, typer.Option(help="Namespace of its objects (default: the space).")] = None,
) -> None:
    """Create a space."""
    from mtx_gitops.ops.spaces import create_space, parse_labels

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(
        ctx,
        create_space(
            repo, name, labels=parse_labels(label or []), target=target, namespace=namespace, **g.write_options(repo)
        ),
    )


@app.command("update")
def update(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Space slug.")],
    label: Labels = None,
    target: Annotated[str | None, typer.Option(help="Target that delivers this space.")] = None,
    namespace: Annotated[str | None, typer.Option(help="Namespace for the space's objects.")] = None,
) -> None:
    """Change a space's labels, target or namespace."""
    from mtx_gitops.ops.spaces import parse_labels, update_space

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(
        ctx,
        update_space(
            repo, name, labels=parse_labels(label or []), target=target, namespace=namespace, **g.write_options(repo)
        ),
    )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List spaces with their labels, target, namespace and unit count."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.space_query import list_spaces

    g = get_globals(ctx)
    rows = list_spaces(g.open_repo().snapshot(g.branch or "HEAD"))
    emit(
        ctx,
        rows,
        table=lambda: print_rows(
            rows,
            [
                ("SPACE", "space"),
                ("LABELS", "labels"),
                ("TARGET", "target"),
                ("NAMESPACE", "namespace"),
                ("UNITS", "units"),
            ],
            title="Spaces",
        ),
    )


@app.command("get")
def get(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Space slug.")]) -> None:
    """Show one space (exit 1 when it does not exist)."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.space_query import get_space

    g = get_globals(ctx)
    row = get_space(g.open_repo().snapshot(g.branch or "HEAD"), name)
    columns = [("SPACE", "space"), ("LABELS", "labels"), ("TARGET", "target"), ("NAMESPACE", "namespace")]
    emit(ctx, row, table=lambda: print_rows([row], [*columns, ("UNITS", "units")], title="Space"))


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Space slug.")],
    recursive: Annotated[
        bool, typer.Option("--recursive", help="Delete its units too (refused while other spaces link to them).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Delete its units too, even if others link to them.")] = False,
) -> None:
    """Delete a space (refuses while it holds units, unless --recursive or --force)."""
    from mtx_gitops.ops.spaces import delete_space

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, delete_space(repo, name, force=force, recursive=recursive, **g.write_options(repo)))


Kind = Annotated[str, typer.Option(help="kubernetes, directory or git-branch.")]
Kubeconfig = Annotated[str | None, typer.Option(help="Kubeconfig path (may be ${ENV_VAR}).")]
KubeContext = Annotated[str | None, typer.Option(help="Kubeconfig context.")]
TargetPath = Annotated[
    str | None, typer.Option(help="Directory for rendered manifests (directory; in the branch for git-branch).")
]
Url = Annotated[str | None, typer.Option(help="git-branch: repository to commit to (default: this one).")]
Webhook = Annotated[str | None, typer.Option(help="URL that gets a JSON event on each delivery and failure.")]
BranchPrefix = Annotated[str | None, typer.Option(help="git-branch: branch of space S is PREFIX+S (default env/).")]


@target_app.command("create")
def target_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Target slug.")],
    parameters: Annotated[
        str | None, typer.Argument(help="cub's form: parameters JSON ('{}', '{\"KubeContext\": \"c\"}').")
    ] = None,
    worker: Annotated[str | None, typer.Argument(help="cub's form: the worker that serves it.")] = None,
    space: Annotated[str | None, typer.Option("--space", "-s", help="cub's form: the space it belongs to.")] = None,
    provider: Annotated[str, typer.Option("--provider", "-p", help="cub's form: Kubernetes.")] = "Kubernetes",
    kind: Annotated[str | None, typer.Option(help="kubernetes, directory or git-branch (default directory).")] = None,
    kubeconfig: Kubeconfig = None,
    context: KubeContext = None,
    path: TargetPath = None,
    url: Url = None,
    branch_prefix: BranchPrefix = None,
    webhook: Webhook = None,
) -> None:
    """Define where spaces are delivered (refuses a target that exists: see `target update`).

    cub's form `target create T PARAMS [WORKER] --space S` maps KubeContext, KubeConfig and Path onto
    mtx's fields; a kubernetes target without a kubeconfig leaves the credentials to its worker.
    """
    from mtx_gitops.ops.targets import create_target

    g = get_globals(ctx)
    repo = g.open_repo()
    if parameters is not None or space is not None:
        from mtx_gitops.errors import UserError
        from mtx_gitops.ops.unit_targets import create_cub_target

        if not space or kind or kubeconfig or context or path or url or branch_prefix:
            raise UserError("cub's form is `target create T PARAMS [WORKER] --space S`, without --kind and its options")
        result = create_cub_target(repo, name, parameters or "{}", worker=worker, space=space, provider=provider,
                                   **g.write_options(repo))  # fmt: skip
        emit_write(ctx, result)
        return
    if worker is not None:
        from mtx_gitops.errors import UserError

        raise UserError("a worker is named in cub's form only: `target create T PARAMS WORKER --space S`")
    emit_write(
        ctx,
        create_target(
            repo,
            name,
            kind=kind or "directory",
            kubeconfig=kubeconfig,
            context=context,
            path=path,
            url=url,
            branch_prefix=branch_prefix,
            webhook=webhook,
            branch=g.branch,
            message=g.message,
            dry_run=g.dry_run,
        ),
    )


@target_app.command("update")
def target_update(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Target slug.")],
    kind: Annotated[str | None, typer.Option(help="kubernetes, directory or git-branch (default: unchanged).")] = None,
    kubeconfig: Kubeconfig = None,
    context: KubeContext = None,
    path: TargetPath = None,
    url: Url = None,
    branch_prefix: BranchPrefix = None,
    webhook: Webhook = None,
) -> None:
    """Change a target: the options given replace its fields, the others stay (unless --kind changes)."""
    from mtx_gitops.ops.targets import update_target

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(
        ctx,
        update_target(
            repo,
            name,
            kind=kind,
            kubeconfig=kubeconfig,
            context=context,
            path=path,
            url=url,
            branch_prefix=branch_prefix,
            webhook=webhook,
            branch=g.branch,
            message=g.message,
            dry_run=g.dry_run,
        ),
    )


@target_app.command("list")
def target_list(
    ctx: typer.Context,
    space: Annotated[
        str | None, typer.Option("--space", "-s", help="cub's form: the targets of this space and its units.")
    ] = None,
) -> None:
    """List targets and the spaces they deliver (with --space: that space's, and the units each delivers)."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.ops.targets import list_targets

    g = get_globals(ctx)
    snap = g.open_repo().snapshot(g.branch or "HEAD")
    if space is not None:
        from mtx_gitops.ops.unit_targets import list_space_targets

        found = list_space_targets(snap, space)
        columns = [("TARGET", "target"), ("KIND", "kind"), ("WORKER", "worker"), ("KUBECONFIG", "kubeconfig"),
                   ("PATH", "path"), ("UNITS", "units")]  # fmt: skip
        emit(ctx, found, table=lambda: print_rows(found, columns, title=f"Targets of {space}"))
        return
    rows = list_targets(snap)
    emit(
        ctx,
        rows,
        table=lambda: print_rows(
            rows,
            [
                ("TARGET", "target"),
                ("KIND", "kind"),
                ("KUBECONFIG", "kubeconfig"),
                ("PATH", "path"),
                ("URL", "url"),
                ("SPACES", "spaces"),
            ],
            title="Targets",
        ),
    )
