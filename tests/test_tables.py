"""Tables piped to another program keep every name whole, as kubectl's do (no cutting, no wrapping)."""

from __future__ import annotations

from tests.conftest import Mtx

LONG = "traderx-prod-eu-central-frankfurt-primary"


def test_a_piped_unit_list_keeps_long_names_on_one_line(mtx: Mtx) -> None:
    mtx("space", "create", LONG, "--label", "region=eu-central-frankfurt", "--label", "tier=production")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", LONG)

    listing = mtx("unit", "list", "--space", LONG).out

    row = next(line for line in listing.splitlines() if "reference-data" in line)
    assert LONG in row and "…" not in listing
    assert len(listing.splitlines()) == 5  # top border, header, rule, one row, bottom border
