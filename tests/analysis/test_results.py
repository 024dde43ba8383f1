"""The typed result of analyze(): one serializer, one rounding, one headline rule per survey."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from journeymap import figures
from journeymap.analysis import analyze
from journeymap.analysis.document import rounded, to_document
from journeymap.analysis.results import Analysis, Edge
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.report.analysis import render_analysis
from tests.analysis.helpers import graph

CART = [{"id": "cart", "entries": 100, "next": {"paid": 60}}, {"id": "paid", "goal": True}]


def test_a_tiny_map_gives_the_document_worked_by_hand() -> None:
    # cart: 100 entries, 60 to paid, 40 exits: C = 0.6, L = 40 * 0.6 / 0.6 = 40, 50 per order
    a = analyze(graph(CART, value_per_conversion=50), samples=0)
    doc = a.to_dict()
    assert list(doc) == [
        "journeymap-analysis",
        "map",
        "settings",
        "summary",
        "touchpoints",
        "stages",
        "leaks",
        "edges",
        "after_goal",
        "metrics",
        "surveys",
        "conformance",
        "warnings",
    ]
    assert doc["edges"] == [
        {
            "from": "cart",
            "to": "paid",
            "count": 60,
            "count_known": True,
            "probability": 0.6,
            "kind": "conversion",
            "sensitivity": 0.4,
            "sensitivity_from_exits": 1.0,
            "declared": True,
            "returns": 0,
        }
    ]
    leak = doc["leaks"][0]
    assert (leak["rank"], leak["lost_conversions"], leak["lost_value"]) == (1, 40.0, 2000.0)
    assert leak["what_if"] == {
        "percent": 10.0,
        "target": None,
        "extra_conversions": 4.0,
        "extra_value": 200.0,
        "first_order_conversions": 4.0,
    }
    assert leak["best_next"] == {
        "touchpoint": "paid",
        "name": "Paid",
        "conversion_probability": 1.0,
    }
    assert leak["survey"] == {} and doc["surveys"] == {} and doc["conformance"] is None
    # the typed values and the document say the same
    assert a.leaks[0].lost_value == leak["lost_value"]
    assert a.edges[0].from_ == "cart" and a.summary.goals == ("paid",)
    assert json.loads(render_analysis(a, "json")) == doc


def test_rounding_happens_once_and_consumers_see_the_rounded_figure() -> None:
    assert rounded(1 / 3) == 0.3333333333
    raw: tuple[object, ...] = (float("nan"), float("inf"), np.float64(0.1) + 0.2, np.int64(3))
    assert rounded(raw) == (None, None, 0.3, 3)
    # LOOP: C = 0.3 exactly by hand; the float solve is rounded to 10 significant digits
    a = analyze(
        graph(
            [
                {"id": "a", "entries": 100, "next": {"b": 60}},
                {"id": "b", "next": {"goal": 30, "a": 10}},
                {"id": "goal", "goal": True},
            ]
        ),
        samples=0,
    )
    assert a.summary.conversion_probability == 0.3
    assert a.touchpoint("b").conversion_probability == 0.55
    assert a == rounded(a)  # rounding is idempotent: nothing is left to round


def test_the_serializer_renames_and_omits_by_metadata() -> None:
    e = Edge("a", "b", 3, True, 0.5, "transition", None, None, True, 0)
    assert to_document(e)["from"] == "a" and "from_" not in to_document(e)
    s = SurveyFigures(csat=Csat(80.0, (70.0, 87.0), 4.1, 50, 40, (4, 5)))
    assert to_document(s) == {
        "csat": {
            "percent": 80.0,
            "interval": [70.0, 87.0],
            "mean": 4.1,
            "responses": 50,
            "satisfied": 40,
            "top_box": [4, 5],
        }
    }
    assert to_document(SurveyFigures()) == {}


def test_one_headline_rule_for_every_survey_metric() -> None:
    s = SurveyFigures(
        nps=Nps(34.4, 2.4, (29.5, 39.1), 900, 450, 310, 140),
        csat=Csat(None, None, None, 0, 0, (4, 5)),
        ces=Ces(5.3, 0.07, (5.2, 5.4), 77.0, 12.0, 500, (1, 7), "higher_is_better"),
    )
    assert s.headline("nps") == 34.4 and s.headline("ces") == 5.3
    assert s.headline("csat") is None  # declared, no responses: no headline, not left out
    assert [k for k, _ in s.headlines()] == ["nps", "ces"]
    assert not SurveyFigures() and SurveyFigures() == SurveyFigures(None, None, None)


def test_the_terminal_shows_the_headline_of_each_survey() -> None:
    a = analyze(
        graph(
            [
                {
                    "id": "cart",
                    "entries": 100,
                    "next": {"paid": 60},
                    "scores": {
                        "nps": {"responses": {10: 6, 8: 2, 3: 2}},
                        "ces": {
                            "scale": [1, 7],
                            "direction": "higher_is_better",
                            "responses": {7: 3, 2: 1},
                        },
                    },
                },
                {"id": "paid", "goal": True},
            ]
        ),
        samples=0,
    )
    sv = a.survey("cart")
    # NPS = 100 * (6 - 2) / 10 = 40; CES mean = (21 + 2) / 4 = 5.75
    assert (sv.headline("nps"), sv.headline("ces")) == (40.0, 5.75)
    assert "NPS +40 (n=10), CES 5.8 on 1-7 (n=4)" in render_analysis(a, "table")


def test_analysis_is_frozen_and_indexed_by_id() -> None:
    a = analyze(graph(CART), samples=0)
    assert isinstance(a, Analysis)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.summary = a.summary  # type: ignore[misc]
    assert a.leak("paid") is None and a.leak("cart") is a.leaks[0]
    assert a.stage("s") is a.stages[0] and a.stage("nope") is None
    with pytest.raises(KeyError):
        a.touchpoint("nope")


@pytest.mark.parametrize(
    ("value", "text"), [(0.0, "0.0%"), (0.125, "12.5%"), (1.0, "100.0%"), (None, figures.MISSING)]
)
def test_percent_prints_a_fraction(value: float | None, text: str) -> None:
    assert figures.percent(value) == text


def test_figures_agree_with_a_second_formula() -> None:
    for x in (1, 9.5, 99.9, 1234.5, 98765.4321, 1e6 + 0.4):
        # about(): two significant digits, as round(x, -floor(log10 x) + 1)
        assert float(figures.about(x).replace(",", "")) == round(
            x, 1 - math.floor(math.log10(abs(x)))
        )
        assert figures.integer(x).replace(",", "") == str(round(x))
    assert figures.money(13325.0, "EUR") == "13,000 EUR"
    assert figures.whole_money(13325.4, "EUR") == "13,325 EUR"
    assert figures.percent_interval((0.3701, 0.4307)) == "37.0–43.1%"
    assert figures.signed(-12.4) == "−12" and figures.points(0.012) == "+1.2 pp"
