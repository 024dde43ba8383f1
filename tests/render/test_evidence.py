"""Evidence and ownership on the poster: marks by shape, the legend, owner and assumption age;
and the report's "Assumptions to verify" table (issue 15)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from matplotlib.lines import Line2D

from journeymap.analysis import analyze
from journeymap.graph import build_graph
from journeymap.model import EvidenceKind, JourneyMap
from journeymap.render import build_scene, render
from journeymap.render.canvas import draw_canvas
from journeymap.render.evidence import MARKS, age_text, card_note, kinds, months_between
from journeymap.render.mpl import style
from journeymap.render.report import report
from journeymap.render.report_assumptions import assumption_rows
from journeymap.render.scene import Scene


def evidence_map(period: str | None = "2026-Q3") -> JourneyMap:
    """A → B → C (goal) → D: 100 enter at A, 80 go on to B, 40 of them reach C, 10 go on to D.

    By hand (docs/analysis.md, section 9, ``L_i = x_i · b_i / s_i``): at B the 40 who stay all
    convert, so L_B = 40 conversions, 400 EUR at 10 EUR each; at A, 20 exit and a customer who
    stays converts with 40 / 80 = 0.5, so L_A = 10 conversions, 100 EUR. C and D are no leaks.
    """
    data: dict[str, Any] = {
        "journeymap": 1,
        "id": "ev",
        "title": "Evidence",
        "currency": "EUR",
        "value_per_conversion": 10,
        "stages": [
            {
                "id": "look",
                "name": "Look",
                "touchpoints": [
                    {
                        "id": "a",
                        "name": "Ad",
                        "owner": "Ads team",
                        "entries": 100,
                        "next": {"b": 80},
                        "evidence": [
                            {"kind": "reported", "source": "interviews", "date": "2026-08-01"},
                            {"kind": "assumed", "source": "ad recall", "date": "2026-01-15"},
                        ],
                    },
                    {
                        "id": "b",
                        "name": "Basket",
                        "owner": "Web team",
                        "next": {"c": 40},
                        "evidence": {"kind": "assumed", "source": "guess", "date": "2025-07-20"},
                    },
                ],
            },
            {
                "id": "buy",
                "name": "Buy",
                "touchpoints": [
                    {
                        "id": "c",
                        "name": "Confirmation",
                        "goal": True,
                        "next": {"d": 10},
                        "evidence": {"kind": "assumed", "source": "workshop"},
                    },
                    {
                        "id": "d",
                        "name": "Delivery",
                        "evidence": [
                            {"kind": "observed", "source": "carrier", "date": "2026-09-01"},
                            {"kind": "assumed", "source": "carrier FAQ", "date": "2026-09-10"},
                            {"kind": "proposed", "source": "roadmap", "date": "2026-09-20"},
                        ],
                    },
                ],
            },
        ],
    }
    if period is not None:
        data["period"] = period
    return JourneyMap.model_validate(data)


def analysed(m: JourneyMap, **kw: Any) -> Scene:
    return build_scene(m, analysis=analyze(build_graph(m), samples=0), **kw)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2025-07-20", "2026-09-30", 14),  # Jul 20 to Sep 20 next year, plus ten days
        ("2026-01-15", "2026-09-30", 8),
        ("2026-09-10", "2026-09-30", 0),
        ("2026-08-31", "2026-09-30", 1),  # September has no 31st: its last day completes it
        ("2026-08-31", "2026-09-29", 0),
        ("2026-03-30", "2026-03-01", 0),  # dated after the period: no negative age
    ],
)
def test_months_between_by_hand(start: str, end: str, months: int) -> None:
    assert months_between(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


def test_age_is_counted_to_the_period_end_and_never_to_today() -> None:
    scene = build_scene(evidence_map())
    assert scene.period_end == dt.date(2026, 9, 30)
    assert age_text(scene, dt.date(2025, 7, 20)) == "14 months"
    assert age_text(scene, dt.date(2026, 8, 30)) == "1 month"
    assert age_text(scene, dt.date(2026, 9, 10)) == "20 days"
    assert age_text(scene, None) == "undated"
    undated_period = build_scene(evidence_map(period=None))
    assert age_text(undated_period, dt.date(2025, 7, 20)) == "dated 2025-07-20"


def test_age_and_owner_in_russian_plural_forms() -> None:
    scene = build_scene(evidence_map(), lang="ru")
    assert age_text(scene, dt.date(2025, 7, 20)) == "14 месяцев"
    assert age_text(scene, dt.date(2026, 7, 30)) == "2 месяца"
    assert age_text(scene, dt.date(2026, 8, 30)) == "1 месяц"
    tp = scene.map.touchpoints["b"]
    assert card_note(scene, tp) == "владелец: Web team\nдопущение, 14 месяцев"


def test_cards_show_owner_age_and_one_mark_per_kind() -> None:
    scene = build_scene(evidence_map())
    assert [kinds(scene.map.touchpoints[t]) for t in "abcd"] == [
        [EvidenceKind.REPORTED, EvidenceKind.ASSUMED],
        [EvidenceKind.ASSUMED],
        [EvidenceKind.ASSUMED],
        [EvidenceKind.OBSERVED, EvidenceKind.ASSUMED, EvidenceKind.PROPOSED],
    ]
    with style(scene):
        fig = draw_canvas(scene)
    texts = [t.get_text() for t in fig.texts]
    joined = "\n".join(texts)
    assert "owner: Ads team" in joined and "assumed, 8 months" in joined
    assert "owner: Web team" in joined and "assumed, 14 months" in joined
    assert "assumed, undated" in joined and "assumed, 20 days" in joined
    marks = [a for a in fig.artists if isinstance(a, Line2D) and a.get_marker() != "None"]
    drawn = [(a.get_marker(), a.get_fillstyle()) for a in marks]
    # 2 + 1 + 1 + 3 marks; shape and fill tell the kinds apart without colour
    assert len(drawn) == 7
    assert drawn.count(("o", "none")) == 4  # assumed: hollow circle on every card
    assert drawn.count(("o", "left")) == 1 and drawn.count(("o", "full")) == 1
    assert drawn.count(("D", "full")) == 1
    legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert legend[-4:] == ["observed", "reported", "assumed", "proposed"]
    assert "Evidence:" in texts


def test_marks_differ_by_shape_and_fill_and_are_black_in_print() -> None:
    assert len({(m.marker, m.fill) for m in MARKS.values()}) == 4
    scene = build_scene(evidence_map(), theme="print")
    with style(scene):
        fig = draw_canvas(scene)
    colours = {
        a.get_color() for a in fig.artists if isinstance(a, Line2D) and a.get_marker() != "None"
    }
    assert colours == {"#000000"}


def test_a_map_without_evidence_or_owner_has_no_marks_or_legend() -> None:
    m = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "bare",
            "title": "Bare",
            "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "T"}]}],
        }
    )
    scene = build_scene(m)
    with style(scene):
        fig = draw_canvas(scene)
    assert not [a for a in fig.artists if isinstance(a, Line2D) and a.get_marker() != "None"]
    assert "Evidence:" not in [t.get_text() for t in fig.texts]


def test_the_poster_stays_deterministic_with_marks() -> None:
    one = render(build_scene(evidence_map()), "canvas", "svg")
    assert one == render(build_scene(evidence_map()), "canvas", "svg")


# ------------------------------------------------------------------ assumptions to verify


def test_assumptions_sorted_by_value_at_stake_then_map_order() -> None:
    scene = analysed(evidence_map())
    # the analysis agrees with the hand-worked leaks of the docstring
    assert scene.leak("b") is not None and scene.leak("b").lost_value == pytest.approx(400)  # type: ignore[union-attr]
    assert scene.leak("a") is not None and scene.leak("a").lost_value == pytest.approx(100)  # type: ignore[union-attr]
    rows = assumption_rows(scene)
    assert [(r.touchpoint, r.value, r.age, r.owner) for r in rows] == [
        ("Basket", "400 EUR", "14 months", "Web team"),
        ("Ad", "100 EUR", "8 months", "Ads team"),
        ("Confirmation", "", "undated", "–"),  # no leak: blank; ties keep map order
        ("Delivery", "", "20 days", "–"),
    ]
    assert [r.source for r in rows] == ["guess", "ad recall", "workshop", "carrier FAQ"]
    assert [r.date for r in rows] == ["2025-07-20", "2026-01-15", "–", "2026-09-10"]
    assert [r.value_sort for r in rows] == ["400.0", "100.0", "", ""]


def test_without_analysis_every_value_is_blank_and_order_is_the_maps() -> None:
    rows = assumption_rows(build_scene(evidence_map()))
    assert [r.touchpoint for r in rows] == ["Ad", "Basket", "Confirmation", "Delivery"]
    assert {r.value for r in rows} == {""}


def _table(page: str) -> list[list[str]]:
    m = re.search(r'<table id="assumptions-table" class="jm-sortable">(.*?)</table>', page, re.S)
    assert m is not None
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<t[dh][^>]*>.*?</t[dh]>", r)
        ]
        for r in re.findall(r"<tr>.*?</tr>", m.group(1), re.S)
    ]


def test_report_section_and_its_navigation() -> None:
    page = report(analysed(evidence_map()))
    assert '<li><a href="#assumptions">Assumptions to verify</a></li>' in page
    rows = _table(page)
    assert rows[0] == ["Touchpoint", "Stage", "Source", "Date", "Age", "Owner", "Value at stake"]
    assert rows[1] == ["Basket", "Look", "guess", "2025-07-20", "14 months", "Web team", "400 EUR"]
    assert [r[0] for r in rows[1:]] == ["Basket", "Ad", "Confirmation", "Delivery"]


def test_example_support_map_lists_its_one_assumption_with_its_leak() -> None:
    from pathlib import Path

    from journeymap.io import load_map

    loaded = load_map(Path(__file__).resolve().parents[2] / "maps" / "support.yaml")
    g = build_graph(loaded.map, loaded.overlay)
    scene = build_scene(loaded.map, loaded.overlay, analysis=analyze(g, samples=0))
    (row,) = assumption_rows(scene)
    leak = scene.leak("ticket-routing")
    assert leak is not None and leak.lost_value is not None
    # ticket-routing: 84.6 conversions lost at the map's value per resolved ticket
    assert leak.lost_value == pytest.approx(leak.lost_conversions * 18, rel=1e-9)  # type: ignore[operator]
    assert (row.touchpoint, row.age, row.value) == (
        "Acknowledgement and routing",
        "29 days",  # 2026-09-01 to the end of 2026-Q3
        "1,523 EUR",
    )


def test_no_section_without_assumed_evidence() -> None:
    m = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "obs",
            "title": "Observed",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "t", "name": "T", "evidence": {"kind": "observed"}},
                    ],
                }
            ],
        }
    )
    page = report(build_scene(m))
    assert 'id="assumptions"' not in page and "#assumptions" not in page


def test_the_pycon_examples_of_the_render_page_run() -> None:
    import doctest
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    page = (root / "docs" / "render.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", page, re.S)
    assert len(blocks) >= 2
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    cwd = os.getcwd()
    try:
        os.chdir(root)
        for i, block in enumerate(blocks):  # each block stands alone
            test = doctest.DocTestParser().get_doctest(block, {}, f"render.md[{i}]", None, 0)
            runner.run(test)
    finally:
        os.chdir(cwd)
    assert runner.failures == 0 and runner.tries >= 8


def test_hostile_owner_and_source_are_escaped_in_the_report_and_plain_on_the_poster() -> None:
    m = evidence_map()
    tp = m.touchpoints["b"]
    hostile = tp.model_copy(
        update={
            "owner": "<script>x</script> $\\alpha$",
            "evidence": tp.evidence_list[0].model_copy(update={"source": '<img src=x> "a"'}),
        }
    )
    m.stages[0].touchpoints[1] = hostile
    page = report(build_scene(m))
    assert "<script>x</script>" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; $\\alpha$" in page
    scene = build_scene(m)
    with style(scene):
        fig = draw_canvas(scene)
    # math text is off: the dollars are text, escaped for matplotlib (mpl_text)
    assert any("owner: <script>x</script>" in t.get_text() for t in fig.texts)
