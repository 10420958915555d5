"""`mtx worker run` (also plain `mtx worker`): keep the spaces of a branch delivered to their targets."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from mtx_gitops.cli.context import get_globals

app = typer.Typer(
    help="The worker: `mtx worker run` delivers a branch's spaces (plain `mtx worker` runs it too).",
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
