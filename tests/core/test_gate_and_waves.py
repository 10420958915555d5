"""The health gate over plain times and healths, durations, and how objects are grouped into waves."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops.core.gate import FAIL, PASS, WAIT, Gate, format_seconds, parse_duration
from mtx_gitops.core.health import Health
from mtx_gitops.core.waves import annotated_wave, waves
from mtx_gitops.errors import UserError

OK, BUSY, BAD = Health("Healthy", "ok"), Health("Progressing", "Ready: 0/1"), Health("Degraded", "deadline")


def test_gate_passes_after_the_soak_and_starts_the_soak_over_when_health_breaks() -> None:
    gate = Gate(opened=0.0, timeout=30.0, soak=10.0)
    assert gate.observe(1.0, {"a": BUSY, "b": OK}).outcome == WAIT
    assert gate.observe(2.0, {"a": OK, "b": OK}).outcome == WAIT  # healthy since 2: soaking
    assert gate.observe(8.0, {"a": BUSY, "b": OK}).outcome == WAIT  # the soak breaks
    assert gate.observe(9.0, {"a": OK, "b": OK}).outcome == WAIT
    assert gate.observe(18.9, {"a": OK, "b": OK}).outcome == WAIT
    assert gate.observe(19.0, {"a": OK, "b": OK}).outcome == PASS


def test_gate_fails_on_degraded_at_once_and_on_timeout_naming_what_blocks() -> None:
    assert Gate(opened=0.0, timeout=30.0).observe(0.5, {"a": BAD, "b": BUSY}).blocking == [("a", BAD)]
    gate = Gate(opened=0.0, timeout=30.0)
    assert gate.observe(29.0, {"a": BUSY, "b": OK}).outcome == WAIT
    verdict = gate.observe(30.0, {"a": BUSY, "b": OK})
    assert (verdict.outcome, verdict.blocking, verdict.reason) == (FAIL, [("a", BUSY)], "not Healthy within 30s")


def test_gate_timeout_counts_from_the_last_time_all_were_healthy() -> None:
    gate = Gate(opened=0.0, timeout=10.0, soak=100.0)
    gate.observe(5.0, {"a": OK})
    assert gate.observe(12.0, {"a": BUSY}).outcome == WAIT
    assert gate.observe(22.0, {"a": BUSY}).outcome == FAIL


def test_zero_soak_passes_on_first_healthy_look() -> None:
    assert Gate(opened=0.0, timeout=5.0).observe(0.0, {"a": OK}).outcome == PASS
    assert Gate(opened=0.0, timeout=5.0).observe(0.0, {}).outcome == PASS


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("1h30m", 5400), ("500ms", 0.5), ("1.5s", 1.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, option="--soak") == seconds


@pytest.mark.parametrize("text", ["", "m", "10x", "1..2s", "-5s", "ten"])
def test_bad_durations_name_the_option(text: str) -> None:
    with pytest.raises(UserError, match="--soak"):
        parse_duration(text, option="--soak")


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (0.5, 30, 90, 3600, 5400)] == ["0.5s", "30s", "1m30s", "1h", "1h30m"]


def item(name: str, kind: str, wave: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if wave is not None:
        meta["annotations"] = {"mtx.dev/wave": wave}
    return {"kind": kind, "metadata": meta}


def grouped(items: list[dict[str, Any]], needs: dict[str, set[str]] | None = None) -> list[tuple[int, list[str]]]:
    found = waves(
        items,
        identity=lambda i: i["metadata"]["name"],
        wave=lambda i: annotated_wave(i, name=i["metadata"]["name"]),
        kind=lambda i: i["kind"],
        needs=needs,
    )
    return [(n, [i["metadata"]["name"] for i in group]) for n, group in found]


def test_kind_order_within_a_wave_and_annotated_waves_in_number_order() -> None:
    items = [item("web", "Deployment"), item("widget", "Widget"), item("cfg", "ConfigMap"),
             item("sa", "ServiceAccount"), item("svc", "Service"), item("crd", "CustomResourceDefinition"),
             item("ns", "Namespace"), item("db", "StatefulSet", "-1"), item("smoke", "Job", "5")]  # fmt: skip
    assert grouped(items) == [
        (-1, ["db"]),
        (0, ["ns", "crd", "sa", "cfg", "svc", "web", "widget"]),
        (5, ["smoke"]),
    ]


def test_a_bad_wave_annotation_names_the_object() -> None:
    with pytest.raises(UserError, match=r"web: annotation mtx.dev/wave must be an integer, not 'soon'"):
        grouped([item("web", "Deployment", "soon")])


def test_needs_place_an_object_after_its_providers_the_seam_for_links() -> None:
    items = [item("app", "Deployment"), item("db", "StatefulSet"), item("cache", "Deployment", "3")]
    assert grouped(items, {"app": {"db", "cache"}}) == [(0, ["db"]), (3, ["cache"]), (4, ["app"])]
    with pytest.raises(UserError, match="circle"):
        grouped(items, {"app": {"db"}, "db": {"app"}})
