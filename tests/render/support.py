"""Helpers for the render tests (the data folder, a scene from a test map); fixtures stay in conftest.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from journeymap.analysis import Analysis, analyze
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.render import Scene, build_scene
from journeymap.render.build import scenario_curves

DATA = Path(__file__).resolve().parent / "data"


def scene_of(
    name: str,
    *,
    data: str | None = None,
    analysis: Analysis | None = None,
    curves: str = "auto",
    **kw: Any,
) -> Scene:
    loaded = load_map(
        DATA / name,
        data=None if data is None else DATA / data,
        scenario=kw.pop("scenario", None),
        persona=kw.get("persona"),
    )
    return build_scene(
        loaded.map,
        loaded.overlay,
        analysis=analysis,
        curves=scenario_curves(loaded, curves),
        scenario=loaded.scenario,
        **kw,
    )


def analysis_of(
    name: str,
    *,
    leaks: list[dict[str, Any]] | None = None,
    stages: dict[str, float] | None = None,
    surveys: dict[str, SurveyFigures] | None = None,
) -> Analysis:
    """The real analysis of a test map with some parts replaced by hand-made figures.

    ``leaks`` rows name the fields they set (the rest comes from the map's own leak at that
    touchpoint, or its first leak); ``stages`` sets the reach of the listed stages (only those
    are kept); ``surveys`` replaces every survey.
    """
    loaded = load_map(DATA / name)
    real = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    changes: dict[str, Any] = {}
    if leaks is not None:
        rows = []
        for row in leaks:
            template = real.leak(row["touchpoint"]) or real.leaks[0]
            fields: dict[str, Any] = {
                "lost_conversions_interval": None,
                "lost_value_interval": None,
            }
            fields.update({k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
            rows.append(replace(template, **fields))
        changes["leaks"] = tuple(rows)
    if stages is not None:
        changes["stages"] = tuple(
            replace(s, reach_probability=stages[s.id]) for s in real.stages if s.id in stages
        )
    if surveys is not None:
        changes["surveys"] = surveys
    return replace(real, **changes)


def nps(value: float, interval: tuple[float, float] | None = None, n: int = 100) -> Nps:
    return Nps(value, None, interval, n, 0, 0, 0)


def csat(percent: float, mean: float | None = None, n: int = 100) -> Csat:
    return Csat(percent, None, mean, n, 0, (4, 5))


def ces(mean: float | None = None, percent_easy: float | None = None, n: int = 100) -> Ces:
    return Ces(mean, None, None, percent_easy, None, n, (1, 7), "higher_is_better")
