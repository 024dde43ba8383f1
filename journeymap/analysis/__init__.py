"""Analysis of the journey graph: flow, Markov chain, leaks, statistics, surveys (plain functions, networkx style).

The entry point is :func:`analyze`; it returns a typed :class:`Analysis`
(``journeymap.analysis.results``) whose :meth:`Analysis.to_dict` is the JSON document of
``journeymap analyze --format json`` (``docs/analysis.md`` defines every figure,
``docs/api.md`` the names other code may rely on).
"""

from journeymap.analysis.chain import NonAbsorbingChainError
from journeymap.analysis.compare import compare
from journeymap.analysis.core import analyze
from journeymap.analysis.flow import Flow, flow_table
from journeymap.analysis.results import Analysis
from journeymap.analysis.surveys import ces, csat, nps, survey_metrics

__all__ = [
    "Analysis",
    "Flow",
    "NonAbsorbingChainError",
    "analyze",
    "ces",
    "compare",
    "csat",
    "flow_table",
    "nps",
    "survey_metrics",
]
