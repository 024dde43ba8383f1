"""``render --view deck``: the slides, their native tables and charts against the analysis JSON,
the language and fonts of the map, the slides left out and said so, same input same bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide

from journeymap.figures import in_brackets, integer, level, number, percent, whole_money
from journeymap.render.deck import Opportunities, deck
from journeymap.render.deck_pptx import ZIP_DATE
from journeymap.render.fonts import CJK_FAMILIES, covers, find_family
from tests.render.support import DATA, scene_of
from tests.render.test_forest import files
from tests.support import Result

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "maps" / "first-purchase.yaml"
STARTER = ROOT / "maps" / "starter-shop.yaml"
PERIODS = ROOT / "tests" / "analysis" / "data" / "trend"
EN_TITLES = [
    "Journey canvas",
    "Journey graph",
    "Top leaks",
    "Funnel: share of entries that reach each stage",
    "Survey scores",
    "Emotion along the journey",
]


def open_deck(path: Path | bytes) -> Deck:
    return Presentation(io.BytesIO(path) if isinstance(path, bytes) else str(path))


def titles(prs: Deck) -> list[str]:
    return [s.shapes.title.text_frame.text if s.shapes.title else "" for s in prs.slides]


def slide(prs: Deck, title: str) -> Slide:
    found: list[Slide] = [
        s for s in prs.slides if s.shapes.title and s.shapes.title.text_frame.text == title
    ]
    [one] = found
    return one


def texts(s: Slide, *, placeholders: bool = True) -> list[str]:
    """The text of every text box (and, with `placeholders`, of the title) of a slide."""
    return [
        sh.text_frame.text
        for sh in s.shapes
        if isinstance(sh, Shape) and (placeholders or not sh.is_placeholder)
    ]


def tables(s: Slide) -> list[list[list[str]]]:
    return [
        [[c.text_frame.text for c in row.cells] for row in shape.table.rows]
        for shape in s.shapes
        if isinstance(shape, GraphicFrame) and shape.has_table
    ]


def chart(s: Slide) -> Any:
    [found] = [sh.chart for sh in s.shapes if isinstance(sh, GraphicFrame) and sh.has_chart]
    return found


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Deck, dict[str, Any]]:
    """The example shop's deck and ``analyze --format json`` with the same samples and seed."""
    from tests.support import run_cli

    out = tmp_path_factory.mktemp("deck") / "shop.pptx"
    r = run_cli("render", str(SHOP), "--view", "deck", "--samples", "200", "-o", str(out))
    assert r.code == 0, r.err
    assert r.err == f"wrote {out} (deck view)\n"
    doc = run_cli("analyze", str(SHOP), "--format", "json", "--samples", "200").out
    return open_deck(out), json.loads(doc)


def test_slides_in_order(shop: tuple[Deck, dict[str, Any]]) -> None:
    prs, _ = shop
    map_title = "First purchase in the Nordlicht Outdoor online shop"
    assert titles(prs) == [map_title, *EN_TITLES, "Opportunities", "Not in this deck"]
    subtitle = prs.slides[0].placeholders[1].text_frame.text
    assert subtitle == (
        "Period: 2026-Q3\nPersonas: Bargain hunter (45%), Busy parent (35%), Gift buyer (20%)"
    )
    # pictures only for the diagrams (canvas, graph, the opportunity matrix); everything else
    # is native text, tables and charts
    pictures = [
        k
        for k, s in enumerate(prs.slides)
        for sh in s.shapes
        if sh.shape_type == 13  # PICTURE
    ]
    assert pictures == [1, 2, 7]


