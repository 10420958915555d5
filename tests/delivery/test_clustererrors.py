"""API failures classified in one place: what the worker retries and what it reports."""

from __future__ import annotations

import json

import pytest
import urllib3
from kubernetes.client.exceptions import ApiException

from mtx_gitops.adapters.clustererrors import classify

DEPLOYMENT = "apps/Deployment traderx/reference-data"


def api_error(status: int, message: str) -> ApiException:
    error = ApiException(status=status, reason="reason")
    error.body = json.dumps({"kind": "Status", "message": message})
    return error


@pytest.mark.parametrize(
    ("status", "message", "transient"),
    [
        (500, "failed to create typed patch object: .spec.bogus: field not declared in schema", False),
        (500, "etcdserver: request timed out", True),
        (503, "the server is currently unable to handle the request", True),
        (504, "Timeout: request did not complete within requested timeout", True),
        (429, "too many requests", True),
        (422, 'Deployment.apps "reference-data" is invalid: spec.replicas: Invalid value: -1', False),
        (409, "Apply failed with 1 conflict", False),
        (404, 'namespaces "traderx" not found', False),
        (403, "forbidden: exceeded quota", False),
    ],
)
def test_api_status_decides_transient(status: int, message: str, transient: bool) -> None:
    error = classify(api_error(status, message), what=DEPLOYMENT)

    assert error.transient is transient
    assert str(error) == f"{DEPLOYMENT}: {message}"


def test_connection_refused_and_timeouts_are_transient() -> None:
    cause = urllib3.exceptions.NewConnectionError(None, "Failed: [Errno 111] Connection refused")  # type: ignore[arg-type]
    refused = urllib3.exceptions.MaxRetryError(None, "/api", cause)  # type: ignore[arg-type]
    assert (str(classify(refused, what="x")), classify(refused, what="x").transient) == (
        "x: cannot reach the API server (Connection refused)", True)  # fmt: skip
    assert classify(TimeoutError("timed out"), what="x").transient
    assert classify(ConnectionResetError(104, "reset"), what="x").transient


def test_anything_else_is_permanent() -> None:
    assert not classify(ValueError("bad kubeconfig"), what="x").transient
