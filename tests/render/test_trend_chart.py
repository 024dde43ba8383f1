"""The trend view: small multiples of conversion, the moving touchpoints and the survey metrics."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from journeymap.analysis.trend import PeriodInput, trend
from journeymap.graph import SCORES
from journeymap.model import Scores
from journeymap.render.trend_chart import movers, trend_chart, trend_panels
from tests.render.support import scene_of
from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "maps" / "first-purchase.yaml"
PERIODS = ROOT / "tests" / "analysis" / "data" / "trend"


def _period(label: str, exits: tuple[int, int, int], scores: dict[str, Any] | None = None) -> Any:
    """100 journeys through a -> b -> c -> paid; ``exits`` leave at a, b and c."""
    G: nx.DiGraph[str] = nx.DiGraph(goals=["paid"])
    inflow = 100
    chain = ["a", "b", "c"]
    for k, tid in enumerate(chain):
        e = exits[k]
        G.add_node(tid, name=tid.upper(), stage="s", order=k, entries=100 if k == 0 else 0,
                   visits=inflow, transitions_out=inflow - e, exits=e, unknown=0,
                   in_progress=0, flow_residual=0)  # fmt: skip
        G.add_edge(tid, chain[k + 1] if k < 2 else "paid", count=inflow - e)
        inflow -= e
    G.add_node("paid", name="Paid", stage="s", order=3, entries=0, visits=inflow,
               transitions_out=0, exits=0, unknown=0, in_progress=0, flow_residual=0)  # fmt: skip
    for tid, s in (scores or {}).items():
        G.nodes[tid][SCORES] = Scores.model_validate(s)
    return PeriodInput(label, f"{label}.yaml", G)


# given out of order: the panels follow the periods
INPUTS = [
    _period("2026-03", (10, 12, 20)),
    _period("2026-01", (10, 10, 21)),
    _period("2026-02", (10, 14, 19)),
]


def test_panels_by_hand_conversion_then_the_touchpoints_that_move_most() -> None:
    t = trend(INPUTS)
    panels = trend_panels(t)
    assert [p.title for p in panels] == [
        "Conversion",
        "Drop-off at B",
        "Drop-off at C",
        "Drop-off at A",
    ]
    conv = panels[0]
    # conversions 59, 57, 58 of 100 in period order; centre 174 / 300 = 58%
    assert conv.values == pytest.approx((59.0, 57.0, 58.0))
    assert conv.centre == pytest.approx(58.0)
    # limits 58% -/+ 3 sqrt(0.58 * 0.42 / 100) = 58 -/+ 14.807 (Montgomery 7.2.2)
    half = 300 * math.sqrt(0.58 * 0.42 / 100)
    assert conv.lcl == pytest.approx((58 - half,) * 3)
    assert conv.ucl == pytest.approx((58 + half,) * 3)
    # Wilson bands, cross-checked with statsmodels
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(59, 100, alpha=0.05, method="wilson")
    assert (conv.low[0], conv.high[0]) == pytest.approx((100 * lo, 100 * hi))
    assert conv.beyond == () and conv.runs == ()
    # drop-off at b: 10/90, 14/90, 12/90 (range 4.4 points); c: 21/80, 19/76, 20/78 (1.25); a: 0
    assert panels[1].values == pytest.approx((100 / 9, 1400 / 90, 1200 / 90))
    assert movers(t) == ["b", "c", "a"] and movers(t, k=2) == ["b", "c"]
    # a at 10% of 100 in each period: limits 10 -/+ 3 * 3 = 1% and 19%
    assert panels[3].lcl == pytest.approx((1.0,) * 3) and panels[3].ucl == pytest.approx(
        (19.0,) * 3
    )


def _worked_example() -> Any:
    from journeymap.cli.trend import overlay_periods

    inputs, _read, _map = overlay_periods(str(MAP), (str(PERIODS),), None)
    return inputs


def test_flags_of_the_worked_example_match_the_signals_of_journeymap_trend() -> None:
    t = trend(_worked_example())
    panels = trend_panels(t)
    # Checkout has signals: it comes first; then the largest drop-off ranges
    assert [p.title for p in panels][:2] == ["Conversion", "Drop-off at Checkout"]
    assert len(panels) == 4
    r = run_cli("trend", str(MAP), str(PERIODS), "--format", "json")
    doc = json.loads(r.out)
    labels = [p["period"] for p in doc["periods"]]
    for panel, subject in ((panels[0], None), (panels[1], "checkout")):
        mine = [s for s in doc["signals"] if s["subject"] == subject]
        beyond = [labels.index(s["period"]) for s in mine if s["rule"] == "beyond_limits"]
        assert list(panel.beyond) == beyond
        runs = [s for s in mine if s["rule"] == "run_of_eight"]
        expected = [
            i
            for s in runs
            for i in range(labels.index(s["period"]) - 7, labels.index(s["period"]) + 1)
        ]
        assert list(panel.runs) == expected
    assert panels[0].beyond == (0,)  # 2026-01, 6.0% above 5.9%
    assert panels[1].beyond == (2,) and panels[1].runs == tuple(range(4, 12))  # 2026-05 to -12


def _png(data: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB")


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_bytes_are_deterministic(fmt: str) -> None:
    inputs = _worked_example()
    scene = scene_of("shop.yaml")
    t = trend(inputs)
    one = trend_chart(scene, t, [p.surveys for p in t.periods], fmt)
    backwards = trend(list(reversed(inputs)))
    two = trend_chart(scene, backwards, [p.surveys for p in backwards.periods], fmt)
    assert one == two


def test_flagged_points_are_drawn_in_the_strong_leak_colour() -> None:
    scene = scene_of("shop.yaml")
    t = trend(_worked_example())
    png = _png(trend_chart(scene, t, [], "png"))
    strong = scene.theme.leak_strong
    rgb = tuple(int(strong[i : i + 2], 16) for i in (1, 3, 5))
    assert sum(1 for px in png.get_flattened_data() if px == rgb) > 50
    quiet = trend(INPUTS)
    assert not any(
        px == rgb for px in _png(trend_chart(scene, quiet, [], "png")).get_flattened_data()
    )


def test_cli_renders_the_trend_view_in_period_order(tmp_path: Path) -> None:
    files = sorted(str(p) for p in PERIODS.glob("*.yaml"))
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    r = run_cli("render", str(MAP), "--view", "trend", *files, "-o", str(a))
    assert r.code == 0, r.err
    assert r.err.strip() == f"wrote {a} (trend view)"
    r = run_cli("render", str(MAP), "--view", "trend", *reversed(files), "-o", str(b))
    assert r.code == 0, r.err
    assert a.read_bytes() == b.read_bytes() and a.read_bytes().startswith(b"<?xml")


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "x.svg")
    r = run_cli("render", str(MAP), "--view", "trend", "-o", out)
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err.startswith("the trend view needs the overlays of its periods")
    r = run_cli("render", str(MAP), "--view", "funnel", str(PERIODS), "-o", out)
    assert r.code == 2
    assert r.err.startswith("the funnel view draws one period: give its numbers with --data")
    r = run_cli("render", str(MAP), "--view", "trend", str(PERIODS), "-o", str(tmp_path / "x.html"))
    assert r.code == 2 and "the trend view cannot be written as .html" in r.err


def test_survey_metrics_pool_every_touchpoint_per_period() -> None:
    nps_a = {"nps": {"responses": {10: 3, 0: 1}}}
    nps_b = {"nps": {"responses": {9: 1, 5: 1}}}
    inputs = [
        _period("2026-02", (10, 10, 20), {"a": nps_a}),
        _period("2026-01", (10, 10, 20), {"a": nps_a, "b": nps_b}),
    ]
    t = trend(inputs)
    series = [p.surveys for p in t.periods]
    # 2026-01: 4 promoters, 2 detractors of 6 -> +33.3; 2026-02: 3 and 1 of 4 -> +50
    assert [s.headline("nps") for s in series] == pytest.approx([100 * 2 / 6, 50.0])
    panel = trend_panels(t, series)[-1]
    assert panel.title.startswith("NPS") and not panel.percent and panel.centre is None
    assert panel.values == pytest.approx((100 * 2 / 6, 50.0))


def test_docs_on_the_wall_command_runs(tmp_path: Path) -> None:
    import re
    import shlex

    text = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    section = text.split("## On the wall")[1].split("\n## ")[0]
    [command] = re.findall(r"^```sh\n(journeymap render .*?)\n```$", section, re.M)
    args = [str(ROOT / a) if a.startswith(("maps/", "tests/")) else a for a in shlex.split(command)]
    r = run_cli(*args[1:], cwd=tmp_path)
    assert r.code == 0, r.err
    from journeymap.io import load_map
    from journeymap.render import build_scene

    inputs = _worked_example()
    scene = build_scene(load_map(MAP).map)
    t = trend(inputs)
    expected = trend_chart(scene, t, [p.surveys for p in t.periods], "svg")
    assert (tmp_path / "trend.svg").read_bytes() == expected
