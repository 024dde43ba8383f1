"""The cohort heatmap: cells of the retention triangle, partial cells marked, fixed bytes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from journeymap.analysis.cohorts import CohortCounts, Cohorts, build_cohorts
from journeymap.render.cohort_chart import Cell, cells, cohort_chart, left_out_line
from tests.support import run_cli

LOG = """user_id,timestamp,event
a,2026-01-05T10:00:00Z,buy
a,2026-01-05T10:00:00Z,buy
a,2026-02-03T10:00:00Z,buy
b,2026-01-20T10:00:00Z,buy
b,2026-01-20T10:00:00Z,home
c,2026-02-10T10:00:00Z,buy
c,2026-03-10T10:00:00Z,buy
d,2026-04-02T10:00:00Z,buy
"""


def _counts() -> CohortCounts:
    # the log of docs/analysis.md "Cohorts": January a, b; February c; April d (partial)
    return CohortCounts(
        "month",
        ("2026-01", "2026-02", "2026-03", "2026-04"),
        3,
        active={(0, 0): 2, (0, 1): 1, (1, 0): 1, (1, 1): 1, (3, 0): 1},
        customers=4,
        repeat_customers=2,
        seconds_to_second=(29 * 86400, 28 * 86400),
    )


def test_cells_by_hand_whole_periods_only() -> None:
    c = build_cohorts(_counts())
    assert cells(c) == [
        Cell(0, 0, 1.0, "100.0%", False),
        Cell(0, 1, 0.5, "50.0%", False),
        Cell(0, 2, 0.0, "0.0%", False),
        Cell(1, 0, 1.0, "100.0%", False),
        Cell(1, 1, 1.0, "100.0%", False),
    ]
    # April's cohort (1 customer) and the April cells of January and February are left out
    assert left_out_line(c) == (
        "left out (the log ends before the period does): 2 cells, 1 cohort of 1 customer"
    )


def test_partial_cells_are_marked() -> None:
    c = build_cohorts(_counts(), include_partial=True)
    partial = [(x.row, x.offset, x.text) for x in cells(c) if x.partial]
    assert partial == [(0, 3, "0.0%*"), (1, 2, "0.0%*"), (2, 0, "100.0%*")]
    assert left_out_line(c).startswith("* partial")


def _png(data: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB")


def _viridis(v: float) -> tuple[int, ...]:
    import matplotlib as mpl

    return tuple(round(255 * x) for x in mpl.colormaps["viridis"](v)[:3])


def test_a_cell_is_filled_with_viridis_of_its_retention() -> None:
    img = _png(cohort_chart(build_cohorts(_counts()), "png"))
    pixels = list(img.get_flattened_data())

    def near(rgb: tuple[int, ...]) -> int:
        return sum(1 for p in pixels if all(abs(a - b) <= 2 for a, b in zip(p, rgb, strict=True)))

    assert near(_viridis(0.5)) > 1000  # the one 50% cell
    assert near(_viridis(0.25)) == 0  # no cell at 25%


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_bytes_are_deterministic(fmt: str) -> None:
    c = build_cohorts(_counts(), include_partial=True)
    assert cohort_chart(c, fmt) == cohort_chart(c, fmt)


def test_empty_triangle_draws_a_note() -> None:
    c = Cohorts("week", (), 0, 0, None, build_cohorts(_counts()).time_to_second, None)
    assert b"<svg" in cohort_chart(c, "svg")


def test_cli_chart_next_to_the_table(tmp_path: Path) -> None:
    log = tmp_path / "shop-log.csv"
    log.write_text(LOG, encoding="utf-8")
    heat = tmp_path / "heat.svg"
    r = run_cli("cohorts", str(log), "--goal-event", "buy", "-q", "--chart", str(heat))
    assert r.code == 0, r.err
    assert r.out.startswith("cohort   customers")
    first = heat.read_bytes()
    assert first.startswith(b"<?xml")
    assert first == cohort_chart(build_cohorts(_counts()), "svg")
    r = run_cli(
        "cohorts", str(log), "--goal-event", "buy", "-q", "--chart", str(tmp_path / "h.gif")
    )
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err.strip() == (
        "--chart draws the heatmap as .svg, .png or .pdf, not h.gif; "
        "name the file heat.svg, heat.png or heat.pdf"
    )


def test_docs_heatmap_command_runs(tmp_path: Path) -> None:
    import re
    import shlex

    from tests.events.test_cohorts_docs import section

    body = section()
    [log] = re.findall(r"^```csv\n(.*?)^```$", body, re.S | re.M)
    [command] = re.findall(r"^```shell\n(journeymap cohorts .*?)\n```$", body, re.M)
    (tmp_path / "shop-log.csv").write_text(log, encoding="utf-8")
    r = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
    assert r.code == 0, r.err
    assert (tmp_path / "retention.svg").read_bytes() == cohort_chart(
        build_cohorts(_counts()), "svg"
    )
