"""`mtx worker run` (also plain `mtx worker`): keep the spaces of a branch delivered to their targets."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from mtx_gitops.cli.context import emit, emit_write, get_globals

app = typer.Typer(
    help="The worker: `worker run` delivers a branch's spaces (plain `mtx worker` too); create, list, delete, install.",
    invoke_without_command=True,
    rich_markup_mode=None,
    add_completion=False,
)

Interval = Annotated[float, typer.Option("--interval", help="Seconds between looks at the branch.")]
Once = Annotated[bool, typer.Option("--once", help="Deliver the branch tip once and exit.")]
Prune = Annotated[bool, typer.Option("--prune", help="Also delete objects whose units left git.")]
Spaces = Annotated[str, typer.Option("--space", "-s", help="Deliver only the spaces matching this glob.")]
LeaseTarget = Annotated[str | None, typer.Option(help="Target whose cluster holds the leader Lease.")]
LeaseNamespace = Annotated[str, typer.Option(help="Namespace of the leader Lease.")]
Identity = Annotated[str | None, typer.Option(help="This worker's name in the Lease (default host-pid).")]
TargetConfig = Annotated[
    Path | None,
    typer.Option(
        "--target-config",
        help="YAML `targets: {NAME: {kubeconfig: PATH, context: C} | {inCluster: true} | {root: DIR}}`: "
        "the only targets this worker delivers to, and how it reaches them (mtx.yaml's credentials are not read).",
    ),
]
AllowEnv = Annotated[
    list[str] | None,
    typer.Option("--allow-env", help="A ${VAR} mtx.yaml may read (repeatable; with --target-config no other)."),
]
AccountDir = Annotated[
    str | None,
    typer.Option(
        "--service-account-dir",
        envvar="MTX_SERVICE_ACCOUNT_DIR",
        help="Token and ca.crt of an inCluster target (default /var/run/secrets/kubernetes.io/serviceaccount).",
    ),
]
HealthPort = Annotated[int | None, typer.Option("--health-port", help="Serve /healthz and /readyz on this port.")]
HealthAddress = Annotated[str, typer.Option("--health-address", help="Address the endpoints bind.")]
MetricsPort = Annotated[
    int | None, typer.Option("--metrics-port", help="Serve Prometheus metrics at /metrics on this port (0: any).")
]
MetricsAddress = Annotated[str, typer.Option("--metrics-address", help="Address /metrics binds.")]
LogFormat = Annotated[str, typer.Option("--log-format", help="text, or json: one JSON line per event.")]


@app.callback()
def worker(
    ctx: typer.Context,
    interval: Interval = 30.0,
    once: Once = False,
    prune: Prune = False,
    space: Spaces = "*",
    lease_target: LeaseTarget = None,
    lease_namespace: LeaseNamespace = "default",
    identity: Identity = None,
    target_config: TargetConfig = None,
    allow_env: AllowEnv = None,
    service_account_dir: AccountDir = None,
    health_port: HealthPort = None,
    health_address: HealthAddress = "127.0.0.1",
    metrics_port: MetricsPort = None,
    metrics_address: MetricsAddress = "127.0.0.1",
    log_format: LogFormat = "text",
) -> None:
    """Keep every space with a target applied from --repo URL|PATH --branch B (SIGTERM: finish, exit 0).

    With --dry-run it reports what each new commit would write, apply or prune, and changes nothing.
    """
    if ctx.invoked_subcommand is None:
        run(ctx, interval, once, prune, space, lease_target, lease_namespace, identity, target_config, allow_env,
            service_account_dir, health_port, health_address, metrics_port, metrics_address, log_format)  # fmt: skip


@app.command("run")
def run(
    ctx: typer.Context,
    interval: Interval = 30.0,
    once: Once = False,
    prune: Prune = False,
    space: Spaces = "*",
    lease_target: LeaseTarget = None,
    lease_namespace: LeaseNamespace = "default",
    identity: Identity = None,
    target_config: TargetConfig = None,
    allow_env: AllowEnv = None,
    service_account_dir: AccountDir = None,
    health_port: HealthPort = None,
    health_address: HealthAddress = "127.0.0.1",
    metrics_port: MetricsPort = None,
    metrics_address: MetricsAddress = "127.0.0.1",
    log_format: LogFormat = "text",
) -> None:
    """Keep every space with a target applied from --repo URL|PATH --branch B (SIGTERM: finish, exit 0).

    With --target-config FILE it delivers only to the targets that file grants; without it, to every
    target mtx.yaml names (local use, and it says so). With --dry-run it only reports.
    """
    from mtx_gitops.delivery.process import WorkerOptions, run_process

    g = get_globals(ctx)
    options = WorkerOptions(
        location=g.repo or str(g.open_repo().root),
        branch=g.branch,
        spaces=space,
        interval=interval,
        once=once,
        prune=prune,
        dry_run=g.dry_run,
        lease_target=lease_target,
        lease_namespace=lease_namespace,
        identity=identity,
        target_config=target_config,
        allow_env=tuple(allow_env) if allow_env else None,
        account_dir=service_account_dir,
        health_address=health_address,
        health_port=health_port,
        metrics_address=metrics_address,
        metrics_port=metrics_port,
        log_format=log_format,
    )
    raise typer.Exit(run_process(options, log=_log_line, write=_write))


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _log_line(line: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sys.stdout.write(f"{stamp} {line}\n")
    sys.stdout.flush()


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Worker slug.")],
    space: Annotated[str, typer.Option("--space", "-s", help="The spaces it serves: a slug or a glob.")],
) -> None:
    """Record a worker and the spaces it serves in mtx.yaml (one commit); `worker install` runs it."""
    from mtx_gitops.delivery.workers import create_worker

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, create_worker(repo, name, spaces=space, **g.write_options(repo)))


@app.command("delete")
def delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Worker slug.")]) -> None:
    """Forget a worker (its Deployment in a cluster is the cluster's to delete)."""
    from mtx_gitops.delivery.workers import delete_worker

    g = get_globals(ctx)
    repo = g.open_repo()
    emit_write(ctx, delete_worker(repo, name, **g.write_options(repo)))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Workers, the spaces they serve and those spaces' targets."""
    from mtx_gitops.cli.tables import print_rows
    from mtx_gitops.delivery.workers import list_workers

    g = get_globals(ctx)
    rows = list_workers(g.open_repo().snapshot(g.branch or "HEAD"))
    columns = [("WORKER", "worker"), ("SPACES", "spaces"), ("MATCHED", "matched"), ("TARGETS", "targets")]
    emit(ctx, rows, table=lambda: print_rows(rows, columns, title="Workers"))


@app.command("install")
def install(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Worker slug (see `worker create`).")],
    export: Annotated[bool, typer.Option("--export", help="Print the manifests (for `kubectl apply -f -`).")] = False,
    space: Annotated[
        str | None, typer.Option("--space", "-s", help="Serve these spaces (default: as created).")
    ] = None,
    namespace: Annotated[str, typer.Option("--namespace", help="Namespace the worker runs in.")] = "mtx",
    include_secret: Annotated[
        bool,
        typer.Option("--include-secret", help="Add the git credentials Secret ($MTX_GIT_TOKEN)."),
    ] = False,
    git_url: Annotated[
        str | None, typer.Option("--git-url", help="Repository the worker reads (default: origin).")
    ] = None,
    image: Annotated[str | None, typer.Option("--image", help="Worker image (default mtx-worker:VERSION).")] = None,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between looks at the branch.")] = 30.0,
) -> None:
    """The manifests that run the worker in the cluster its spaces deliver to, with least-privilege RBAC.

    Namespace, ServiceAccount, a Role per namespace its spaces deliver to (the kinds they deliver there),
    a ClusterRole only for cluster-scoped kinds, a Role for its Lease, the target config (every target
    inCluster), and a Deployment of 2 replicas electing a leader. Never cluster-admin; never Secrets
    unless a unit delivers one.
    """
    import os
    import sys

    from mtx_gitops.delivery.install import InstallOptions, install_plan
    from mtx_gitops.errors import UserError
    from mtx_gitops.yaml import dump_documents

    if not export:
        raise UserError("give --export: mtx prints the manifests, and `kubectl apply -f -` installs them")
    token = os.environ.get("MTX_GIT_TOKEN") if include_secret else None
    if include_secret and not token:
        raise UserError("--include-secret reads the git token from $MTX_GIT_TOKEN, which is not set")
    g = get_globals(ctx)
    repo = g.open_repo()
    options = InstallOptions(
        worker=name,
        spaces=space,
        git_url=git_url,
        branch=g.branch,
        namespace=namespace,
        image=image,
        interval=interval,
        git_token=token,
        git_username=os.environ.get("MTX_GIT_USERNAME") or "git",
    )
    objects = install_plan(repo, repo.snapshot(g.branch or "HEAD"), options)
    if g.output == "table":
        sys.stdout.write(dump_documents(objects))
    else:
        emit(ctx, objects)
