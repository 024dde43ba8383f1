"""Mermaid journey and flowchart: scores, actors, the comment of what is not carried over."""

from __future__ import annotations

import re

from journeymap.render.mermaid import emotion_to_score, to_flowchart, to_journey
from tests.render.support import scene_of


def test_emotions_map_linearly_onto_one_to_five() -> None:
    assert [emotion_to_score(v, (-2, 2)) for v in (-2, -1.5, -1, 0, 1, 1.49, 2)] == [
        1,
        2,
        2,
        3,
        4,
        4,
        5,
    ]
    assert [emotion_to_score(v, (0, 10)) for v in (0, 2.5, 5, 10)] == [1, 2, 3, 5]


def test_journey_has_sections_tasks_actors_and_says_what_is_lost() -> None:
    text = to_journey(scene_of("shop.yaml"))
    lines = text.splitlines()
    assert lines[0] == "journey"
    assert "  title First purchase in the online store" in lines
    assert [ln.strip() for ln in lines if ln.startswith("  section")] == [
        "section Awareness",
        "section Consideration",
        "section Purchase",
    ]
    # instagram-ad: personas 1 and 0 -> mean 0.5 -> 1 + 4 * 2.5 / 4 = 3.5 -> 4
    assert "    Instagram ad: 4: Bargain hunter, Busy parent" in lines
    assert "    Checkout: 1: Bargain hunter, Busy parent" in lines
    comments = [ln for ln in lines if ln.strip().startswith("%%")]
    assert any("per-persona emotions" in c for c in comments)
    assert any("not carried over: counts and transitions" in c for c in comments)


def test_journey_for_one_persona_uses_its_emotions() -> None:
    text = to_journey(scene_of("shop.yaml", persona="busy-parent"))
    assert "    Instagram ad: 3: Busy parent" in text  # busy parent: 0 -> 3
    assert "persona: busy-parent" in text


def test_touchpoints_without_emotion_are_listed_in_the_comment() -> None:
    text = to_journey(scene_of("hostile.yaml"))
    assert "no emotion on the map" not in text
    shop = to_journey(scene_of("ru.yaml"))
    assert "    Заказ оформлен: 5: Экономный покупатель" in shop


def test_flowchart_has_stage_subgraphs_counts_and_dashed_undeclared_edges() -> None:
    text = to_flowchart(scene_of("shop.yaml", data="shop-overlay.yaml"))
    assert re.search(r'^  subgraph s0\["Awareness"\]$', text, re.M)
    assert '    t0["Instagram ad<br/>10,000 visits · 3,850 left (38%)"]' in text
    assert '  t0 -.->|"150 (2%)"| t5' in text
    assert '  t0 -->|"4,000 (40%)"| t3' in text
    assert '    t6(["Order confirmation<br/>2,000 visits"])' in text
