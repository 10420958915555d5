"""Tables piped to another program keep every name whole and take cub's plain form (no box drawing)."""

from __future__ import annotations

from mtx_gitops.cli.tables import plain_table
from tests.conftest import Mtx

LONG = "traderx-prod-eu-central-frankfurt-primary"


def test_a_piped_unit_list_keeps_long_names_on_one_line(mtx: Mtx) -> None:
    mtx("space", "create", LONG, "--label", "region=eu-central-frankfurt", "--label", "tier=production")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", LONG)

    listing = mtx("unit", "list", "--space", LONG).out

    row = next(line for line in listing.splitlines() if "reference-data" in line)
    assert LONG in row and "…" not in listing
    assert len(listing.splitlines()) == 2  # the header, one row
    assert listing.split("\n")[1].split() == ["reference-data", LONG, "Deployment,Service", "-", "no"]


def test_plain_tables_pad_each_column_to_its_widest_cell_four_spaces_apart() -> None:
    text = plain_table(["NAME", "SPACE"], [["trade-service", "eu"], ["db", "traderx-prod-us"]])

    assert text.splitlines() == [
        "NAME             SPACE",
        "trade-service    eu",
        "db               traderx-prod-us",
    ]
    assert plain_table(None, []) == ""
