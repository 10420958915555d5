"""Manifests shaped as ConfigHub's function tests use them: a Deployment with an app container and a
sidecar, a placeholder-filled Deployment, a RoleBinding, a Service and a multi-resource unit."""

from __future__ import annotations

from typing import Any

from mtx_gitops import yaml

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: mydep
  annotations:
    confighub.com/key: something
  name: mydep
  namespace: example
spec:
  replicas: 3 # Line comment on replicas
  paused: false
  selector:
    matchLabels:
      app: mydep
  strategy: {}
  template:
    metadata:
      labels:
        app: mydep
    spec:
      dnsPolicy: ClusterFirst
      containers:
      - image: nginx:latest
        name: nginx
        ports:
        - containerPort: 8080
        resources: {}
      - image: otel/opentelemetry-collector:latest-amd64
        name: otel-sidecar
        ports:
        - containerPort: 4318
"""

PLACEHOLDERS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: confighubplaceholder
  name: confighubplaceholder
  namespace: confighubplaceholder
spec:
  replicas: 999999999
  selector:
    matchLabels:
      app: confighubplaceholder
  template:
    metadata:
      labels:
        app: confighubplaceholder
    spec:
      serviceAccountName: confighubplaceholder
      containers:
      - image: confighubplaceholder:latest
        name: main
        env:
        - name: DATABASE_HOST
          value: confighubplaceholder
        envFrom:
        - configMapRef:
            name: confighubplaceholder
"""

ROLEBINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: myrb
  namespace: example
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: robot-role
subjects:
- kind: ServiceAccount
  name: robot-sa
  namespace: somens
- kind: ServiceAccount
  name: my-sa
  namespace: somens
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app: mydep
  ports:
  - port: 80
    targetPort: 8080
"""

ALL_IN_ONE = """\
apiVersion: v1
kind: Service
metadata:
  name: myservice
  namespace: foobar
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: myconfig
  namespace: foobar
data:
  a: b
---
apiVersion: v1
kind: Namespace
metadata:
  name: foobar
"""


def docs(text: str) -> list[dict[str, Any]]:
    return yaml.load_documents(text, source="fixture")


def containers(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["spec"]["template"]["spec"]["containers"]}
