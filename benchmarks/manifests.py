"""The generated workload: 20 services (a Deployment and a Service each) and one override per space.

The same content feeds both sides of the comparison: the mtx base space and the kustomize base,
and each space's override is expressed once as an `mtx run` command and once as a kustomize
overlay, so both tools render the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_SPACE = "base"
REGISTRY = "registry.example.com/shop"
SERVICES = (
    "api-gateway",
    "auth-service",
    "account-service",
    "billing",
    "cart",
    "catalog",
    "checkout",
    "currency",
    "email",
    "fraud-check",
    "inventory",
    "notification",
    "order-service",
    "payment",
    "pricing",
    "recommendation",
    "search",
    "shipping",
    "user-profile",
    "web-frontend",
)
REGIONS = ("us-east", "us-west", "eu-west", "eu-central", "ap-south", "ap-east")

UNIT_TEMPLATE = """\
# {name}: part of the shop application, owned by the platform team.
# Changes here reach every region through `mtx unit update --upgrade`.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    app.kubernetes.io/part-of: shop
    tier: {tier}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
        tier: {tier}
    spec:
      containers:
      - name: {name}
        image: {registry}/{name}:v1
        ports:
        - name: http
          containerPort: {port}
        - name: metrics
          containerPort: 9090
        env:
        - name: LOG_LEVEL
          value: info
        - name: HTTP_PORT
          value: "{port}"
        - name: UPSTREAM_URL
          value: http://{upstream}:8080
        - name: REQUEST_TIMEOUT
          value: 30s
        - name: FEATURE_FLAGS
          value: "checkout-v2,fast-search"
        resources:
          requests:
            cpu: {cpu}m
            memory: {memory}Mi
          limits:
            cpu: "{cpu_limit}"
            memory: {memory_limit}Mi
        readinessProbe:
          httpGet:
            path: /ready
            port: {port}
          initialDelaySeconds: 5
          periodSeconds: 10
        livenessProbe:
          httpGet:
            path: /health
            port: {port}
          initialDelaySeconds: 15
          periodSeconds: 20
          failureThreshold: 3
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  selector:
    app: {name}
  ports:
  - name: http
    port: 8080
    targetPort: {port}
    protocol: TCP
  - name: metrics
    port: 9090
    targetPort: 9090
    protocol: TCP
"""


def unit_yaml(index: int) -> str:
    """The base manifest of service number `index` (a Deployment and its Service, ~2.3 KB)."""
    name = SERVICES[index]
    return UNIT_TEMPLATE.format(
        name=name,
        registry=REGISTRY,
        tier=("frontend", "backend", "data")[index % 3],
        replicas=1 + index % 3,
        port=8000 + index,
        upstream=SERVICES[(index + 1) % len(SERVICES)],
        cpu=100 + 50 * (index % 4),
        cpu_limit=1 + index % 2,
        memory=128 * (1 + index % 4),
        memory_limit=256 * (1 + index % 4),
    )


def space_name(index: int) -> str:
    """The slug of downstream space number `index`, e.g. `prod-eu-west-007`."""
    return f"prod-{REGIONS[index % len(REGIONS)]}-{index:03d}"


def region_of(index: int) -> str:
    return REGIONS[index % len(REGIONS)]


@dataclass(frozen=True)
class Override:
    """A space's local changes: replicas for every Deployment and an env var in every container."""

    replicas: int | None = None
    env: tuple[str, str] | None = None

    def mtx_commands(self, space: str) -> list[list[str]]:
        """The `mtx run …` command lines that make this override, one commit each."""
        commands = []
        if self.replicas is not None:
            commands.append(["run", "set-replicas", "--replicas", str(self.replicas), "--space", space])
        if self.env is not None:
            commands.append(["run", "set-env-var", "--env-var", f"{self.env[0]}={self.env[1]}", "--space", space])
        return commands


def override_of(index: int) -> Override:
    """Every space scales its Deployments (3-5 replicas) and sets SITE=<space> in every container.

    So every space's units are its own content, as real regions' overrides are: an implementation
    cannot make the fleet cheap by merging each distinct blob once.
    """
    return Override(replicas=3 + index % 3, env=("SITE", space_name(index)))
