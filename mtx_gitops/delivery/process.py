"""`mtx worker run`: the worker as a process — its options, clusters, Lease, endpoints and signals."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtx_gitops.delivery.authority import UNBOUNDED_NOTE, Authority, load_target_config
from mtx_gitops.delivery.commands import ClusterPool
from mtx_gitops.delivery.deliver import Target
from mtx_gitops.delivery.metrics import CONTENT_TYPE
from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.errors import UserError


@dataclass(frozen=True)
class WorkerOptions:
    """Everything `mtx worker run` is told: what it reads, what it may reach, how it is watched."""

    location: str
    branch: str | None = None
    spaces: str = "*"
    interval: float = 30.0
    once: bool = False
    prune: bool = False
    dry_run: bool = False
    lease_target: str | None = None
    lease_namespace: str = "default"
    identity: str | None = None
    target_config: Path | None = None
    allow_env: tuple[str, ...] | None = None  # None: no --allow-env given
    account_dir: str | None = None  # an in-cluster target's token and CA (default: the pod's)
    health_address: str = "127.0.0.1"
    health_port: int | None = None  # None: no /healthz, /readyz
    metrics_address: str = "127.0.0.1"
    metrics_port: int | None = None  # None: no /metrics (then prometheus_client is never imported)
    log_format: str = "text"  # or json: one JSON line per event


def authority_of(options: WorkerOptions) -> Authority:
    """What the options let the worker reach (a target config, allowed variables) — unbounded without them."""
    allowed = None if options.allow_env is None else frozenset(options.allow_env)
    if options.target_config is not None:
        return load_target_config(options.target_config, allow_env=allowed)
    return Authority(allow_env=allowed)


def run_process(
    options: WorkerOptions, *, log: Callable[[str], None], write: Callable[[str], None] | None = None
) -> int:
    """Run the worker until SIGTERM/SIGINT (which let the current apply finish), or once.

    With `dry_run` it only reports what it would deliver, and takes no part in the leader election.
    With `log_format` json, `write` gets one JSON line per event instead of `log`'s text lines.
    """
    from mtx_gitops.delivery.events import Sink, fan_out, json_lines
    from mtx_gitops.delivery.notify import Notifier

    if options.log_format not in ("text", "json"):
        raise UserError(f"invalid --log-format {options.log_format!r}: expected text or json")
    sinks: list[Sink] = []
    if options.log_format == "json":
        sinks.append(json_lines(write or (lambda text: log(text.rstrip("\n")))))
        log = _quiet
    metrics = None
    if options.metrics_port is not None:
        from mtx_gitops.delivery.metrics import WorkerMetrics

        metrics = WorkerMetrics()
        sinks.append(metrics.observe)
    sinks.append(Notifier(log=lambda line: say(line)).observe)
    events = fan_out(sinks)
    say = _say_to(log, events)
    import socket  # only the worker needs it

    from mtx_gitops.delivery.endpoints import Endpoints, worker_probes
    from mtx_gitops.delivery.lease import LeaderLease
    from mtx_gitops.delivery.worker import WorkerState, run_worker

    authority = authority_of(options)
    if not authority.bounded:
        say(UNBOUNDED_NOTE)
    source = CommitSource(options.location, branch=options.branch or _default_branch(options.location))
    pool = ClusterPool(account_dir=options.account_dir)
    lease = None
    target = _lease_target(source, options.lease_target, authority, spaces=options.spaces)
    if target is not None and not options.once and not options.dry_run:
        where = str(source.root) if source.is_local else options.location
        lease = LeaderLease(
            pool(target),
            name=lease_name(where, source.branch),
            namespace=options.lease_namespace,
            identity=options.identity or f"{socket.gethostname()}-{os.getpid()}",
        )
    state = WorkerState()
    servers: list[Endpoints] = []
    if options.health_port is not None:
        endpoints = worker_probes(
            Endpoints(address=options.health_address, port=options.health_port), state, interval=options.interval
        )
        servers.append(endpoints)
        say(f"endpoints: http://{options.health_address}:{endpoints.start()}/healthz, /readyz")
    if metrics is not None:
        assert options.metrics_port is not None
        same = options.metrics_port == options.health_port and options.metrics_address == options.health_address
        if same:  # one server: /metrics beside the probes (the port is bound already)
            servers[0].route("/metrics", metrics.render, content_type=CONTENT_TYPE)
            say(f"metrics: http://{options.metrics_address}:{servers[0].port}/metrics")
        else:
            server = worker_probes(
                Endpoints(address=options.metrics_address, port=options.metrics_port), state, interval=options.interval
            )
            server.route("/metrics", metrics.render, content_type=CONTENT_TYPE)
            servers.append(server)
            say(f"metrics: http://{options.metrics_address}:{server.start()}/metrics (and /healthz, /readyz)")
    stop = threading.Event()
    try:
        with _stop_on_signals(stop):
            return run_worker(
                source=source,
                interval=options.interval,
                once=options.once,
                cluster_for_target=pool,
                lease=lease,
                prune=options.prune,
                dry_run=options.dry_run,
                stop=stop,
                log=log,
                state=state,
                authority=authority,
                spaces=options.spaces,
                events=events,
            )
    finally:
        for server in servers:
            server.stop()
        pool.close()


def _quiet(_line: str) -> None:
    return None


def _say_to(log: Callable[[str], None], events: Callable[[Any], None]) -> Callable[[str], None]:
    """A line for the log and, as a `log` event, for the other sinks."""
    from mtx_gitops.delivery.events import WorkerEvent

    def say(line: str) -> None:
        log(line)
        events(WorkerEvent("log", line))

    return say


def _lease_target(source: CommitSource, name: str | None, authority: Authority, *, spaces: str) -> Target | None:
    """The target whose cluster holds the election Lease: the named one, else the first kubernetes one
    that the served spaces use."""
    snapshot = source.latest()
    targets = snapshot.targets()
    if name is not None:
        if name not in targets:
            raise UserError(f"--lease-target {name!r} is not a target in mtx.yaml")
        return authority.resolve(name, targets[name], base=source.base)
    served = set(snapshot.match_spaces(spaces))
    used = sorted({s.target for s in snapshot.spaces() if s.name in served and s.target in targets})
    for candidate in used:
        granted = authority.grants is None or candidate in authority.grants
        if targets[candidate].get("kind") == "kubernetes" and granted:
            return authority.resolve(candidate, targets[candidate], base=source.base)
    return None


def _default_branch(location: str) -> str:
    from mtx_gitops.adapters.gitrepo import Git

    local = Path(location).expanduser()
    return (Git(local).current_branch() if local.is_dir() else None) or "main"


def lease_name(location: str, branch: str) -> str:
    """The election Lease of every worker of one repository (URL or resolved path) and branch."""
    return f"mtx-worker-{hashlib.sha256(f'{location}#{branch}'.encode()).hexdigest()[:12]}"


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
