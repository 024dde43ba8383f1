"""The graph view: DOT structure, widths, labels, leak marks, colours; laid out by graphviz."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.render import render
from journeymap.render.dot import _penwidth, to_dot
from journeymap.render.theme import BLUE_ORANGE, THEMES
from tests.render.support import analysis_of, ces, csat, nps, scene_of

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def node_lines(dot: str) -> dict[str, str]:
    """Internal node id -> its DOT statement."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^    (t\d+) \[label=.*$", dot, re.M)}


def test_stages_are_clusters_in_map_order_holding_their_touchpoints() -> None:
    dot = to_dot(scene_of("shop.yaml"))
    clusters = re.findall(r"subgraph cluster_s(\d+) \{\n    graph \[label=<<B>([^<]*)</B>", dot)
    assert clusters == [("0", "Awareness"), ("1", "Consideration"), ("2", "Purchase")]
    body = dot.split("subgraph cluster_s1")[1].split("subgraph cluster_s2")[0]
    assert re.findall(r"^    (t\d+) \[", body, re.M) == ["t2", "t3"]  # home page, product page


def test_columns_keep_stages_left_to_right_in_the_layout() -> None:
    svg = render(scene_of("shop.yaml"), "graph", "svg")
    root = ET.fromstring(svg)
    xs: dict[str, float] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            title = g.find(f"{SVG}title")
            poly = g.find(f"{SVG}path")
            if poly is None:
                poly = g.find(f"{SVG}polygon")
            assert title is not None and poly is not None
            numbers = [
                float(v)
                for v in re.findall(r"-?\d+\.?\d*", poly.get("d") or poly.get("points") or "")
            ]
            xs[title.text or ""] = min(numbers[0::2])
    assert xs["cluster_s0"] < xs["cluster_s1"] < xs["cluster_s2"]


def test_edges_carry_count_and_share_of_departures_and_width_grows_with_flow() -> None:
    dot = to_dot(scene_of("shop.yaml"))
    # instagram-ad (t0): 12,000 visits, no in-progress -> 4,100 / 12,000 = 34%, 2,600 -> 22%
    line = re.search(r"^  t0:m -> t3:m \[(.*)\];$", dot, re.M)
    assert line and "label=<4,100 (34%)>" in line.group(1)
    line2 = re.search(r"^  t0:m -> t2:m \[(.*)\];$", dot, re.M)
    assert line2 and "label=<2,600 (22%)>" in line2.group(1)
    w1 = float(re.search(r"penwidth=([\d.]+)", line.group(1)).group(1))  # type: ignore[union-attr]
    w2 = float(re.search(r"penwidth=([\d.]+)", line2.group(1)).group(1))  # type: ignore[union-attr]
    assert w1 > w2 > 1.0
    assert _penwidth(0, 100) == 1.0 and _penwidth(100, 100) == 10.0


def test_back_edges_do_not_constrain_the_layout() -> None:
    dot = to_dot(scene_of("shop.yaml"))
    back = re.search(r"^  t4:m -> t3:m \[(.*)\];$", dot, re.M)  # cart -> product page
    assert back and "constraint=false" in back.group(1)
    forward = re.search(r"^  t3:m -> t4:m \[(.*)\];$", dot, re.M)
    assert forward and "constraint=false" not in forward.group(1)


def test_undeclared_transitions_from_an_overlay_are_dashed() -> None:
    dot = to_dot(scene_of("shop.yaml", data="shop-overlay.yaml"))
    undeclared = re.search(r"^  t0:m -> t5:m \[(.*)\];$", dot, re.M)  # instagram -> checkout
    assert undeclared and "style=dashed" in undeclared.group(1)
    assert "label=<150 (2%)>" in undeclared.group(1)  # 150 of 10,000
    declared = re.search(r"^  t0:m -> t3:m \[(.*)\];$", dot, re.M)
    assert declared and "dashed" not in declared.group(1)


def test_leak_marks_are_sized_by_exits_and_goals_have_none() -> None:
    dot = to_dot(scene_of("shop.yaml"))
    nodes = node_lines(dot)
    sizes = {}
    for nid, line in nodes.items():
        m = re.search(r'POINT-SIZE="([\d.]+)" COLOR="[^"]+">●', line)
        sizes[nid] = float(m.group(1)) if m else None
    # exits: product page 5,400 (largest) > instagram 5,300 > home 1,300 > cart 1,000; goal none
    assert sizes["t6"] is None
    assert sizes["t3"] == 42.0
    assert sizes["t3"] > sizes["t0"] > sizes["t2"] > sizes["t4"]  # type: ignore[operator]
    assert "5,400 left (56%)" in nodes["t3"]


