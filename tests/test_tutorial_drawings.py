"""The tutorial's drawings as a terminal shows them, 80 and 160 columns wide, read against the guide.

The whole course is played once per width into a recording console; each check reads the text a
person would see: distinct box titles, nothing cut, images with their names, stage 4's three panels
(before, base updated with the regions still old, after), and the Kubernetes side drawn from the
rendered manifests and marked as not running.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from mtx_gitops.cli.tutorial import execute_in_process
from mtx_gitops.tutorial.course import run_course

REGIONS = ("traderx-prod-us", "traderx-prod-eu", "traderx-prod-asia")
TITLE = re.compile(r"╭─+ (\S+) ─")


@pytest.fixture(scope="module", params=[80, 160], ids=["80-columns", "160-columns"])
def screen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every drawing of one course, by its frame's title (`Stage 4: Push-Upgrade`, `Kubernetes … stage 3`)."""
    width: int = request.param
    console = Console(record=True, width=width, file=io.StringIO(), highlight=False)
    run_course(Path(tmp_path_factory.mktemp("course")) / "repo", execute=execute_in_process, console=console)
    text = console.export_text()
    drawings: dict[str, str] = {}
    for block in re.findall(r"^┏.*?^┗[^\n]*", text, flags=re.M | re.S):
        assert {cell_len(line) for line in block.splitlines()} == {width}, block
        title = re.sub(r"[━┏┓]", "", block.splitlines()[0]).strip()
        drawings[title] = block
    drawings["all"] = text
    return drawings


def titles(drawing: str) -> list[str]:
    return TITLE.findall(drawing)


def box(drawing: str, title: str) -> str:
    """The text inside the box titled `title`, its lines joined by single spaces (wrapping undone)."""
    lines = drawing.splitlines()
    tops = [(i, m) for i, line in enumerate(lines) if (m := re.search(rf"╭─+ {re.escape(title)} ─+╮", line))]
    assert tops, f"no box {title!r}"
    top, found = tops[0]
    left, right = found.start(), found.end() - 1
    inside = []
    for line in lines[top + 1 :]:
        if line[left] == "╰":
            break
        inside.append(line[left + 1 : right].strip())
    return " ".join(" ".join(inside).split())


def test_nothing_is_cut(screen: dict[str, str]) -> None:
    assert "…" not in screen["all"]
    for drawing in screen.values():
        assert not [t for t in titles(drawing) if t.endswith("-")], titles(drawing)


def test_stage_7_titles_its_four_boxes_distinctly(screen: dict[str, str]) -> None:
    drawn = titles(screen["Stage 7: Emergency Bypass"])
    assert sorted(drawn) == sorted([*REGIONS, "traderx-base"])


@pytest.mark.parametrize("stage", ["Stage 3: Three Regions", "Stage 5: Find and Fix"])
def test_the_three_regions_have_distinct_titles(screen: dict[str, str], stage: str) -> None:
    assert [t for t in titles(screen[stage]) if t.startswith("traderx-prod-")] == list(REGIONS)


def test_images_are_drawn_with_their_names(screen: dict[str, str]) -> None:
    everything = screen["all"]
    assert "image: :" not in everything and not re.search(r"image: *\n[^\n]*│ +:", everything)
    unbroken = "trade-service:v2" in everything
    broken = re.search(r"│ +trade-service +│.*\n.*│ +:v2 ", everything) is not None
    assert unbroken or broken


def sections(drawing: str) -> tuple[str, str, str]:
    before = drawing[drawing.index("① Before") : drawing.index("② Base updated")]
    updated = drawing[drawing.index("② Base updated") : drawing.index("③ Push-upgrade")]
    after = drawing[drawing.index("③ Push-upgrade") :]
    return before, updated, after


def test_stage_4_draws_before_base_updated_and_after(screen: dict[str, str]) -> None:
    before, updated, after = sections(screen["Stage 4: Push-Upgrade"])
    for section in (before, updated, after):
        assert [t for t in titles(section) if t != "traderx-base"] == list(REGIONS)
        assert "traderx-base" in titles(section)
    assert all(f"r: {n} ⚡ override" in before for n in (3, 5, 2)) and "✗" not in before
    assert "algo: quantum ⚡" in updated and "timeout: 60s ⚡" in updated
    assert updated.count("← still old!") == 3 and updated.count(":latest ✗") == 3
    assert re.search(r"= standard ✗|algo: standard ✗", updated) and "UpgradeNeeded" in updated
    assert all(f"r: {n} ✓" in after for n in (3, 5, 2)) and "algo: quantum ⚡" in after
    assert "✓ EU replicas: 5" in after


def test_stage_4s_connector_keeps_to_its_line(screen: dict[str, str]) -> None:
    lines = screen["Stage 4: Push-Upgrade"].splitlines()
    [at] = [i for i, line in enumerate(lines) if "PUSH-UPGRADE" in line]
    assert re.search(r"│ PUSH-UPGRADE ⚡⚡⚡ +┃$", lines[at])
    assert "┌" in lines[at + 1] and "┼" in lines[at + 1] and lines[at + 2].count("▼") == 3


def test_without_a_cluster_the_kubernetes_side_is_drawn_from_the_rendered_manifests(screen: dict[str, str]) -> None:
    drawing = screen["Kubernetes, as rendered: stage 3"]
    assert "not running: no cluster" in drawing and "Running" not in drawing.replace("not running", "")
    assert titles(drawing) == ["traderx-infra", *REGIONS]
    for region, pods in zip(REGIONS, (3, 5, 2), strict=True):
        inside = box(drawing, region)
        assert inside.startswith(f"Namespace: {region} Deployment reference-data")
        assert "Deployment trade-service" in inside and "□ " * pods + f"{pods} pods" in inside
        assert "trade-service:latest" in inside.replace(" :", ":")
