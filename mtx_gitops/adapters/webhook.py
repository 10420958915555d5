"""Posting a JSON document to a URL (a worker's notifications): the only module that speaks HTTP out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

TIMEOUT = 5.0  # seconds: a slow receiver must not hold the worker up for long


def post_json(url: str, payload: dict[str, Any], *, timeout: float = TIMEOUT) -> str | None:
    """POST `payload` as JSON to `url`; None on a 2xx answer, else why it failed (never raises)."""
    data = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", "User-Agent": "mtx-worker"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))
    return None if 200 <= status < 300 else f"HTTP {status}"
