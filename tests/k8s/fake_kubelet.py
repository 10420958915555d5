#!/usr/bin/env python3
"""fake_kubelet.py - a kubelet stand-in for an apiserver-only test cluster (kube-up.sh).

There is no kubelet and no container runtime. This program:
  * registers one Node (Ready, 32 CPU / 128Gi / 250 pods, InternalIP 127.0.0.1),
    keeps its Ready heartbeat and its kube-node-lease Lease fresh;
  * binds every unscheduled pod to that node (there is no scheduler either);
  * patches each bound pod's status to phase Running, conditions Ready/ContainersReady/
    Initialized/PodScheduled True, containerStatuses ready+started (init containers
    "Completed"), so Deployments/ReplicaSets/StatefulSets become Available/Ready;
  * finishes graceful deletion of pods on its node (what a kubelet does once containers
    stopped): pods with a deletionTimestamp are deleted with gracePeriodSeconds=0, so
    scale-down, `kubectl delete`, garbage collection and namespace deletion complete.
Nothing is executed: no image is pulled, no probe runs, no pod IP is assigned (so
Service Endpoints stay empty), Jobs never complete.

Usage:
  fake_kubelet.py [--kubeconfig F] [--node-name N] [--seconds S | --once] [--pid-file F]
Runs until SIGTERM/SIGINT, until --seconds elapsed, or (--once) for one pass.
Exits 2 if the apiserver stays unreachable for --give-up seconds (default 60), so a
forgotten instance does not outlive its cluster for long.

Library use (e.g. in a pytest fixture thread):
  from fake_kubelet import FakeKubelet
  fk = FakeKubelet(kubernetes.config.new_client_from_config(config_file=kc)); fk.sync_once()

Needs the `kubernetes` PyPI package. Uses only typed CoreV1Api/CoordinationV1Api calls
with _preload_content=False (raw JSON), so it tolerates client/server version skew.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import signal
import sys
import threading
import time
import uuid

from kubernetes import client, config
from kubernetes.client.rest import ApiException

log = logging.getLogger("fake_kubelet")
TIMEOUT = 15  # seconds per API request


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now_micro() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(resp) -> dict:
    data = getattr(resp, "data", None)
    if data is None and hasattr(resp, "read"):
        data = resp.read()
    if not data:
        return {}
    return json.loads(data)


class FakeKubelet:
    def __init__(self, api_client: client.ApiClient, node_name: str = "mtx-fake-node", heartbeat_seconds: float = 10.0):
        self.core = client.CoreV1Api(api_client)
        self.coord = client.CoordinationV1Api(api_client)
        self.version_api = client.VersionApi(api_client)
        self.node = node_name
        self.heartbeat_seconds = heartbeat_seconds
        self._last_heartbeat = 0.0
        self._registered = False

    # ---------------------------------------------------------------- node
    def _conditions(self, ts: str) -> list:
        def cond(t, status, reason, msg):
            return {
                "type": t,
                "status": status,
                "reason": reason,
                "message": msg,
                "lastHeartbeatTime": ts,
                "lastTransitionTime": ts,
            }

        return [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "fake"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "fake"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "fake"),
            cond("Ready", "True", "KubeletReady", "fake kubelet is posting ready status"),
        ]

    def ensure_node(self) -> None:
        try:
            version = _json(self.version_api.get_code(_preload_content=False, _request_timeout=TIMEOUT)).get(
                "gitVersion", "v0.0.0"
            )
        except Exception:  # only cosmetic
            version = "v0.0.0"
        ts = _now()
        res = {"cpu": "32", "memory": "128Gi", "pods": "250", "ephemeral-storage": "100Gi"}
        status = {
            "capacity": res,
            "allocatable": res,
            "conditions": self._conditions(ts),
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": self.node}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": uuid.uuid5(uuid.NAMESPACE_DNS, self.node).hex,
                "systemUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, self.node)),
                "bootID": str(uuid.uuid4()),
                "kernelVersion": "fake",
                "osImage": "fake",
                "containerRuntimeVersion": "fake://0",
                "kubeletVersion": version,
                "kubeProxyVersion": version,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        }
        node = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": self.node,
                "labels": {
                    "kubernetes.io/hostname": self.node,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                    "beta.kubernetes.io/os": "linux",
                    "beta.kubernetes.io/arch": "amd64",
                    "mtx.test/fake-kubelet": "true",
                },
            },
            "spec": {},
            "status": status,
        }
        try:
            self.core.create_node(node, _preload_content=False, _request_timeout=TIMEOUT)
            log.info("registered node %s", self.node)
        except ApiException as e:
            if e.status != 409:
                raise
        # status on create is honoured for Nodes, but an existing node needs the patch
        self.core.patch_node_status(self.node, {"status": status}, _preload_content=False, _request_timeout=TIMEOUT)
        self._renew_lease()
        self._registered = True
        self._last_heartbeat = time.monotonic()

    def _renew_lease(self) -> None:
        ns = "kube-node-lease"
        spec = {"holderIdentity": self.node, "leaseDurationSeconds": 40, "renewTime": _now_micro()}
        try:
            self.coord.patch_namespaced_lease(
                self.node, ns, {"spec": spec}, _preload_content=False, _request_timeout=TIMEOUT
            )
        except ApiException as e:
            if e.status != 404:
                raise
            body = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": self.node, "namespace": ns},
                "spec": spec,
            }
            try:
                self.coord.create_namespaced_lease(ns, body, _preload_content=False, _request_timeout=TIMEOUT)
            except ApiException as e2:
                if e2.status != 409:
                    raise

    def heartbeat(self, force: bool = False) -> None:
        if not self._registered:
            self.ensure_node()
            return
        if not force and time.monotonic() - self._last_heartbeat < self.heartbeat_seconds:
            return
        try:
            self.core.patch_node_status(
                self.node,
                {"status": {"conditions": self._conditions(_now())}},
                _preload_content=False,
                _request_timeout=TIMEOUT,
            )
        except ApiException as e:
            if e.status == 404:  # node deleted by someone: register again
                self.ensure_node()
                return
            raise
        self._renew_lease()
        self._last_heartbeat = time.monotonic()

    # ---------------------------------------------------------------- pods
    @staticmethod
    def _is_running_ready(pod: dict) -> bool:
        st = pod.get("status") or {}
        if st.get("phase") != "Running":
            return False
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        if conds.get("Ready") != "True" or conds.get("ContainersReady") != "True":
            return False
        want = {c["name"]: c.get("image") for c in (pod.get("spec") or {}).get("containers") or []}
        have = {c.get("name"): c.get("image") for c in st.get("containerStatuses") or [] if c.get("ready")}
        return want == have

    def _mark_running(self, pod: dict) -> None:
        md, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
        ts = _now()
        start = st.get("startTime") or ts
        uid = md.get("uid", "")

        def cstatus(c, init=False):
            cid = f"fake://{uid}/{c['name']}"
            state = (
                {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": start,
                        "finishedAt": start,
                        "containerID": cid,
                    }
                }
                if init
                else {"running": {"startedAt": start}}
            )
            return {
                "name": c["name"],
                "image": c.get("image", ""),
                "imageID": f"fake://{c.get('image', '')}",
                "containerID": cid,
                "ready": not init,
                "started": not init,
                "restartCount": 0,
                "state": state,
                "lastState": {},
            }

        conds = [
            {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": ts}
            for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
        ]
        status = {
            "phase": "Running",
            "hostIP": "127.0.0.1",
            "startTime": start,
            "conditions": conds,
            "containerStatuses": [cstatus(c) for c in spec.get("containers") or []],
        }
        if spec.get("initContainers"):
            status["initContainerStatuses"] = [cstatus(c, init=True) for c in spec["initContainers"]]
        self.core.patch_namespaced_pod_status(
            md["name"], md["namespace"], {"status": status}, _preload_content=False, _request_timeout=TIMEOUT
        )
        log.info("pod %s/%s Running+Ready", md["namespace"], md["name"])

    def _bind(self, pod: dict) -> None:
        md = pod["metadata"]
        body = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": md["name"], "namespace": md["namespace"], "uid": md.get("uid")},
            "target": {"apiVersion": "v1", "kind": "Node", "name": self.node},
        }
        # _preload_content=False also sidesteps the client's V1Binding deserialisation bug
        self.core.create_namespaced_pod_binding(
            md["name"], md["namespace"], body, _preload_content=False, _request_timeout=TIMEOUT
        )
        pod.setdefault("spec", {})["nodeName"] = self.node
        log.info("bound pod %s/%s to %s", md["namespace"], md["name"], self.node)

    def _finish_deletion(self, pod: dict) -> None:
        md = pod["metadata"]
        # gracePeriodSeconds must be in the body: with a body, the apiserver ignores the query
        self.core.delete_namespaced_pod(
            md["name"],
            md["namespace"],
            grace_period_seconds=0,
            body={
                "apiVersion": "v1",
                "kind": "DeleteOptions",
                "gracePeriodSeconds": 0,
                "preconditions": {"uid": md.get("uid")},
            },
            _preload_content=False,
            _request_timeout=TIMEOUT,
        )
        log.info("pod %s/%s deleted (terminated)", md["namespace"], md["name"])

    def sync_once(self) -> int:
        """One pass: heartbeat, bind, run, finish deletions. Returns number of changes."""
        self.heartbeat()
        pods = _json(self.core.list_pod_for_all_namespaces(_preload_content=False, _request_timeout=TIMEOUT)).get(
            "items", []
        )
        changes = 0
        for pod in pods:
            md, spec = pod.get("metadata") or {}, pod.get("spec") or {}
            node = spec.get("nodeName")
            try:
                if md.get("deletionTimestamp"):
                    if node == self.node:
                        self._finish_deletion(pod)
                        changes += 1
                    continue
                if not node:
                    self._bind(pod)
                    node = self.node
                    changes += 1
                if node == self.node and not self._is_running_ready(pod):
                    self._mark_running(pod)
                    changes += 1
            except ApiException as e:
                if e.status in (404, 409):  # raced with a controller/deletion: next pass
                    log.debug("pod %s/%s: %s", md.get("namespace"), md.get("name"), e.reason)
                    continue
                raise
        return changes

    def run(
        self, stop: threading.Event, interval: float = 0.5, seconds: float | None = None, give_up: float = 60.0
    ) -> int:
        deadline = time.monotonic() + seconds if seconds else None
        last_ok = time.monotonic()
        while not stop.is_set():
            try:
                self.sync_once()
                last_ok = time.monotonic()
            except Exception as e:  # keep going while the apiserver restarts
                log.warning("sync failed: %s", str(e).splitlines()[0] if str(e) else type(e).__name__)
                if give_up and time.monotonic() - last_ok > give_up:
                    log.error("apiserver unreachable for %.0fs, giving up", give_up)
                    return 2
            if deadline and time.monotonic() >= deadline:
                break
            stop.wait(interval)
        return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config"))
    ap.add_argument("--node-name", default="mtx-fake-node")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    g.add_argument("--once", action="store_true", help="register the node, do one pass, exit")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between passes (default 0.5)")
    ap.add_argument(
        "--give-up", type=float, default=60.0, help="exit 2 after the apiserver was unreachable this long (0: never)"
    )
    ap.add_argument("--pid-file", help="write our pid here (kube-down.sh stops DIR/fake-kubelet.pid)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s fake_kubelet %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    if not args.verbose:
        logging.getLogger("urllib3").setLevel(logging.ERROR)

    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write(f"{os.getpid()}\n")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        fk = FakeKubelet(config.new_client_from_config(config_file=args.kubeconfig), args.node_name)
        if args.once:
            n = fk.sync_once()
            log.info("one pass done, %d change(s)", n)
            return 0
        return fk.run(stop, interval=args.interval, seconds=args.seconds, give_up=args.give_up)
    except Exception as e:
        log.error("%s", e)
        return 1
    finally:
        if args.pid_file:
            try:
                with open(args.pid_file) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.unlink(args.pid_file)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
