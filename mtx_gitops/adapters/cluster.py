"""The cluster adapter: the only module that talks to a Kubernetes API server.

Objects go in and come out as plain dicts. Every client failure leaves as a `ClusterError`
(see `clustererrors.classify`). Callers import this module lazily, so the CLI starts without the
`kubernetes` package loaded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from kubernetes import config as kube_config
from kubernetes import dynamic

from mtx_gitops.adapters.clustererrors import classify, is_status
from mtx_gitops.errors import ClusterError

FIELD_MANAGER = "mtx"
IN_CLUSTER_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
Object = dict[str, Any]


class Cluster:
    """One API server, reached through one kubeconfig context."""

    def __init__(self, api_client: Any, *, name: str, timeout: float = 15.0) -> None:
        self.name = name
        self.timeout = timeout
        self._api_client = api_client
        self._dynamic: Any = None

    @classmethod
    def from_kubeconfig(cls, path: str, context: str | None = None, *, timeout: float = 15.0) -> Cluster:
        """A cluster from a kubeconfig file; no request is made until the first call."""
        try:
            api_client = kube_config.new_client_from_config(config_file=path, context=context)  # type: ignore[no-untyped-call]
        except Exception as exc:
            raise ClusterError(f"kubeconfig {path}: {exc}", transient=False) from None
        return cls(api_client, name=f"{path}{f'#{context}' if context else ''}", timeout=timeout)

    @classmethod
    def in_cluster(cls, account_dir: str | None = None, *, timeout: float = 15.0) -> Cluster:
        """The API server of the pod this runs in, as its service account (token and CA in `account_dir`).

        `KUBERNETES_SERVICE_HOST`/`_PORT` name the server; the token file is read again as it rotates.
        """
        from kubernetes import client
        from kubernetes.config import incluster_config

        directory = account_dir or IN_CLUSTER_ACCOUNT_DIR
        configuration = client.Configuration()
        try:
            incluster_config.InClusterConfigLoader(  # type: ignore[no-untyped-call]
                token_filename=f"{directory}/token", cert_filename=f"{directory}/ca.crt"
            ).load_and_set(configuration)
        except Exception as exc:
            raise ClusterError(f"in-cluster configuration ({directory}): {exc}", transient=False) from None
        return cls(client.ApiClient(configuration), name=f"in-cluster {configuration.host}", timeout=timeout)

    def close(self) -> None:
        """Release the connection pool."""
        self._api_client.close()

    def apply(self, obj: Mapping[str, Any], *, dry_run: bool = False, force: bool = True) -> Object:
        """Server-side apply `obj` with field manager `mtx`; `dry_run` validates without persisting."""
        with _api(describe(obj)):
            resource = self._resource(obj)
            result = self._client.server_side_apply(
                resource,
                body=dict(obj),
                field_manager=FIELD_MANAGER,
                force_conflicts=force,
                dry_run="All" if dry_run else None,
                _request_timeout=self.timeout,
            )
            return _plain(result)

    def get(self, obj: Mapping[str, Any]) -> Object | None:
        """The live object with the identity of `obj`, or None when it does not exist."""
        with _api(describe(obj)):
            resource = self._resource(obj)
            meta = obj["metadata"]
            try:
                result = self._client.get(
                    resource,
                    name=meta["name"],
                    namespace=_namespace(resource, meta),
                    _request_timeout=self.timeout,
                )
            except Exception as exc:
                if is_status(exc, 404):
                    return None
                raise
            return _plain(result)

    def delete(self, obj: Mapping[str, Any]) -> bool:
        """Delete the object with the identity of `obj` (dependents in the background); False if absent."""
        # With a request body the server ignores query parameters, so the options go in the body.
        options = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
        with _api(describe(obj)):
            resource = self._resource(obj)
            meta = obj["metadata"]
            try:
                self._client.delete(
                    resource,
                    name=meta["name"],
                    namespace=_namespace(resource, meta),
                    body=options,
                    _request_timeout=self.timeout,
                )
            except Exception as exc:
                if is_status(exc, 404):
                    return False
                raise
            return True

    def list_objects(
        self, api_version: str, kind: str, *, namespace: str | None = None, label_selector: str | None = None
    ) -> list[Object]:
        """Objects of one kind, optionally in one namespace and matching a label selector."""
        with _api(f"list {api_version} {kind}"):
            resource = self._client.resources.get(api_version=api_version, kind=kind)
            result = self._client.get(
                resource, namespace=namespace, label_selector=label_selector, _request_timeout=self.timeout
            )
            items: list[Object] = _plain(result).get("items") or []
            for item in items:
                item.setdefault("apiVersion", api_version)
                item.setdefault("kind", kind)
            return items

    def find_labelled(self, label_selector: str) -> list[Object]:
        """Objects of every listable kind, in every namespace, that match a label selector."""
        with _api("discover the API's kinds"):
            resources = [
                res
                for res in self._client.resources.search()
                if getattr(res, "preferred", False)
                and "list" in (getattr(res, "verbs", None) or [])
                and "/" not in res.name
                and not res.kind.endswith("List")
            ]
        found: dict[str, Object] = {}
        for kind in sorted({(res.group_version, res.kind) for res in resources}):
            try:
                items = self.list_objects(*kind, label_selector=label_selector)
            except ClusterError as error:
                if isinstance(error.__cause__, Exception) and is_status(error.__cause__, 404):
                    continue  # a CRD deleted since discovery
                raise
            for item in items:
                # One stored object can be served by two groups (extensions and networking Ingress).
                found.setdefault(item["metadata"]["uid"], item)
        return list(found.values())

    def create_or_replace(self, obj: Mapping[str, Any]) -> Object | None:
        """Create `obj`, or replace it when it carries a resourceVersion; None if someone wrote first."""
        with _api(describe(obj)):
            resource = self._resource(obj)
            method = self._client.replace if obj["metadata"].get("resourceVersion") else self._client.create
            try:
                return _plain(method(resource, body=dict(obj), _request_timeout=self.timeout))
            except Exception as exc:
                if is_status(exc, 409):
                    return None
                raise

    def serves(self, api_version: str, kind: str) -> bool:
        """Whether the server knows this kind now (a CRD's kind appears once it is Established)."""
        with _api(f"discover {api_version} {kind}"):
            try:
                self._client.resources.get(api_version=api_version, kind=kind)
            except Exception as exc:
                if type(exc).__name__ == "ResourceNotFoundError":
                    return False
                raise
            return True

    def wait_established(self, crd: Mapping[str, Any], *, timeout: float = 30.0) -> None:
        """Wait until a CustomResourceDefinition is Established and its kind is served."""
        names = (crd.get("spec") or {}).get("names") or {}
        group = (crd.get("spec") or {}).get("group", "")
        versions = [v["name"] for v in (crd.get("spec") or {}).get("versions") or [] if v.get("served", True)]
        deadline = time.monotonic() + timeout
        while True:
            live = self.get(crd) or {}
            conditions = (live.get("status") or {}).get("conditions") or []
            established = any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)
            if established and all(self.serves(f"{group}/{v}", names.get("kind", "")) for v in versions):
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"{describe(crd)}: not Established after {timeout:.0f}s", transient=True)
            time.sleep(0.2)

    @property
    def _client(self) -> Any:
        if self._dynamic is None:
            with _api(f"connect to {self.name}"):
                self._dynamic = dynamic.DynamicClient(self._api_client)  # type: ignore[no-untyped-call]
        return self._dynamic

    def _resource(self, obj: Mapping[str, Any]) -> Any:
        return self._client.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])


def describe(obj: Mapping[str, Any]) -> str:
    """`group/Kind namespace/name`, the way every message names an object."""
    api = str(obj.get("apiVersion", ""))
    group = f"{api.rsplit('/', 1)[0]}/" if "/" in api else ""
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{group}{obj.get('kind')} {where}{meta.get('name')}"


@contextmanager
def _api(what: str) -> Iterator[None]:
    try:
        yield
    except ClusterError:
        raise
    except Exception as exc:
        raise classify(exc, what=what) from exc


def _namespace(resource: Any, meta: Mapping[str, Any]) -> str | None:
    return meta.get("namespace") if resource.namespaced else None


def _plain(result: Any) -> Object:
    if hasattr(result, "to_dict"):
        plain: Object = result.to_dict()
        return plain
    return dict(result) if isinstance(result, Mapping) else {}