def test_leak_table_is_the_analysis_printed_by_figures(shop: tuple[Deck, dict[str, Any]]) -> None:
    prs, doc = shop
    [rows] = tables(slide(prs, "Top leaks"))
    assert rows[0] == [
        "Touchpoint",
        "Stage",
        "Exits",
        "Drop-off (95% interval)",
        "Value lost",
        "What-if: close 10% of exits",
    ]
    stages = {s["id"]: s["name"] for s in doc["stages"]}

    def pct(v: float) -> str:
        return percent(v, 1)

    def eur(v: float) -> str:
        return whole_money(v, "EUR")

    expected = [
        [
            x["name"],
            stages[x["stage"]],
            integer(x["exits"]),
            pct(x["drop_off"]) + in_brackets(x["drop_off_interval"], pct),
            eur(x["lost_value"]) + in_brackets(x["lost_value_interval"], eur),
            f"+{number(x['what_if']['extra_conversions'], 1)} conv., "
            + eur(x["what_if"]["extra_value"]),
        ]
        for x in doc["leaks"][:8]
    ]
    assert rows[1:] == expected
    # by hand: the product page loses 23,000 of its 38,500 completed departures, 59.7%
    assert rows[1][:4] == ["Product page", "Consider", "23,000", rows[1][3]]
    assert rows[1][3].startswith("59.7% (")
    more = len(doc["leaks"]) - 8
    assert f"{more} more leaks in the report" in texts(slide(prs, "Top leaks"))


def test_funnel_bars_are_stage_reach(shop: tuple[Deck, dict[str, Any]]) -> None:
    prs, doc = shop
    s = slide(prs, "Funnel: share of entries that reach each stage")
    plot = chart(s).plots[0]
    reached = [x for x in doc["stages"] if x["reach_probability"] is not None]
    assert list(plot.categories) == [x["name"] for x in reached]
    [series] = plot.series
    assert list(series.values) == pytest.approx([x["reach_probability"] for x in reached])
    labels = [series.points[k].data_label.text_frame.text for k in range(len(reached))]
    assert labels == [percent(x["reach_probability"], 1) for x in reached]
    # the stages after the goal are named, not dropped silently
    assert "Not shown: Receive: after the goal; Stay in touch: after the goal" in texts(s)


def test_emotion_curves_per_persona_and_the_share_weighted_average(
    shop: tuple[Deck, dict[str, Any]],
) -> None:
    prs, _ = shop
    plot = chart(slide(prs, "Emotion along the journey")).plots[0]
    names = [s.name for s in plot.series]
    assert names == [
        "Bargain hunter",
        "Busy parent",
        "Gift buyer",
        "Average, weighted by persona share",
    ]
    assert list(plot.categories)[:2] == ["Instagram and Facebook ad", "Search ad"]
    values = {s.name: list(s.values) for s in plot.series}
    # the ad: {bargain-hunter: 1, busy-parent: 0, gift-buyer: 0}, shares 0.45, 0.35, 0.20
    assert [values[n][0] for n in names] == pytest.approx([1, 0, 0, 0.45 * 1 + 0.35 * 0 + 0.20 * 0])
    assert [values[n][1] for n in names] == [1, 1, 1, 1]  # one emotion for everyone


def test_survey_table_holds_the_survey_figures(shop: tuple[Deck, dict[str, Any]]) -> None:
    prs, doc = shop
    [rows] = tables(slide(prs, "Survey scores"))
    conf = level(doc["settings"]["confidence"])
    assert rows[0][1] == f"NPS ({conf} interval)"
    by_name = {r[0]: r for r in rows[1:]}
    checkout = doc["surveys"]["checkout"]["ces"]
    mean = number(checkout["mean"], 2)
    assert by_name["Checkout"][3] == mean + in_brackets(
        checkout["interval"], lambda v: number(v, 2)
    )
    assert by_name["Checkout"][4] == f"– / – / {integer(checkout['responses'])}"


