"""Views show the CX figures of the period (HTML report, poster key-figures lane) and draw the
cross-persona emotion weighted by persona share (scene curves, Mermaid scores)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from journeymap.analysis import analyze
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import JourneyMap
from journeymap.render import build_scene
from journeymap.render.key_figures import business_line, service_lines
from journeymap.render.mermaid import to_journey
from journeymap.render.report import report
from journeymap.render.scene import build_curves
from tests.support import MAPS


def _weighted_map(shares: tuple[float | None, float | None]) -> JourneyMap:
    personas: list[dict[str, Any]] = [
        {"id": pid, "name": pid.title(), **({"share": s} if s is not None else {})}
        for pid, s in zip(("calm", "angry"), shares, strict=True)
    ]
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "w",
            "title": "W",
            "emotion_scale": [-2, 2],
            "personas": personas,
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "a", "name": "A", "emotion": {"calm": -2, "angry": 2}},
                        {"id": "b", "name": "B", "emotion": 1},
                    ],
                }
            ],
        }
    )


def test_the_curve_across_personas_is_weighted_by_share() -> None:
    m = _weighted_map((0.8, 0.2))
    # 0.8 x -2 + 0.2 x 2 = -1.2 (the plain mean would be 0)
    (curve,) = build_curves(m, mode="single")
    assert curve.emotions == {"a": pytest.approx(-1.2), "b": 1.0}
    assert curve.label == "mean over personas, by share"
    scene = build_scene(m)
    assert scene.emotion("a") == pytest.approx(-1.2) == m.emotion("a")
    # one persona's own curve is unweighted
    assert build_curves(m, mode="persona")[1].emotions["a"] == 2.0
    # without shares: the plain mean
    (plain,) = build_curves(_weighted_map((None, None)), mode="single")
    assert plain.emotions["a"] == 0.0 and plain.label == "mean over personas"


def test_mermaid_scores_use_the_weighted_emotion() -> None:
    # -1.2 on -2..2 -> 1 + 4 x 0.8 / 4 = 1.8 -> 2; the plain mean 0 -> 3
    text = to_journey(build_scene(_weighted_map((0.8, 0.2))))
    assert "    A: 2: Calm, Angry" in text.splitlines()
    assert "the mean over personas, weighted by share" in text
    plain = to_journey(build_scene(_weighted_map((None, None))))
    assert "    A: 3: Calm, Angry" in plain.splitlines()


def _scene(name: str, data: str | None = None) -> Any:
    loaded = load_map(MAPS / name, data=None if data is None else MAPS / data)
    a = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    return build_scene(loaded.map, loaded.overlay, analysis=a)


def _text(html: str, table_id: str) -> str:
    start = html.index(f'<table id="{table_id}"')
    return re.sub(r"<[^>]+>", " ", html[start : html.index("</table>", start)])


def test_the_html_report_has_a_key_figures_section() -> None:
    html = report(_scene("retention.yaml"))
    assert '<a href="#figures">Key figures</a>' in html
    business = " ".join(_text(html, "business-table").split())
    assert "Retention 81.25% 80.68–81.81% 18,400 customers at the start" in business
    assert "Churn 18.75% 18.19–19.32%" in business
    assert "Repeat rate 37.7% 36.5–38.9% 6,100 ordering customers" in business
    assert "Retention cost 2.54 EUR – per retained customer" in business
    stages = " ".join(_text(html, "stage-survey-table").split())
    assert "Advocate +47 (n=478)" in stages
    service = " ".join(_text(report(_scene("support.yaml")), "service-table").split())
    # live chat first response: median (3.5 + 4) / 2 = 3.75, p90 12 + 0.1 x 3 = 12.3
    assert "Live chat with an agent first response 5.6 3.8 12.3 20 minutes" in service


def test_the_report_says_a_service_time_is_not_measured_in_the_period() -> None:
    html = report(_scene("first-purchase.yaml", "overlays/first-purchase.2026-Q2.yaml"))
    service = " ".join(_text(html, "service-table").split())
    assert "first response – – – – – not measured in 2026-Q2" in service


def test_the_poster_lane_shows_service_times_and_the_header_business_figures() -> None:
    scene = _scene("support.yaml")
    # live chat: first response median 3.75 -> 3.8, p90 12.3 -> 12; resolution 14.5 -> 14 (half
    # to even), p90 35.6 -> 36
    assert service_lines(scene, "live-chat") == ["reply 3.8, p90 12 min", "resolve 14, p90 36 min"]
    assert service_lines(scene, "email-ticket") == ["reply 5.5, p90 21 h biz"]
    assert service_lines(scene, "help-center") == []
    assert business_line(scene) == ""
    line = business_line(_scene("retention.yaml"))
    assert line.startswith("Retention 81.25% · Churn 18.75% · Repeat rate 37.7%")
    q2 = _scene("first-purchase.yaml", "overlays/first-purchase.2026-Q2.yaml")
    assert service_lines(q2, "support-chat") == ["reply: not measured in 2026-Q2"]