def test_top_leaks_from_the_analysis_stand_out() -> None:
    analysis = analysis_of(
        "shop.yaml",
        leaks=[
            {
                "rank": 1,
                "touchpoint": "checkout",
                "exits": 1000,
                "lost_conversions": 128.4,
                "lost_value": 6163.2,
            },
            {
                "rank": 2,
                "touchpoint": "cart",
                "exits": 1000,
                "lost_conversions": 80.0,
                "lost_value": 3840.0,
            },
            {
                "rank": 3,
                "touchpoint": "product-page",
                "exits": 5400,
                "lost_conversions": 60.0,
                "lost_value": 2880.0,
            },
            {
                "rank": 4,
                "touchpoint": "home-page",
                "exits": 1300,
                "lost_conversions": 10.0,
                "lost_value": 480.0,
            },
        ],
    )
    dot = to_dot(scene_of("shop.yaml", analysis=analysis))
    nodes = node_lines(dot)
    top = THEMES["light"].top_leak
    assert f'BORDER="4" COLOR="{top}"' in nodes["t5"]
    assert "#1 leak: ≈128 conversions lost · 6,163 EUR" in nodes["t5"]
    assert "#3 leak" in nodes["t3"]
    assert 'BORDER="4"' not in nodes["t2"] and "≈10 conversions lost" in nodes["t2"]
    assert "top 3 leaks" in dot


@pytest.mark.parametrize(
    ("color_by", "surveys", "tid", "expected_bin"),
    [
        ("drop_off", None, "t1", 1),  # search ad: 1,100 / 5,000 = 22% -> 10-25%
        ("drop_off", None, "t3", 3),  # product page: 56% -> 40-60%
        ("emotion", None, "t5", 4),  # checkout: -2 (mean of personas) -> worst
        ("emotion", None, "t6", 0),  # order confirmation: +2 -> best
        ("nps", {"checkout": SurveyFigures(nps=nps(23.0))}, "t5", 1),
        ("csat", {"product-page": SurveyFigures(csat=csat(74.0))}, "t3", 2),
        ("ces", {"checkout": SurveyFigures(ces=ces(percent_easy=30.0))}, "t5", 4),
    ],
)
def test_color_by_bins(
    color_by: str, surveys: dict[str, SurveyFigures] | None, tid: str, expected_bin: int
) -> None:
    analysis = None if surveys is None else analysis_of("shop.yaml", surveys=surveys)
    dot = to_dot(scene_of("shop.yaml", color_by=color_by, analysis=analysis))
    line = node_lines(dot)[tid]
    assert f'BGCOLOR="{BLUE_ORANGE[expected_bin]}"' in line


def test_no_data_nodes_are_neutral_and_the_legend_names_the_metric() -> None:
    dot = to_dot(scene_of("shop.yaml", color_by="nps"))
    assert f'BGCOLOR="{THEMES["light"].node}"' in node_lines(dot)["t0"]
    assert "Colour: NPS" in dot and "no data" in dot


def test_print_theme_uses_viridis_bins_and_dark_theme_its_background() -> None:
    dot = to_dot(scene_of("shop.yaml", theme="print"))
    assert THEMES["print"].scale[3] in dot
    dark = to_dot(scene_of("shop.yaml", theme="dark"))
    assert f'bgcolor="{THEMES["dark"].background}"' in dark


def test_svg_shows_names_counts_and_is_deterministic() -> None:
    s = scene_of("shop.yaml")
    a = render(s, "graph", "svg")
    b = render(scene_of("shop.yaml"), "graph", "svg")
    assert a == b
    texts = svg_texts(a)
    assert "Checkout" in texts and "Order confirmation" in texts
    assert any("2,900 visits" in t for t in texts)


def test_png_and_pdf_are_produced_and_pdf_is_stable() -> None:
    s = scene_of("shop.yaml")
    png = render(s, "graph", "png")
    assert png.startswith(b"\x89PNG")
    pdf1 = render(s, "graph", "pdf")
    pdf2 = render(scene_of("shop.yaml"), "graph", "pdf")
    assert pdf1.startswith(b"%PDF") and pdf1 == pdf2
