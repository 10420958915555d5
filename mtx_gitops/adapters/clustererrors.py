"""The one place where Kubernetes client failures become `ClusterError`s, transient or permanent.

Transient (retry with backoff): timeouts, 429, 5xx other than schema rejections, refused or reset
connections. Permanent (report, wait for a new commit): other 4xx, and the HTTP 500 a v1.20 server
answers to an apply body that does not match the schema.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import Any

from urllib3.exceptions import HTTPError as Urllib3Error

from mtx_gitops.errors import ClusterError

# A v1.20 server reports schema mismatches in apply bodies as 500s: they will fail again the same way.
_SCHEMA_500_MARKERS = (
    "failed to create typed patch object",
    "field not declared in schema",
    "associative list with keys",
)
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def classify(error: BaseException, *, what: str) -> ClusterError:
    """A `ClusterError` for a failed request about `what` (an object's name or an operation)."""
    if isinstance(error, ClusterError):
        return error
    status = getattr(error, "status", None)
    if isinstance(status, int) and status > 0:
        reason = api_reason(error)
        transient = status in _TRANSIENT_STATUS or status >= 500
        if status == 500 and any(marker in reason for marker in _SCHEMA_500_MARKERS):
            transient = False
        return ClusterError(f"{what}: {reason}", transient=transient)
    if type(error).__name__ == "ResourceNotFoundError":
        return ClusterError(f"{what}: the API server does not serve this kind", transient=False)
    if _is_network_error(error):
        return ClusterError(f"{what}: cannot reach the API server ({_network_reason(error)})", transient=True)
    return ClusterError(f"{what}: {_short(error)}", transient=False)


def api_reason(error: BaseException) -> str:
    """The API's own message for a failed request (Status.message), else the HTTP reason."""
    body: Any = getattr(error, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body:
        try:
            status = json.loads(body)
        except ValueError:
            return _short_text(body)
        if isinstance(status, dict) and status.get("message"):
            return _short_text(str(status["message"]))
    return f"HTTP {getattr(error, 'status', '?')} {getattr(error, 'reason', '') or ''}".strip()


def is_status(error: BaseException, *codes: int) -> bool:
    """Whether a client exception is an HTTP error with one of these status codes."""
    return getattr(error, "status", None) in codes


def _is_network_error(error: BaseException) -> bool:
    # The client wraps socket errors in urllib3's MaxRetryError/ProtocolError; look down the chain.
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ConnectionError, TimeoutError, ssl.SSLError, Urllib3Error)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _network_reason(error: BaseException) -> str:
    # urllib3 nests the socket error deep inside a long MaxRetryError text; keep its gist.
    text = str(error)
    errno = re.search(r"\[Errno -?\d+\] ([^)\"'\]]+)", text)
    if errno:
        return errno.group(1).strip()
    if "timed out" in text.lower() or isinstance(error, TimeoutError):
        return "timed out"
    return _short(error)


def _short(error: BaseException) -> str:
    return _short_text(str(error) or type(error).__name__)


def _short_text(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 300 else f"{line[:297]}..."
