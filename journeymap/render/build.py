"""From a loaded map to the bytes of a view: the library side of ``journeymap render``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeymap.io import LoadedMap
from journeymap.render.scene import Curve, build_curves, build_scene

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.analysis.experiment import Readout
    from journeymap.analysis.scenario_maps import ScenarioMaps
    from journeymap.render.report_trend import TrendData


def analysis_of(loaded: LoadedMap, *, goal: str | None, samples: int, seed: int) -> Analysis:
    """The analysis of the map as ``journeymap analyze`` computes it."""
    from journeymap.analysis import analyze
    from journeymap.graph import build_graph

    G = build_graph(loaded.map, loaded.overlay)
    return analyze(
        G, goal=goal, samples=samples, seed=seed, scenario=loaded.scenario, persona=loaded.persona
    )


def scenario_curves(
    loaded: LoadedMap, mode: str, *, maps: ScenarioMaps | None = None
) -> list[Curve]:
    """Emotion curves; ``scenario`` draws every scenario of the map over it, each scenario's
    map from `maps` (the run's one loader; a new one for `loaded` without)."""
    from journeymap.analysis.scenario_maps import ScenarioMaps

    others = []
    if mode == "scenario":
        maps = ScenarioMaps(loaded) if maps is None else maps
        for name in loaded.map.scenarios:
            if name == loaded.scenario:
                continue
            others.append((name, maps.get(name).map))
    return build_curves(
        loaded.map, mode=mode, persona=loaded.persona, scenario=loaded.scenario, others=others
    )


def render_loaded(
    loaded: LoadedMap,
    view: str,
    fmt: str,
    *,
    theme: str = "light",
    color_by: str = "drop_off",
    goal: str | None = None,
    page: str = "A3",
    curves: str = "auto",
    samples: int = 1000,
    seed: int = 0,
    trend: TrendData | None = None,
    experiment: Readout | None = None,
    lang: str | None = None,
) -> bytes:
    """Render one view of a loaded map (runs the analysis when the view shows its figures).
    The map's scenarios are derived once for the whole run (curves, portfolio, report views)."""
    from journeymap.analysis.scenario_maps import ScenarioMaps
    from journeymap.render import NEEDS_ANALYSIS, NEEDS_BOOTSTRAP, NEEDS_PORTFOLIO, render

    maps = ScenarioMaps(loaded)

    analysis = None
    if view in NEEDS_ANALYSIS:
        analysis = analysis_of(
            loaded, goal=goal, samples=samples if view in NEEDS_BOOTSTRAP else 0, seed=seed
        )
    scene = build_scene(
        loaded.map,
        loaded.overlay,
        analysis=analysis,
        theme=theme,
        color_by=color_by,
        persona=loaded.persona,
        scenario=loaded.scenario,
        goal=goal,
        page=page,
        curves=scenario_curves(loaded, curves, maps=maps),
        lang=lang,
    )
    scene.experiment = experiment
    if view in NEEDS_PORTFOLIO and (view == "opportunities" or loaded.map.opportunity_objects()):
        from journeymap.analysis.portfolio import portfolio_of
        from journeymap.analysis.run import Options

        options = Options(
            goal=goal,
            samples=samples,
            seed=seed,
            scenario=loaded.scenario,
            persona=loaded.persona,
        )
        scene.portfolio = portfolio_of(loaded, options, maps=maps)
    variants = None
    if view == "report":
        from journeymap.render.report_views import report_variants

        variants = report_variants(maps, analysis, goal=goal, samples=samples, seed=seed)
    return render(scene, view, fmt, trend=trend, variants=variants)
