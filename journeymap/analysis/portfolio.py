"""From a loaded map to its opportunity portfolio: the one place that reads the graphs a
portfolio needs (the analysed map, the map as written, each scenario an opportunity names),
shared by ``journeymap opportunities``, ``render --view opportunities`` and the HTML report."""

from __future__ import annotations

from journeymap.analysis.opportunities import portfolio
from journeymap.analysis.opportunity_results import Portfolio
from journeymap.analysis.run import Options
from journeymap.analysis.scenario_maps import ScenarioMaps
from journeymap.graph import build_graph
from journeymap.io import LoadedMap
from journeymap.model import JourneyMap, Overlay


def _overlay_fits(jm: JourneyMap, overlay: Overlay) -> bool:
    """Whether every touchpoint and transition the overlay counts exists in ``jm`` (a scenario
    that removes or rewires a measured touchpoint cannot be priced from that overlay)."""
    ids = set(jm.touchpoints)
    return all(
        tid in ids and all(nxt in ids for nxt in row.next)
        for tid, row in overlay.touchpoints.items()
    )


def portfolio_of(
    loaded: LoadedMap, options: Options, *, maps: ScenarioMaps | None = None
) -> Portfolio:
    """Price the opportunities of ``loaded``'s map as written on ``loaded`` (its scenario and
    overlay), the scenario bases against the map as written with the same overlay (a scenario
    that the overlay's numbers do not fit gets no value at stake, ranked out as "no value").
    The scenarios come from `maps` (the run's one loader; a new one for `loaded` without)."""
    maps = ScenarioMaps(loaded) if maps is None else maps
    jm = maps.get(None).map
    named = sorted({o.scenario for o in jm.opportunity_objects() if o.scenario is not None})
    graphs = {}
    for name in named:
        scenario_map = maps.get(name).map
        if loaded.overlay is not None and not _overlay_fits(scenario_map, loaded.overlay):
            continue  # measured numbers of the map as written cannot price it: no value at stake
        graphs[name] = build_graph(scenario_map, loaded.overlay)
    return portfolio(
        jm,
        build_graph(loaded.map, loaded.overlay),
        graphs,
        options,
        as_written=build_graph(jm, loaded.overlay),
    )
