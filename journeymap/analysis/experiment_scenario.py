"""The scenario check of an experiment: the lift the map's ``to-be`` scenario predicts beside
the lift the experiment observed (issue 10; docs/experiments.md, "The scenario check").

The prediction is the change of the conversion probability between the analysis of the map as
written and the analysis with the scenario applied (``journeymap analyze --compare-scenario``:
both :func:`journeymap.analysis.core.analyze` runs, ``b - a`` of
``summary.conversion_probability``), on the map's own numbers: the forecast made before the
test. The observation is each arm's difference in conversion against the control, with its
Newcombe interval (:class:`journeymap.analysis.experiment.Comparison`). The check is
``consistent`` when the predicted difference lies inside the observed interval, else the
observation is ``lower`` or ``higher`` than predicted. The analysis counts transitions and
the experiment customers, so the two agree only where one customer makes one journey; the
check reads the forecast's direction and size, it is not a test of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from journeymap.analysis.core import analyze
from journeymap.analysis.results import Analysis
from journeymap.findings import Number, Text, text


@dataclass(frozen=True)
class Prediction:
    """What a scenario predicts: the conversion as written and with the scenario."""

    scenario: str
    as_is: float | None
    to_be: float | None

    @property
    def difference(self) -> float | None:
        """``to_be - as_is``, in points of conversion (0.018 = 1.8 pp)."""
        return None if self.as_is is None or self.to_be is None else self.to_be - self.as_is


@dataclass(frozen=True)
class ScenarioCheck:
    arm: str
    scenario: str
    predicted: float | None
    """The predicted difference in conversion (to-be minus as-is)."""
    observed: float | None
    """The arm's observed difference against the control."""
    observed_interval: tuple[float, float] | None
    verdict: str
    """``consistent``, ``lower`` (observed below predicted), ``higher`` or ``no data``."""


def prediction(
    scenario: str, as_is: nx.DiGraph[str], to_be: nx.DiGraph[str], goal: str | None
) -> Prediction:
    """Analyse the map as written and with the scenario (no bootstrap) and keep both conversions."""

    def conversion(a: Analysis) -> float | None:
        return a.summary.conversion_probability

    a = analyze(as_is, goal=goal, samples=0)
    b = analyze(to_be, goal=goal, samples=0, scenario=scenario)
    return Prediction(scenario, conversion(a), conversion(b))


def judge(predicted: float | None, interval: tuple[float, float] | None) -> str:
    """``consistent`` when ``predicted`` lies in the observed interval.

    >>> judge(0.018, (0.001, 0.023)), judge(0.03, (0.001, 0.023)), judge(None, (0, 1))
    ('consistent', 'lower', 'no data')
    """
    if predicted is None or interval is None:
        return "no data"
    if predicted < interval[0]:
        return "higher"
    if predicted > interval[1]:
        return "lower"
    return "consistent"


def scenario_checks(
    pred: Prediction,
    observed: Sequence[tuple[str, float | None, tuple[float, float] | None]],
) -> list[ScenarioCheck]:
    """One check per arm from ``(arm, observed difference, its interval)``."""
    return [
        ScenarioCheck(arm, pred.scenario, pred.difference, d, ci, judge(pred.difference, ci))
        for arm, d, ci in observed
    ]


def words(c: ScenarioCheck) -> Text:
    """The check in one line.

    >>> print(words(ScenarioCheck("b", "to-be", 0.018, 0.012, (0.001, 0.023), "consistent")))
    b: to-be predicted +1.8 pp, observed +1.2 pp (0.1 to 2.3): consistent
    """
    if c.predicted is None or c.observed is None or c.observed_interval is None:
        return text(
            "{arm}: {scenario} predicts no figure to compare: no data",
            arm=c.arm,
            scenario=c.scenario,
        )
    lo, hi = c.observed_interval
    verdict = {
        "consistent": text("consistent"),
        "lower": text("lower than predicted"),
        "higher": text("higher than predicted"),
    }[c.verdict]
    return text(
        "{arm}: {scenario} predicted {predicted} pp, observed {observed} pp ({low} to {high}): "
        "{verdict}",
        arm=c.arm,
        scenario=c.scenario,
        predicted=Number(c.predicted * 100, "+.1f"),
        observed=Number(c.observed * 100, "+.1f"),
        low=Number(lo * 100, ".1f"),
        high=Number(hi * 100, ".1f"),
        verdict=verdict,
    )
