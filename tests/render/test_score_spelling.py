"""A survey score reads the same in every output (figures.score, SCORE_DIGITS): the report's
survey table, the deck's, the tooltip and the check value show its detail, the canvas cell,
the graph label and the one-line summary its headline. The expected spellings are written here
from Python's own format specs, not from journeymap.figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.analysis import analyze
from journeymap.analysis.comparison import Metric
from journeymap.figures import score
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.render import Scene, build_scene
from journeymap.render.canvas import _figures
from journeymap.render.deck_tables import survey_rows as deck_survey_rows
from journeymap.render.report_data import touchpoint_tip
from journeymap.render.report_tables import survey_rows as report_survey_rows
from journeymap.render.scene import metric_text
from journeymap.report.checks_common import _value
from journeymap.report.figures_table import survey_text
from tests.report.test_check_figures import _test

MAP = Path(__file__).resolve().parents[2] / "maps" / "first-purchase.yaml"


@pytest.fixture(scope="module")
def scenes() -> dict[str, Scene]:
    loaded = load_map(MAP)
    a = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    return {
        by: build_scene(loaded.map, loaded.overlay, analysis=a, color_by=by)
        for by in ("nps", "csat")
    }


def _typographic(text: str) -> str:
    return text.replace("-", "\u2212")


@pytest.mark.parametrize(
    ("x", "headline", "detail"),
    [(23.5, "+24", "+23.5"), (-4.25, "-4", "-4.2"), (0.0, "+0", "+0.0"), (100.0, "+100", "+100.0")],
)
def test_nps_is_signed_whole_as_a_headline_and_to_one_decimal_as_a_detail(
    x: float, headline: str, detail: str
) -> None:
    assert score("nps", x) == headline == f"{x:+.0f}"
    assert score("nps", x, detail=True) == detail == f"{x:+.1f}"
    assert score("nps", x, typographic=True) == _typographic(headline)


def test_csat_and_ces_digits() -> None:
    assert score("csat", 68.14) == f"{68.14:.0f}%" == "68%"
    assert score("csat", 68.14, detail=True) == "68.1%"
    assert score("ces", 5.27) == "5.3"
    assert score("ces", 5.27, detail=True) == "5.27"
    assert score("ces", 5.27, detail=True, lang="ru") == "5,27"


def test_every_output_spells_a_touchpoints_scores_alike(scenes: dict[str, Scene]) -> None:
    scene = scenes["nps"]
    surveyed = [
        (tp, scene.survey(tp.id)) for _, tp in scene.map.iter_touchpoints() if scene.survey(tp.id)
    ]
    with_nps = [(tp, s) for tp, s in surveyed if s.nps is not None and s.nps.value is not None]
    assert with_nps, "the example map has NPS answers"
    report_rows = report_survey_rows(scene)
    deck = deck_survey_rows(scene, top=100)
    assert len(report_rows) == len(deck.rows) == len(surveyed)
    for i, (tp, s) in enumerate(surveyed):
        if s.nps is None or s.nps.value is None:
            continue
        v = s.nps.value
        detail = _typographic(f"{v:+.1f}")
        assert report_rows[i][1].text.startswith(detail + " (")
        assert deck.rows[i][1].startswith(detail + " (")
        tip = {f.label: f.text for f in touchpoint_tip(scene, tp.id).fields}
        assert tip["NPS"] == detail
        headline = _typographic(f"{v:+.0f}")
        assert f"NPS {headline}" in _figures(scene, tp.id).splitlines()
        assert metric_text(scene, v) == f"NPS {headline}"
        assert f"NPS {v:+.0f} (n={s.nps.responses:,})" in survey_text(s)
        # the check table writes the ASCII sign, with the detail's decimal
        assert _value(_test(Metric.NPS, v, v), v) == f"{v:+.1f}"


def test_csat_reads_alike_in_the_report_deck_and_graph(scenes: dict[str, Scene]) -> None:
    scene = scenes["csat"]
    found = 0
    report_rows = report_survey_rows(scene)
    deck = deck_survey_rows(scene, top=100)
    surveyed = [tp for _, tp in scene.map.iter_touchpoints() if scene.survey(tp.id)]
    for i, tp in enumerate(surveyed):
        csat = scene.survey(tp.id).csat
        if csat is None or csat.percent is None:
            continue
        found += 1
        assert report_rows[i][3].text == f"{csat.percent:.1f}%"
        assert deck.rows[i][2].startswith(f"{csat.percent:.1f}% (")
        assert metric_text(scene, csat.percent) == f"CSAT {csat.percent:.0f}%"
    assert found, "the example map has CSAT answers"


def test_an_emotion_reads_alike_on_the_graph_and_in_the_tooltip(scenes: dict[str, Scene]) -> None:
    """first-purchase has three personas with shares, so most emotions are share-weighted means
    (0.45 = a persona's +1 and another's 0 by their shares): each reads to at most two
    decimals, trailing zeros dropped, with a typographic minus, in both places."""
    loaded = load_map(MAP)
    scene = build_scene(loaded.map, loaded.overlay, color_by="emotion")
    tip_scene = scenes["nps"]
    seen = set()
    for _, tp in scene.map.iter_touchpoints():
        v = scene.emotion(tp.id)
        if v is None:
            continue
        expected = f"{v:+.2f}".rstrip("0").rstrip(".").replace("-", "\u2212")
        seen.add(expected)
        assert metric_text(scene, v) == f"emotion {expected}"
        tip = {f.label: f.text for f in touchpoint_tip(tip_scene, tp.id).fields}
        assert tip["Emotion"] == expected
    assert {"+0.45", "+1", "\u22121"} <= seen, seen


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["≥ +8.0", "+6.0 to +8.0", "+4.0 to +6.0", "+2.0 to +4.0", "< +2.0"]),
        ("ru", ["≥ +8,0", "+6,0 до +8,0", "+4,0 до +6,0", "+2,0 до +4,0", "< +2,0"]),
    ],
)
def test_the_emotion_legend_of_another_scale_writes_the_languages_decimals(
    lang: str, expected: list[str]
) -> None:
    """A 0..10 emotion scale: five bins of (10 - 0) / 5 = 2, edges 8, 6, 4, 2."""
    from journeymap.model import JourneyMap
    from journeymap.render.scene import metric_legend

    jm = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "w",
            "title": "W",
            "emotion_scale": [0, 10],
            "stages": [
                {"id": "s", "name": "S", "touchpoints": [{"id": "a", "name": "A", "emotion": 7}]}
            ],
        }
    )
    scene = build_scene(jm, color_by="emotion", lang=lang)
    assert metric_legend(scene)[1] == expected


@pytest.mark.parametrize("name", ["drop_off", "nps", "csat", "ces"])
def test_a_figure_on_a_bin_edge_lands_in_the_bin_whose_label_starts_there(name: str) -> None:
    """The legend is written from the edges the colouring bins by (one definition): a value
    equal to an edge falls in the bin that the edge opens."""
    from journeymap.render.scene import _METRICS, _bin_labels, _edges_bin

    m = _METRICS[name]
    labels = _bin_labels(m, "en")
    for v in m.edges:
        written = f"{100 * v if name == 'drop_off' else v:.0f}".replace("-", "\u2212")
        label = labels[_edges_bin(v, m.edges, higher_is_better=m.higher_is_better)]
        assert label.startswith((f"{written}–", f"{written} to ", f"≥ {written}")), (v, label)
    below = labels[_edges_bin(m.edges[0] - 1e-6, m.edges, higher_is_better=m.higher_is_better)]
    assert below.startswith("< ")


def test_the_legend_writes_the_percent_sign_as_the_language_does() -> None:
    from journeymap.render.scene import metric_legend

    loaded = load_map(MAP)
    scene = build_scene(loaded.map, loaded.overlay, color_by="csat", lang="ru")
    assert metric_legend(scene)[1] == [
        "≥ 85\xa0%",
        "75–85\xa0%",
        "65–75\xa0%",
        "50–65\xa0%",
        "< 50\xa0%",
    ]
