"""`./deploy N` and `mtx tutorial`: a cluster only with --kubeconfig, and a pause between stages.

An ambient $KUBECONFIG never sends the tutorial to a cluster; a kubeconfig that leads nowhere is
refused before anything changes; a target an earlier `--kubeconfig` deploy pointed at a cluster goes
back to its directory. On a terminal the course waits for Enter between stages (q stops); off one,
or with --no-pause, it never waits.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from mtx_gitops.cli.tutorial import execute_in_process
from mtx_gitops.tutorial.deploy import kubeconfig_cluster, point_targets_at
from mtx_gitops.tutorial.runner import Runner
from tests.conftest import GIT_ENV, Mtx, run

KUBECONFIG = """apiVersion: v1
kind: Config
current-context: prod-admin
contexts:
- name: prod-admin
  context: {cluster: prod, user: admin}
clusters:
- name: prod
  cluster: {server: "https://prod.example.invalid:6443"}
users:
- name: admin
  user: {token: x}
"""


@pytest.fixture(autouse=True)
def wide_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("KUBECONFIG", raising=False)


def set_up(tmp_path: Path, stage: int) -> Mtx:
    root = tmp_path / "microtraderx"
    result = run("tutorial", "setup", str(stage), "--repo", str(root))
    assert result.code == 0, result.err + result.out
    return Mtx(root)


def targets(m: Mtx) -> dict[str, tuple[str, str | None]]:
    return {t["target"]: (t["kind"], t.get("kubeconfig") or t.get("path")) for t in m.json("target", "list")}


def test_an_ambient_kubeconfig_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG)
    monkeypatch.setenv("KUBECONFIG", str(config))
    m = set_up(tmp_path, 1)
    before = m.commits()
    result = run("tutorial", "deploy", "1", "--repo", str(m.root))
    assert result.code == 0, result.err
    assert "no --kubeconfig: no cluster" in result.out and "prod.example.invalid" not in result.out
    assert (m.root / "out" / "traderx" / "reference-data.yaml").is_file()
    assert targets(m)["local"] == ("directory", "out") and m.commits() == before


def test_a_kubeconfig_that_leads_nowhere_is_refused_before_anything_changes(tmp_path: Path) -> None:
    m = set_up(tmp_path, 1)
    before = m.commits()
    missing = run("tutorial", "deploy", "1", "--repo", str(m.root), "--kubeconfig", str(tmp_path / "nope"))
    assert missing.code == 2 and "no such file" in missing.err and len(missing.err.strip().splitlines()) == 1
    broken = tmp_path / "broken"
    broken.write_text(KUBECONFIG.replace("current-context: prod-admin", "current-context: gone"))
    refused = run("tutorial", "deploy", "1", "--repo", str(m.root), "--kubeconfig", str(broken))
    assert refused.code == 2 and "'gone' is not among its contexts" in refused.err
    assert m.commits() == before and not (m.root / "out").exists()


def test_a_cluster_that_does_not_answer_is_refused_before_any_target_changes(tmp_path: Path) -> None:
    m = set_up(tmp_path, 1)
    before = m.commits()
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG.replace("https://prod.example.invalid:6443", "https://127.0.0.1:1"))
    refused = run("tutorial", "deploy", "1", "--repo", str(m.root), "--kubeconfig", str(config))
    assert refused.code != 0 and "about to change the cluster at https://127.0.0.1:1" in refused.out
    assert "cannot reach the API server" in refused.err and len(refused.err.strip().splitlines()) == 1
    assert m.commits() == before and targets(m)["local"] == ("directory", "out")


def test_the_server_and_context_come_from_the_kubeconfig(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG)
    cluster = kubeconfig_cluster(str(config))
    assert (cluster.server, cluster.context, cluster.kubeconfig) == (
        "https://prod.example.invalid:6443",
        "prod-admin",
        str(config.resolve()),
    )


def test_deploy_without_kubeconfig_puts_cluster_targets_back_to_their_directories(tmp_path: Path) -> None:
    m = set_up(tmp_path, 3)
    runner = Runner(m.root, execute=execute_in_process, console=Console(file=io.StringIO()))
    point_targets_at(runner, ("traderx-prod-us", "traderx-prod-eu"), "/etc/kube/config")
    assert targets(m)["prod-us"] == ("kubernetes", "/etc/kube/config")
    result = run("tutorial", "deploy", "3", "--repo", str(m.root))
    assert result.code == 0, result.err
    assert "$ mtx target update prod-us --kind directory --path out/prod-us" in result.out
    assert targets(m) == {
        "local": ("directory", "out"),
        **{f"prod-{r}": ("directory", f"out/prod-{r}") for r in ("us", "eu", "asia")},
    }
    assert (m.root / "out" / "prod-eu" / "traderx-prod-eu" / "trade-service.yaml").is_file()


def test_the_course_reads_without_reads_lines_and_never_waits_off_a_terminal(tmp_path: Path) -> None:
    result = run("tutorial", "--repo", str(tmp_path / "course"))  # stdin is no terminal: no pause
    assert result.code == 0, result.err
    assert "All 7 stages done" in result.out and "reads:" not in result.out and "Enter" not in result.out
    assert result.out.count("$ cd ") == 1


ANSI = re.compile(rb"\x1b\[[0-9;]*m")


def read_until(fd: int, marker: bytes, seconds: float = 60.0) -> bytes:
    """What the terminal `fd` shows (colours taken out) up to and including `marker`."""
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in ANSI.sub(b"", seen):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {marker!r} within {seconds} s; saw: {seen[-2000:]!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return ANSI.sub(b"", seen)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_on_a_terminal_the_course_waits_between_stages_and_q_stops_it(tmp_path: Path) -> None:
    root = tmp_path / "course"
    pid, fd = pty.fork()
    if pid == 0:  # the child: mtx on a terminal 100 columns wide
        env = {**os.environ, **GIT_ENV, "COLUMNS": "100"}
        env.pop("KUBECONFIG", None)
        os.execve(sys.executable, [sys.executable, "-m", "mtx_gitops", "tutorial", "--repo", str(root)], env)
    try:
        shown = read_until(fd, b"(q stops)")
        assert b"Stage 1: Hello TraderX" in shown and b"for stage 2: Three Environments" in shown
        assert b"Stage 2: Three Environments" not in shown.split(b"for stage 2")[0].split(b"Deploy stage 1")[-1]
        os.write(fd, b"q\n")
        rest = read_until(fd, b"then `./deploy 2")
        assert b"Stopped before stage 2" in rest
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert Mtx(root).json("space", "list")[0]["space"] == "traderx"
