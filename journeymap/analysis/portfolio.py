"""From a loaded map to its opportunity portfolio: the one place that reads the graphs a
portfolio needs (the analysed map, the map as written, each scenario an opportunity names),
shared by ``journeymap opportunities``, ``render --view opportunities`` and the HTML report."""

from __future__ import annotations

from journeymap.analysis.core import Options
from journeymap.analysis.opportunities import portfolio
from journeymap.analysis.opportunity_results import Portfolio
from journeymap.graph import build_graph
from journeymap.io import LoadedMap, load_map


def portfolio_of(loaded: LoadedMap, options: Options) -> Portfolio:
    """Price the opportunities of ``loaded``'s map as written on ``loaded`` (its scenario and
    overlay), the scenario bases against the map as written with the same overlay."""
    as_written = (
        loaded if loaded.scenario is None else load_map(loaded.path, persona=loaded.persona)
    )
    jm = as_written.map
    named = sorted({o.scenario for o in jm.opportunity_objects() if o.scenario is not None})
    graphs = {
        name: build_graph(load_map(loaded.path, scenario=name).map, loaded.overlay)
        for name in named
    }
    return portfolio(
        jm,
        build_graph(loaded.map, loaded.overlay),
        graphs,
        options,
        as_written=build_graph(jm, loaded.overlay),
    )
