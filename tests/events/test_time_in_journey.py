"""Time in the journey: the median time between touchpoints carried from ingest to the analysis
(``edges[].median_seconds_to_next``), the graph labels and Markdown."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from journeymap.analysis import analyze
from journeymap.events import IngestOptions, ingest
from journeymap.graph import build_graph
from journeymap.render import build_scene
from journeymap.render.dot import to_dot
from journeymap.report.analysis import to_markdown
from tests.events.support import LogFile, make_map

MIN = 60


def at(hh: int, mm: int = 0, ss: int = 0) -> str:
    return f"2026-01-01T{hh:02d}:{mm:02d}:{ss:02d}Z"


def shop_log(log: LogFile) -> Path:
    # home -> product after 2, 6 and 7 minutes: lower median 6 min; product -> cart 1 min and 30 s
    return log(
        [
            ("a", at(10), "home"),
            ("a", at(10, 2), "product"),
            ("a", at(10, 3), "cart"),
            ("b", at(10), "home"),
            ("b", at(10, 6), "product"),
            ("b", at(10, 6, 30), "cart"),
            ("c", at(10), "home"),
            ("c", at(10, 7), "product"),
            ("z", at(12), "newsletter"),
        ]
    )


def test_edges_carry_the_median_time_and_json_has_it_only_when_the_data_has_it(
    log: LogFile,
) -> None:
    jm = make_map()
    [r] = ingest(jm, [str(shop_log(log))], IngestOptions(lost_after=MIN))
    a = analyze(build_graph(jm, r.overlay), samples=0)
    times = {(e.from_, e.to): e.median_seconds_to_next for e in a.edges}
    # independent: the lower median of the hand-listed gaps
    assert times[("home", "product")] == statistics.median_low([120, 360, 420]) == 360
    assert times[("product", "cart")] == statistics.median_low([60, 30]) == 30
    assert times[("cart", "paid")] is None  # nobody went there: no time
    edges = {(e["from"], e["to"]): e for e in a.to_dict()["edges"]}
    assert edges["home", "product"]["median_seconds_to_next"] == 360
    assert "median_seconds_to_next" not in edges["cart", "paid"]
    plain = analyze(build_graph(jm, None), samples=0).to_dict()
    assert not any("median_seconds_to_next" in e for e in plain["edges"])
    assert json.dumps(plain)  # still a JSON document


def test_graph_labels_and_markdown_show_the_time(log: LogFile) -> None:
    jm = make_map()
    [r] = ingest(jm, [str(shop_log(log))], IngestOptions(lost_after=MIN))
    a = analyze(build_graph(jm, r.overlay), samples=0)
    dot = to_dot(build_scene(jm, r.overlay, analysis=a))
    assert "label=<3 (100%) · 6 min>" in dot  # 3 departures from home, all to product
    assert "label=<2 (67%) · 30 s>" in dot  # product: 2 of 3 departures go to the cart
    assert "median time to the next touchpoint" in dot
    md = to_markdown(a)
    assert "### Time between touchpoints" in md
    assert "| `home` | `product` | 3 | 6 min |" in md
    assert "| `product` | `cart` | 2 | 30 s |" in md
    plain = analyze(build_graph(jm, None), samples=0)
    assert "Time between" not in to_markdown(plain)
    assert "median time" not in to_dot(build_scene(jm, None, analysis=plain))
