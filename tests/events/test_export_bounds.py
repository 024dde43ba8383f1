"""Counts and amounts of an export lie within 10^15 (``model.MAX_MAGNITUDE``) and are read
exactly. The fuzz suite found ``import paths`` writing an overlay its map refused (a 40-digit
count, rounded through a float to 41 digits) and ``Infinity`` into JSON (two amounts of 1e308)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.events.exports import ExportError, Row, amount, whole_count
from journeymap.io import load_map
from tests.support import MAPS, Result

SHOP = MAPS / "first-purchase.yaml"


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1,000,000,000,000,000", 10**15),  # the bound itself
        ("999999999999999.0", 999_999_999_999_999),  # exact: a float has 53 bits, this 50
        ("12 345", 12_345),
    ],
)
def test_whole_counts_up_to_the_bound_are_exact(cell: str, value: int) -> None:
    got = whole_count(Row(2, {"Users": cell}), "Users", ["Users"], "f.csv")
    assert got == value and isinstance(got, int)


@pytest.mark.parametrize("cell", ["1000000000000001", "9007199254740993", "9" * 40])
def test_counts_beyond_the_bound_are_refused_at_the_cell(cell: str) -> None:
    with pytest.raises(ExportError) as err:
        whole_count(Row(3, {"Step": "A", "Users": cell}), "Users", ["Step", "Users"], "f.csv")
    (d,) = err.value.diagnostics
    assert d.message == f"'{cell}' in column 'Users' is more than 10^15 customers"
    assert str(d.position) == "f.csv:3:3"  # after "A,"


@pytest.mark.parametrize("cell", ["1e308", "1e16", "inf", "nan", "-1"])
def test_amounts_beyond_the_bound_or_not_numbers_are_refused(cell: str) -> None:
    with pytest.raises(ExportError, match="is not an amount"):
        amount(Row(2, {"v": cell}), "v", ["v"], "f.csv")
    assert amount(Row(2, {"v": "1e15"}), "v", ["v"], "f.csv") == 1e15


def test_the_paths_of_the_fuzz_finding(tmp_path: Path, cli: Callable[..., Result]) -> None:
    table = tmp_path / "paths.csv"
    out = tmp_path / "out.json"
    head = "path,total_conversions,total_null,total_conversion_value\n"
    table.write_text(head + "Product page > Cart,3,1,1e308\nProduct page,0,2,1e308\n", "utf-8")
    r = cli("import", "paths", str(table), "--map", str(SHOP), "-o", str(out))
    assert r.code == 2 and not out.exists()
    assert r.err.startswith(f"{table}:2:25: '1e308' in column 'total_conversion_value' is not an")
    # within the bound: the sum is finite, the overlay strict JSON and loadable on its map
    table.write_text(head + "Product page > Cart,3,1,1e15\nProduct page,0,2,1e15\n", "utf-8")
    r = cli("import", "paths", str(table), "--map", str(SHOP), "-o", str(out))
    assert r.code == 0, r.err
    doc = json.loads(out.read_text("utf-8"), parse_constant=lambda w: pytest.fail(w))
    assert doc["settings"]["total_conversion_value"] == 2e15
    assert load_map(SHOP, data=out).overlay is not None
