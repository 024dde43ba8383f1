"""Analysis of the journey graph: flow, Markov chain, leaks, statistics, surveys (plain functions, networkx style).

The entry point is :func:`analyze`; it returns a typed :class:`Analysis`
(``journeymap.analysis.results``) whose :meth:`Analysis.to_dict` is the JSON document of
``journeymap analyze --format json`` (``docs/analysis.md`` defines every figure,
``docs/api.md`` the names other code may rely on).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeymap.analysis.chain import NonAbsorbingChainError
    from journeymap.analysis.compare import compare
    from journeymap.analysis.core import analyze
    from journeymap.analysis.flow import Flow, flow_table
    from journeymap.analysis.results import Analysis
    from journeymap.analysis.surveys import ces, csat, nps, survey_metrics

# the names below load their module on first use (PEP 562), so a command that needs one
# module of the package (cohorts: analysis.cohorts) does not import the chain, networkx and numpy
_OWNER = {
    "NonAbsorbingChainError": "chain",
    "compare": "compare",
    "analyze": "core",
    "Flow": "flow",
    "flow_table": "flow",
    "Analysis": "results",
    "ces": "surveys",
    "csat": "surveys",
    "nps": "surveys",
    "survey_metrics": "surveys",
}


def __getattr__(name: str) -> object:
    owner = _OWNER.get(name)
    if owner is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{owner}"), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package, whose ``compare`` is the function: loading the submodule of that name
    (``import journeymap.analysis.compare``) would otherwise bind the module over it."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _OWNER and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