def test_starter_map_says_which_slides_it_left_out(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "starter.pptx"
    r = cli("render", str(STARTER), "--view", "deck", "--samples", "0", "-o", str(out))
    assert r.code == 0, r.err
    prs = open_deck(out)
    assert titles(prs)[1:] == [
        "Journey canvas",
        "Journey graph",
        "Top leaks",
        "Funnel: share of entries that reach each stage",
        "Not in this deck",
    ]
    [rows] = tables(slide(prs, "Not in this deck"))
    assert rows == [
        ["Slide", "Why it is not in this deck"],
        ["Survey scores", "the map has no survey responses"],
        ["Emotion along the journey", "the map has no emotions"],
        ["Opportunities", "no priced opportunities given"],
        ["Experiment", "no experiment arms given"],
        ["Trend over the periods", "no overlays of several periods given"],
    ]
    # no personas: the title slide has no persona line
    assert prs.slides[0].placeholders[1].text_frame.text == "Period: 2026-Q3"


def _runs(prs: Deck) -> list[Any]:
    out = []
    for s in prs.slides:
        for sh in s.shapes:
            frames = [sh.text_frame] if sh.has_text_frame else []
            if isinstance(sh, GraphicFrame) and sh.has_table:
                frames += [c.text_frame for row in sh.table.rows for c in row.cells]
            out += [r for f in frames for p in f.paragraphs for r in p.runs]
    return out


def _typefaces(run: Any) -> tuple[str | None, ...]:
    rpr = run.font._rPr
    return tuple(
        None if (el := rpr.find(f"{{{rpr.nsmap['a']}}}{tag}")) is None else el.get("typeface")
        for tag in ("latin", "ea", "cs")
    )


def test_russian_map_has_russian_titles_and_a_cyrillic_font(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    text = (DATA / "ru.yaml").read_text(encoding="utf-8")
    ru = tmp_path / "ru.yaml"
    ru.write_text(text.replace("journeymap: 1\n", "journeymap: 1\nlanguage: ru\n", 1), "utf-8")
    out = tmp_path / "ru.pptx"
    r = cli("render", str(ru), "--view", "deck", "--samples", "0", "-o", str(out))
    assert r.code == 0, r.err
    prs = open_deck(out)
    assert titles(prs) == [
        "Первая покупка в интернет-магазине",
        "Холст пути клиента",
        "Граф пути клиента",
        "Главные утечки",
        "Воронка: доля входов, дошедших до каждого этапа",
        "Эмоции на пути клиента",
        "Нет в этой презентации",
    ]
    [rows] = tables(slide(prs, "Главные утечки"))
    assert rows[0][:3] == ["Точка соприкосновения", "Этап", "Уходы"]
    families = {_typefaces(run) for run in _runs(prs)}
    [(family, ea, cs)] = families  # one font on every run, as Latin, East Asian and complex
    assert family is not None and family == ea == cs
    [font, *_] = find_family(family)
    assert covers(font, "Первая покупка в интернет-магазине Этап") == set()
    for s in prs.slides:
        for sh in s.shapes:
            if isinstance(sh, GraphicFrame) and sh.has_chart:
                assert sh.chart.font.name == family


def test_chinese_map_names_its_cjk_font_on_every_run() -> None:
    scene = scene_of("zh.yaml", analysis=_analysis("zh.yaml"))
    prs = open_deck(deck(scene))
    family = scene.fonts.families[0]
    assert family in CJK_FAMILIES
    [font, *_] = find_family(family)
    assert covers(font, scene.map.title) == set()
    assert {_typefaces(r) for r in _runs(prs)} == {(family, family, family)}


def _analysis(name: str) -> Any:
    from journeymap.analysis import analyze
    from journeymap.graph import build_graph
    from journeymap.io import load_map

    loaded = load_map(DATA / name)
    return analyze(build_graph(loaded.map, loaded.overlay), samples=0)


def test_same_input_same_bytes() -> None:
    scene = scene_of("shop.yaml", analysis=_analysis("shop.yaml"))
    first, second = deck(scene), deck(scene)
    assert first == second
    z = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in z.infolist()} == {ZIP_DATE}
    assert z.namelist() == sorted(z.namelist())
    props = open_deck(first).core_properties
    period = scene.period
    assert period == "2026-Q3"
    assert props.created == props.modified == dt.datetime(2026, 9, 30)
    workbooks = [n for n in z.namelist() if n.endswith(".xlsx")]
    assert len(workbooks) == 2  # behind the funnel and the emotion chart
    for name in workbooks:
        core = zipfile.ZipFile(io.BytesIO(z.read(name))).read("docProps/core.xml").decode()
        assert core.count(">2026-09-30T00:00:00Z<") == 2
    # and no part holds the clock's date (the same bytes tomorrow)
    today = dt.datetime.now(dt.UTC).date().isoformat().encode()
    for name in z.namelist():
        body = z.read(name)
        inner = zipfile.ZipFile(io.BytesIO(body)) if name.endswith(".xlsx") else None
        parts = [body] if inner is None else [inner.read(n) for n in inner.namelist()]
        assert all(today not in part for part in parts), name


def test_opportunities_hook_adds_its_slide() -> None:
    from journeymap.render.canvas import canvas

    scene = scene_of("shop.yaml", analysis=_analysis("shop.yaml"))
    png = canvas(scene, "png")
    header = ("Opportunity", "Value at stake", "Effort")
    rows = (("Guest checkout", "12,000 EUR", "2"), ("Size guide", "3,100 EUR", "1"))
    prs = open_deck(deck(scene, opportunities=Opportunities(png, header, rows)))
    [table] = tables(slide(prs, "Opportunities"))
    assert table == [list(header), *[list(r) for r in rows]]
    assert "Opportunities" not in [r[0] for r in tables(slide(prs, "Not in this deck"))[0]]


def test_experiment_and_trend_slides(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "ab.pptx"
    r = cli("render", *files(tmp_path), "--view", "deck", "--samples", "0", "-o", str(out))
    assert r.code == 0, r.err
    [decision] = texts(slide(open_deck(out), "Experiment"), placeholders=False)
    arms, against = tables(slide(open_deck(out), "Experiment"))
    assert [row[0] for row in arms[1:]] == ["control", "one-page"]
    assert arms[1][1:3] == ["1,000", "100"] and arms[2][1:3] == ["1,000", "130"]
    assert against[1][0] == "one-page" and against[1][1].startswith("+3.0 pp")
    assert decision.split(":")[0] in {"ship", "stop", "continue", "inconclusive", "keep"}

    periods = sorted(str(p) for p in PERIODS.glob("*.yaml"))
    trend_out = tmp_path / "trend.pptx"
    r = cli("render", str(SHOP), *periods, "--view", "deck", "--samples", "0", "-o", str(trend_out))
    assert r.code == 0, r.err
    [rows] = tables(slide(open_deck(trend_out), "Trend over the periods"))
    doc = json.loads(cli("trend", str(SHOP), str(PERIODS), "--format", "json").out)
    assert [row[0] for row in rows[1:]] == [p["period"] for p in doc["periods"]][-10:]
    assert [row[1] for row in rows[1:]] == [integer(p["journeys"]) for p in doc["periods"]][-10:]
    # the second table: each period's top leak and its lost value, as the trend JSON has them
    [detail] = tables(slide(open_deck(trend_out), "Trend: leaks, scores and business figures"))
    assert detail[0] == ["period", "top leak", "lost value"]
    latest = doc["periods"][-10:]
    assert [row[0] for row in detail[1:]] == [p["period"] for p in latest]
    assert {p["leaks"][0]["touchpoint"] for p in latest} == {"product-page"}
    assert {row[1] for row in detail[1:]} == {"Product page"}
    assert [row[2] for row in detail[1:]] == [
        f"{round(p['leaks'][0]['lost_value']):,} EUR" for p in latest
    ]


def test_deck_is_written_as_pptx_only(cli: Callable[..., Result], tmp_path: Path) -> None:
    r = cli("render", str(STARTER), "--view", "deck", "-o", str(tmp_path / "x.pdf"))
    assert r.code == 2
    assert "the deck view cannot be written as .pdf; it supports .pptx" in r.err
    assert "Traceback" not in r.err
