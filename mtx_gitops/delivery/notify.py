"""Webhook notifications: a target's `webhook` URL gets one JSON event per delivery and per failure.

The event is `{"event": "delivered" | "failed", "target", "space", "commit", ...}`: a delivery
says how many objects (files) it applied and pruned, a failure says the error. A webhook that
cannot be reached is logged and the worker goes on; it is never retried.
"""

from __future__ import annotations

from collections.abc import Callable

from mtx_gitops.adapters.webhook import post_json
from mtx_gitops.delivery.events import WorkerEvent

_SENT = {"space.delivered": "delivered", "space.failed": "failed"}


class Notifier:
    """Posts the space events that name a webhook; reports a failed post through `log`."""

    def __init__(self, *, log: Callable[[str], None], post: Callable[..., str | None] = post_json) -> None:
        self.log = log
        self.post = post

    def observe(self, event: WorkerEvent) -> None:
        url = event.fields.get("webhook")
        if event.kind not in _SENT or not url:
            return
        payload = event.as_json() | {"event": _SENT[event.kind]}
        problem = self.post(str(url), payload)
        if problem is not None:
            self.log(f"webhook of target {event.target}: {problem}; the event was not delivered")
