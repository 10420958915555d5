"""The health rules of built-in kinds, as kstatus states them (one function per kind).

A rule sees an object that passed the generic checks (not deleting, generation observed, no
Reconciling/Stalled condition). Where mtx departs from kstatus it says so: a LoadBalancer Service
is Healthy once its load balancer has an address (kstatus only asks for a cluster IP, which the API
server assigns at once; Argo CD asks for the address, and so should a rollout gate).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mtx_gitops.core.health_fields import (
    DEGRADED,
    HEALTHY,
    PROGRESSING,
    Health,
    Malformed,
    Object,
    condition,
    conditions,
    int_field,
    number,
    str_field,
)

Rule = Callable[[Object, datetime], Health]
SCHEDULE_WINDOW = timedelta(seconds=15)  # how long a Pod may stay unschedulable before it is Degraded
_NO_DEADLINE = 2**31 - 1  # the controller's "no progress deadline" (math.MaxInt32)


def _progressing(message: str) -> Health:
    return Health(PROGRESSING, message)


def always_healthy(_live: Object, _now: datetime) -> Health:
    return Health(HEALTHY, "always ready")


def deployment(live: Object, _now: datetime) -> Health:
    # Without a progress deadline the controller never sets Progressing, so it is not waited for.
    progressing = number(live, "spec", "progressDeadlineSeconds", default=_NO_DEADLINE) == _NO_DEADLINE
    available = False
    for item in conditions(live):
        if item.get("type") == "Progressing":
            if item.get("reason") == "ProgressDeadlineExceeded":
                return Health(DEGRADED, "Progress deadline exceeded")
            if item.get("status") == "True" and item.get("reason") == "NewReplicaSetAvailable":
                progressing = True
        elif item.get("type") == "Available" and item.get("status") == "True":
            available = True
    want = number(live, "spec", "replicas", default=1)
    replicas = number(live, "status", "replicas")
    updated = number(live, "status", "updatedReplicas")
    ready = number(live, "status", "readyReplicas")
    ok = number(live, "status", "availableReplicas")
    if want > replicas:
        return _progressing(f"Replicas: {replicas}/{want}")
    if want > updated:
        return _progressing(f"Updated: {updated}/{want}")
    if replicas > want:
        return _progressing(f"Pending termination: {replicas - want}")
    if updated > ok:
        return _progressing(f"Available: {ok}/{updated}")
    if want > ready:
        return _progressing(f"Ready: {ready}/{want}")
    if not progressing:
        return _progressing("ReplicaSet not Available")
    if not available:
        return _progressing("Deployment not Available")
    return Health(HEALTHY, f"Deployment is available. Replicas: {replicas}")


def replica_set(live: Object, _now: datetime) -> Health:
    if condition(live, "ReplicaFailure", "True") is not None:
        return _progressing("Replica Failure condition. Check Pods")
    want = number(live, "spec", "replicas", default=1)
    replicas = number(live, "status", "replicas")
    labelled = number(live, "status", "fullyLabeledReplicas")
    ok = number(live, "status", "availableReplicas")
    ready = number(live, "status", "readyReplicas")
    if want > labelled:
        return _progressing(f"Labelled: {labelled}/{want}")
    if want > ok:
        return _progressing(f"Available: {ok}/{want}")
    if want > ready:
        return _progressing(f"Ready: {ready}/{want}")
    if replicas > want:
        return _progressing(f"Pending termination: {replicas - want}")
    return Health(HEALTHY, f"ReplicaSet is available. Replicas: {replicas}")


def stateful_set(live: Object, _now: datetime) -> Health:
    # The StatefulSet controller sets no conditions: only the counts tell.
    if str_field(live, "spec", "updateStrategy", "type") == "OnDelete":
        return Health(HEALTHY, "StatefulSet is using the OnDelete update strategy")
    want = number(live, "spec", "replicas", default=1)
    replicas = number(live, "status", "replicas")
    ready = number(live, "status", "readyReplicas")
    updated = number(live, "status", "updatedReplicas")
    partition = int_field(live, "spec", "updateStrategy", "rollingUpdate", "partition")
    if want > replicas:
        return _progressing(f"Replicas: {replicas}/{want}")
    if want > ready:
        return _progressing(f"Ready: {ready}/{want}")
    if replicas > want:
        return _progressing(f"Pending termination: {replicas - want}")
    if partition is not None and partition != -1:
        if updated < want - partition:
            return _progressing(f"updated: {updated}/{want - partition}")
        return Health(HEALTHY, f"Partition rollout complete. updated: {updated}")
    current = number(live, "status", "currentReplicas")
    if want > current:
        return _progressing(f"current: {current}/{want}")
    if str_field(live, "status", "currentRevision") != str_field(live, "status", "updateRevision"):
        return _progressing("Waiting for updated revision to match current")
    return Health(HEALTHY, f"All replicas scheduled as expected. Replicas: {replicas}")


def daemon_set(live: Object, _now: datetime) -> Health:
    # The controller sets both fields once it has seen the object, so here unset means "not yet".
    for path in (("metadata", "generation"), ("status", "observedGeneration")):
        if int_field(live, *path) is None:
            return _progressing(f"DaemonSet {'.'.join(path)} not found")
    desired = int_field(live, "status", "desiredNumberScheduled")
    if desired is None:
        return _progressing("Missing .status.desiredNumberScheduled")
    for key, label in (
        ("currentNumberScheduled", "Current"),
        ("updatedNumberScheduled", "Updated"),
        ("numberAvailable", "Available"),
        ("numberReady", "Ready"),
    ):
        have = number(live, "status", key)
        if desired > have:
            return _progressing(f"{label}: {have}/{desired}")
    return Health(HEALTHY, f"All replicas scheduled as expected. Replicas: {desired}")


def pod(live: Object, now: datetime) -> Health:
    phase = str_field(live, "status", "phase")
    if phase == "Succeeded":
        return Health(HEALTHY, "Pod has completed successfully")
    if phase == "Failed":  # kstatus: a finished Pod is done; whoever runs it (a Job) says if that failed
        return Health(HEALTHY, "Pod has completed, but not successfully")
    if phase == "Running":
        if condition(live, "Ready", "True") is not None:
            return Health(HEALTHY, "Pod is Ready")
        looping = _crash_looping(live)
        if looping:
            return Health(DEGRADED, f"Containers in CrashLoop state: {','.join(looping)}")
        return _progressing("Pod is running but is not Ready")
    if phase == "Pending":
        unscheduled = condition(live, "PodScheduled", "False")
        if unscheduled is not None and unscheduled.get("reason") == "Unschedulable":
            created = _timestamp(str_field(live, "metadata", "creationTimestamp"))
            if created is not None and now - created < SCHEDULE_WINDOW:
                return _progressing("Pod has not been scheduled")
            return Health(DEGRADED, "Pod could not be scheduled")
        return _progressing("Pod is in the Pending phase")
    if not phase:
        return _progressing("Pod phase not available")
    raise Malformed(f"unknown Pod phase {phase}")


def _crash_looping(live: Object) -> list[str]:
    statuses = (live.get("status") or {}).get("containerStatuses")
    names = []
    for item in statuses if isinstance(statuses, list) else []:
        state = item.get("state") if isinstance(item, dict) else None
        waiting = state.get("waiting") if isinstance(state, dict) else None
        if isinstance(waiting, dict) and waiting.get("reason") == "CrashLoopBackOff" and item.get("name"):
            names.append(str(item["name"]))
    return names


def _timestamp(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)  # the API server writes UTC


def persistent_volume_claim(live: Object, _now: datetime) -> Health:
    phase = str_field(live, "status", "phase", default="unknown")
    if phase != "Bound":
        return _progressing(f"PVC is not Bound. phase: {phase}")
    return Health(HEALTHY, "PVC is Bound")


def job(live: Object, _now: datetime) -> Health:
    completions = number(live, "spec", "completions", default=number(live, "spec", "parallelism", default=1))
    succeeded = number(live, "status", "succeeded")
    for item in conditions(live):
        if item.get("status") != "True":
            continue
        if item.get("type") == "Complete":
            return Health(HEALTHY, f"Job Completed. succeeded: {succeeded}/{completions}")
        if item.get("type") == "Failed":
            return Health(DEGRADED, f"Job Failed. failed: {number(live, 'status', 'failed')}/{completions}")
        if item.get("type") == "Suspended" and (live.get("spec") or {}).get("suspend") is True:
            return Health(HEALTHY, "Job is suspended")
    if not str_field(live, "status", "startTime"):
        return _progressing("Job not started")
    active, failed = number(live, "status", "active"), number(live, "status", "failed")
    return Health(HEALTHY, f"Job in progress. success: {succeeded}, active: {active}, failed: {failed}")


def service(live: Object, _now: datetime) -> Health:
    if str_field(live, "spec", "type", default="ClusterIP") == "LoadBalancer":
        balancer = (live.get("status") or {}).get("loadBalancer")
        if not (isinstance(balancer, dict) and balancer.get("ingress")):
            return _progressing("waiting for the load balancer's address (status.loadBalancer.ingress)")
    return Health(HEALTHY, "Service is ready")


def custom_resource_definition(live: Object, _now: datetime) -> Health:
    for item in conditions(live):
        why = str(item.get("message") or item.get("reason") or item.get("type"))
        if item.get("type") == "NamesAccepted" and item.get("status") == "False":
            return Health(DEGRADED, why)
        if item.get("type") == "Established":
            if item.get("status") == "False" and item.get("reason") != "Installing":
                return Health(DEGRADED, why)
            if item.get("status") == "True":
                return Health(HEALTHY, "CRD is established")
    return _progressing("Install in progress")


# (API group, kind) -> rule; other kinds fall through to their Ready condition, then to Healthy.
RULES: dict[tuple[str, str], Rule] = {
    ("", "Service"): service,
    ("", "Pod"): pod,
    ("", "Secret"): always_healthy,
    ("", "ConfigMap"): always_healthy,
    ("", "PersistentVolumeClaim"): persistent_volume_claim,
    ("apps", "StatefulSet"): stateful_set,
    ("apps", "DaemonSet"): daemon_set,
    ("extensions", "DaemonSet"): daemon_set,
    ("apps", "Deployment"): deployment,
    ("extensions", "Deployment"): deployment,
    ("apps", "ReplicaSet"): replica_set,
    ("extensions", "ReplicaSet"): replica_set,
    ("policy", "PodDisruptionBudget"): always_healthy,  # its observedGeneration (checked first) is all it has
    ("batch", "CronJob"): always_healthy,
    ("batch", "Job"): job,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): custom_resource_definition,
}
