"""The survey figures of the analysis: :class:`Nps`, :class:`Csat`, :class:`Ces` and
:class:`SurveyFigures`, with the one rule for which figure stands for a metric
(:meth:`SurveyFigures.headline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeymap.figures import SURVEY_KINDS, SurveyKind

Interval = tuple[float, float]
"""A two-sided interval ``(low, high)``; JSON writes it as ``[low, high]``."""

_OMIT = {"omit_none": True}


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score (``surveys.<id>.nps``); headline: :attr:`value`."""

    value: float | None
    standard_error: float | None
    interval: Interval | None
    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def headline(self) -> float | None:
        return self.value


@dataclass(frozen=True)
class Csat:
    """CSAT (``surveys.<id>.csat``); headline: :attr:`percent` (top-box share, 0-100)."""

    percent: float | None
    interval: Interval | None
    mean: float | None
    responses: int
    satisfied: int
    top_box: tuple[int, ...]

    @property
    def headline(self) -> float | None:
        return self.percent


@dataclass(frozen=True)
class Ces:
    """Customer Effort Score (``surveys.<id>.ces``); headline: :attr:`mean` on its scale."""

    mean: float | None
    standard_error: float | None
    interval: Interval | None
    percent_easy: float | None
    percent_difficult: float | None
    responses: int
    scale: tuple[int, int]
    direction: str

    @property
    def headline(self) -> float | None:
        return self.mean


@dataclass(frozen=True)
class SurveyFigures:
    """The survey metrics of one touchpoint or stage; a metric is None when not declared.

    The one rule for which figure stands for a metric: :meth:`headline` (NPS value, CSAT
    percent, CES mean), None when the survey is not declared or has no responses.

    >>> s = SurveyFigures(csat=Csat(80.0, (70.0, 87.0), 4.1, 50, 40, (4, 5)))
    >>> s.headline("csat"), s.headline("nps"), [k for k, _ in s.headlines()]
    (80.0, None, ['csat'])
    """

    nps: Nps | None = field(default=None, metadata=_OMIT)
    csat: Csat | None = field(default=None, metadata=_OMIT)
    ces: Ces | None = field(default=None, metadata=_OMIT)

    def metric(self, kind: SurveyKind) -> Nps | Csat | Ces | None:
        found: Nps | Csat | Ces | None = getattr(self, kind)
        return found

    def headline(self, kind: SurveyKind) -> float | None:
        """The figure that stands for the metric ``kind``, or None."""
        m = self.metric(kind)
        return None if m is None else m.headline

    def headlines(self) -> list[tuple[SurveyKind, Nps | Csat | Ces]]:
        """``(kind, metric)`` of every metric with a headline figure, in the order NPS, CSAT, CES."""
        out: list[tuple[SurveyKind, Nps | Csat | Ces]] = []
        for kind in SURVEY_KINDS:
            m = self.metric(kind)
            if m is not None and m.headline is not None:
                out.append((kind, m))
        return out

    def __bool__(self) -> bool:
        return any(getattr(self, k) is not None for k in SURVEY_KINDS)


NO_SURVEYS = SurveyFigures()
