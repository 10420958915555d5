"""A worker you can operate: Prometheus metrics scraped over HTTP while it runs, one JSON log line per
event, and a target's webhook getting a JSON event on each delivery and failure (servers on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.delivery.process import WorkerOptions, run_process
from tests.conftest import GIT_ENV, Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment

REGIONS = {"us": 3, "eu": 5, "asia": 2}


def regions_repo(root: Path, *, target: dict[str, Any]) -> ConfigRepo:
    repo = ConfigRepo(root, targets={"out": target})
    for region, replicas in REGIONS.items():
        repo.space(f"traderx-prod-{region}", target="out")
        repo.unit(f"traderx-prod-{region}", "trade-service", deployment("trade-service", replicas=replicas))
    repo.commit("stage 3")
    return repo


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status), answer.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def scrape_until(url: str, wanted: str, *, seconds: float = 60.0) -> str:
    """The metrics text once it holds `wanted` (polled: the worker delivers in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        _status, text = get(url)
        if wanted in text or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


class Receiver:
    """An HTTP server on 127.0.0.1 keeping the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        events = self.events

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                events.append({"path": self.path, "type": self.headers.get("Content-Type"),
                               "body": json.loads(self.rfile.read(length))})  # fmt: skip
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def test_metrics_are_scraped_over_http_while_the_worker_runs_and_each_event_is_one_json_line(tmp_path: Path) -> None:
    repo = regions_repo(tmp_path / "repo", target={"kind": "directory", "path": "out"})
    command = [sys.executable, "-m", "mtx_gitops", "worker", "run", "--repo", str(repo.root), "--branch", "main",
               "--interval", "0.2", "--metrics-port", "0", "--log-format", "json"]  # fmt: skip
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **GIT_ENV})  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(worker.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any('"metrics: http://' in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        announced = json.loads(next(line for line in lines if '"metrics: http://' in line))["message"]
        base = announced.split()[1].removesuffix("/metrics")
        assert base.startswith("http://127.0.0.1:")
        first = repo.git("rev-parse", "HEAD")

        text = scrape_until(f"{base}/metrics", f'mtx_worker_last_delivered_commit_info{{commit="{first}"}} 1.0')

        assert f'mtx_worker_last_delivered_commit_info{{commit="{first}"}} 1.0' in text
        assert 'mtx_worker_objects_applied_total{space="traderx-prod-eu"} 1.0' in text
        assert "mtx_worker_sync_duration_seconds_count 1.0" in text
        assert "mtx_worker_leader 1.0" in text
        assert get(f"{base}/healthz")[0] == 200 and get(f"{base}/readyz")[0] == 200

        (repo.root / "spaces/traderx-prod-eu/trade-service.yaml").write_text("kind: [unclosed\n")
        bad = repo.commit("a broken unit")
        text = scrape_until(f"{base}/metrics", 'mtx_worker_failures_total{class="permanent"')

        assert 'mtx_worker_failures_total{class="permanent",error="YamlError"} 1.0' in text
        assert f'mtx_worker_last_delivered_commit_info{{commit="{first}"}} 1.0' in text  # still the last good one
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, worker.stderr.read()  # type: ignore[union-attr]
        reader.join(timeout=10)
    events = [json.loads(line) for line in lines]  # every line is one JSON event
    kinds = [event["event"] for event in events]
    assert kinds[-1] == "stopped" and "log" in kinds
    delivered = next(event for event in events if event["event"] == "delivered")
    assert delivered["commit"] == first and delivered["spaces"] == 3 and delivered["seconds"] >= 0
    spaces = sorted(event["space"] for event in events if event["event"] == "space.delivered")
    assert spaces == ["traderx-prod-asia", "traderx-prod-eu", "traderx-prod-us"]
    failed = next(event for event in events if event["event"] == "failed")
    assert failed["commit"] == bad and failed["class"] == "permanent" and failed["error"] == "YamlError"
    assert all(set(event) >= {"time", "event", "message"} for event in events)


def test_a_targets_webhook_gets_an_event_on_each_delivery_and_failure(tmp_path: Path, receiver: Receiver) -> None:
    repo = regions_repo(tmp_path / "repo", target={"kind": "directory", "path": "out", "webhook": receiver.url})
    lines: list[str] = []

    assert run_process(WorkerOptions(location=str(repo.root), branch="main", once=True), log=lines.append) == 0

    first = repo.git("rev-parse", "HEAD")
    bodies = sorted((event["body"] for event in receiver.events), key=lambda body: body["space"])
    assert [event["type"] for event in receiver.events] == ["application/json"] * 3
    assert [(b["event"], b["space"], b["target"], b["commit"], b["applied"], b["pruned"]) for b in bodies] == [
        ("delivered", f"traderx-prod-{region}", "out", first, 1, 0) for region in ("asia", "eu", "us")]  # fmt: skip
    assert "webhook" not in bodies[0]

    repo.git("rm", "-q", "spaces/traderx-prod-asia/trade-service.yaml")
    emptied = repo.commit("asia: no units")
    receiver.events.clear()

    options = WorkerOptions(location=str(repo.root), branch="main", once=True, prune=True)
    assert run_process(options, log=lines.append) == 1

    failures = [event["body"] for event in receiver.events if event["body"]["event"] == "failed"]
    assert [(f["space"], f["target"], f["commit"], f["class"], f["error"]) for f in failures] == [
        ("traderx-prod-asia", "out", emptied, "permanent", "RefusedError")]  # fmt: skip
    assert "pruning would delete every file" in failures[0]["detail"]


def test_an_unreachable_webhook_is_logged_and_the_worker_goes_on(tmp_path: Path) -> None:
    repo = regions_repo(
        tmp_path / "repo", target={"kind": "directory", "path": "out", "webhook": "http://127.0.0.1:9/x"}
    )
    lines: list[str] = []

    assert run_process(WorkerOptions(location=str(repo.root), branch="main", once=True), log=lines.append) == 0

    assert any(line.startswith("webhook of target out: ") and "not delivered" in line for line in lines)
    assert (repo.root / "out/traderx-prod-eu/trade-service.yaml").exists()


def test_target_webhook_is_stored_and_a_bad_one_refused(mtx: Mtx) -> None:
    mtx("target", "create", "hooked", "--kind", "directory", "--path", "out2", "--webhook", "https://hooks.example/x")
    assert {row["target"]: row for row in mtx.json("target", "list")}["hooked"]["webhook"] == "https://hooks.example/x"
    before = mtx.fingerprint()
    refused = mtx("target", "update", "hooked", "--webhook", "file:///etc/passwd", ok=False)
    assert refused.code == 2 and "invalid --webhook" in refused.err and mtx.fingerprint() == before
    bad_log = mtx("worker", "run", "--once", "--log-format", "xml", ok=False)
    assert bad_log.code == 2 and "invalid --log-format 'xml'" in bad_log.err
