"""The worker's HTTP endpoints: a small stdlib server with a table of routes (`/healthz`, `/readyz`).

Each route is a function returning (status, body); more routes (metrics) are added with `route`.
The server runs in a daemon thread and binds 127.0.0.1 unless told otherwise (in a pod: 0.0.0.0).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtx_gitops.delivery.worker import WorkerState

Handler = Callable[[], tuple[int, str]]
STALE_AFTER = 600.0  # seconds without a loop beat before /healthz fails (an apply may wait for health a while)


class Endpoints:
    """GET routes served from a background thread until `stop`."""

    def __init__(self, *, address: str = "127.0.0.1", port: int = 0) -> None:
        self.address = address
        self.port = port
        self.routes: dict[str, Handler] = {}
        self.types: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None

    def route(self, path: str, handler: Handler, *, content_type: str = "text/plain; charset=utf-8") -> None:
        """Serve `handler`'s (status, text) at `path`, as `content_type`."""
        self.routes[path] = handler
        self.types[path] = content_type

    def start(self) -> int:
        """Listen and serve in a daemon thread; returns the port (useful with port 0)."""
        routes, types = self.routes, self.types

        class _Request(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                handler = routes.get(path)
                status, body = handler() if handler else (404, "not found\n")
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", types.get(path, "text/plain; charset=utf-8"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # probes every few seconds: keep quiet
                return

        self._server = ThreadingHTTPServer((self.address, self.port), _Request)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="mtx-endpoints", daemon=True).start()
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def worker_probes(endpoints: Endpoints, state: WorkerState, *, interval: float) -> Endpoints:
    """`/healthz`: the loop is turning (a beat within max(3 × interval, STALE_AFTER));
    `/readyz`: it has finished a first pass (as leader or follower)."""
    stale_after = max(3 * interval, STALE_AFTER)

    def healthz() -> tuple[int, str]:
        quiet = time.monotonic() - state.beat
        return (200, "ok\n") if quiet < stale_after else (503, f"no loop for {quiet:.0f}s\n")

    def readyz() -> tuple[int, str]:
        if not state.passes:
            return 503, "first pass not finished\n"
        return 200, f"ok ({'leader' if state.leader else 'follower'}, applied {(state.applied or '-')[:12]})\n"

    endpoints.route("/healthz", healthz)
    endpoints.route("/readyz", readyz)
    return endpoints
