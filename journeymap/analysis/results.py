"""The typed result of :func:`journeymap.analysis.analyze`, and its one JSON serializer.

Every part of the analysis is a frozen dataclass: :class:`Summary`, :class:`TouchpointFigures`,
:class:`Leak` (with :class:`WhatIf` and :class:`BestNext`), :class:`StageFigures`,
:class:`Edge`, :class:`AfterGoalRow`, :class:`TimeToConvert`, :class:`SurveyFigures` (:class:`Nps`, :class:`Csat`,
:class:`Ces`), :class:`Conformance`, :class:`AnalysisWarning` and, when the analysis is asked
for figures by channel or stage, :class:`ChannelFigures` (:mod:`journeymap.analysis.channels`). Consumers (checks, report,
render, the side-by-side comparison) read their attributes; JSON is only an output, produced
by :func:`to_document` and nowhere else.

The field order of each class is the key order of its JSON object (``docs/analysis.md`` is the
contract); a field's ``metadata={"json": name}`` renames its key (``from_`` is ``"from"``) and
``metadata={"omit_none": True}`` leaves the key out when the value is None. Numbers are rounded
to 10 significant digits by :func:`rounded` once, when the analysis ends, so every consumer
(the terminal, a limit, a JSON reader) sees the same figure.

>>> from journeymap.analysis.document import rounded
>>> doc = to_document(WhatIf(percent=10.0, target=None, extra_conversions=1 / 3,
...                          extra_value=None, first_order_conversions=0.3))
>>> doc
{'percent': 10.0, 'target': None, 'extra_conversions': 0.3333333333333333, 'extra_value': None, 'first_order_conversions': 0.3}
>>> rounded(WhatIf(10.0, None, 1 / 3, float("nan"), 0.3)).extra_conversions
0.3333333333
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from journeymap.analysis.business import Metrics
from journeymap.analysis.document import to_document
from journeymap.analysis.survey_figures import NO_SURVEYS, Interval, SurveyFigures
from journeymap.analysis.warning_text import AnalysisWarning as AnalysisWarning

JsonValue = Any
"""A JSON-ready value."""


# ------------------------------------------------------------------------------ parts


@dataclass(frozen=True)
class MapInfo:
    id: str | None
    title: str | None
    stages: tuple[str, ...]


@dataclass(frozen=True)
class WhatIfSettings:
    percent: float
    targets: Mapping[str, str]


@dataclass(frozen=True)
class Settings:
    """``settings``: how the analysis was run."""

    unit: str
    period: str | None
    currency: str | None
    value_per_conversion: float | None
    confidence: float
    samples: int
    seed: int
    goal: str | None
    goals: tuple[str, ...]
    scenario: str | None
    persona: str | None
    what_if: WhatIfSettings
    data: str


@dataclass(frozen=True)
class Summary:
    """``summary``: the figures of the whole chain (``docs/analysis.md`` sections 1-9)."""

    entries: float
    entries_declared: int
    reentries: int
    implied_entries: int
    conversions: int
    conversions_by_goal: Mapping[str, int]
    exits: int
    exits_after_goal: int
    unknown: float
    in_progress: int
    observed_conversion_rate: float | None
    conversion_probability: float | None
    conversion_probability_interval: Interval | None
    conversion_probability_by_goal: Mapping[str, float | None]
    lost_probability: float | None
    unknown_probability: float | None
    after_goal_probability: float | None
    expected_touchpoints: float | None
    expected_touchpoints_converting: float | None
    total_lost_conversions: float | None
    total_lost_value: float | None
    total_lost_note: str
    flow_residual_max: float | None
    touchpoints: int
    chain_touchpoints: int
    goals: tuple[str, ...]
    leaks: int
    top_leak: str | None


@dataclass(frozen=True)
class TouchpointFigures:
    """``touchpoints[]``: flow and chain figures of one touchpoint."""

    id: str
    name: str
    stage: str
    formerly: tuple[str, ...]
    goal: bool
    after_goal: bool
    entries: int
    visits: int
    customers: int | None
    departures: int
    transitions_out: int
    conversions: int
    exits: int
    unknown: int
    in_progress: int
    flow_residual: int
    flow_residual_relative: float | None
    drop_off: float | None
    drop_off_interval: Interval | None
    customer_drop_off: float | None
    conversion_probability: float | None
    expected_visits: float | None
    reach_probability: float | None
    removal_effect: float | None
    expected_touchpoints: float | None
    expected_touchpoints_converting: float | None


@dataclass(frozen=True)
class WhatIf:
    """``leaks[].what_if``: closing a share of a leak's exits (exact, and first order)."""

    percent: float
    target: str | None
    extra_conversions: float | None
    extra_value: float | None
    first_order_conversions: float | None


@dataclass(frozen=True)
class BestNext:
    """``leaks[].best_next``: the declared next touchpoint that converts best."""

    touchpoint: str
    name: str
    conversion_probability: float


@dataclass(frozen=True)
class Leak:
    """``leaks[]``: one ranked leak (``docs/analysis.md`` section 9)."""

    rank: int
    touchpoint: str
    name: str
    stage: str
    exits: int
    departures: int
    drop_off: float | None
    drop_off_interval: Interval | None
    small_sample: bool
    conversion_probability: float | None
    lost_conversions: float | None
    lost_conversions_interval: Interval | None
    lost_value: float | None
    lost_value_interval: Interval | None
    what_if: WhatIf
    removal_effect: float | None
    probability_top: float | None
    best_next: BestNext | None
    survey: SurveyFigures


@dataclass(frozen=True)
class StageFigures:
    """``stages[]``: the stage funnel (``docs/analysis.md`` section 5)."""

    id: str
    name: str
    touchpoints: tuple[str, ...]
    after_goal: bool
    entries: int
    visits: int
    exits: int
    departures: int
    drop_off: float | None
    drop_off_interval: Interval | None
    reach_probability: float | None
    conversion_given_reach: float | None
    classic_funnel: bool
    conversion_from_previous: float | None
    funnel_note: str | None
    surveys: SurveyFigures


EdgeKind = Literal["transition", "conversion", "to_after_goal", "reentry", "after_conversion"]


@dataclass(frozen=True)
class Edge:
    """``edges[]``: one transition with its probability and sensitivity."""

    from_: str = field(metadata={"json": "from"})
    to: str
    count: int
    count_known: bool
    probability: float | None
    kind: EdgeKind
    sensitivity: float | None
    sensitivity_from_exits: float | None
    declared: bool
    returns: int
    median_seconds_to_next: int | None = field(default=None, metadata={"omit_none": True})
    """The lower median of the seconds between the two touchpoints (an ingested overlay's
    ``median_seconds_to_next``); left out of the JSON when the data has none."""


@dataclass(frozen=True)
class AfterGoalRow:
    """``after_goal[]``: the flow of one touchpoint after the goal (its exits are churn)."""

    id: str
    name: str
    stage: str
    visits: int
    departures: int
    exits: int
    drop_off: float | None
    drop_off_interval: Interval | None
    transitions_out: int
    customers: int | None


@dataclass(frozen=True)
class UndeclaredTransition:
    from_: str = field(metadata={"json": "from"})
    to: str
    count: int


@dataclass(frozen=True)
class UnusedTransition:
    from_: str = field(metadata={"json": "from"})
    to: str


@dataclass(frozen=True)
class Conformance:
    """``conformance``: how well the overlay's counts fit the map (overlays only)."""

    coverage: float | None
    unmapped: Mapping[str, int]
    undeclared_transitions: tuple[UndeclaredTransition, ...]
    undeclared_share: float | None
    unused_transitions: tuple[UnusedTransition, ...]
    unused_touchpoints: tuple[str, ...]
    declared_transitions_used: float | None
    touchpoints_used: float | None


@dataclass(frozen=True)
class TimeToConvert:
    """``time_to_convert``: from a journey's first event to its first goal event, for the
    journeys that converted (an ingested overlay's figures; ``docs/events.md``)."""

    journeys: int
    median_seconds: float
    p90_seconds: float


class Grouping(StrEnum):
    """What the touchpoints are grouped by (``journeymap analyze --by``)."""

    CHANNEL = "channel"
    STAGE = "stage"


@dataclass(frozen=True)
class ChannelFigures:
    """``channels[]``: one group's figures (:mod:`journeymap.analysis.channels` defines each);
    None where undefined."""

    channel: str
    """The group: the members' channel, or their stage id when grouped by stage."""
    touchpoints: tuple[str, ...]
    visits: int
    exits: int
    conversions_reached: float | None
    lost_value: float | None
    conversion_probability: float | None
    removal_effect: float | None
    attribution_share: float | None
    attributed_conversions: float | None
    attributed_value: float | None
    first_touch_share: float | None
    last_touch_share: float | None


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`journeymap.analysis.analyze` (numbers rounded to 10 significant
    digits, undefined figures None); :meth:`to_dict` is the JSON document."""

    map: MapInfo
    settings: Settings
    summary: Summary
    touchpoints: tuple[TouchpointFigures, ...]
    stages: tuple[StageFigures, ...]
    leaks: tuple[Leak, ...]
    edges: tuple[Edge, ...]
    after_goal: tuple[AfterGoalRow, ...]
    metrics: Metrics
    surveys: Mapping[str, SurveyFigures]
    conformance: Conformance | None
    warnings: tuple[AnalysisWarning, ...]
    time_to_convert: TimeToConvert | None = field(default=None, metadata={"omit_none": True})
    """Left out of the JSON when the data carries none (only ingested overlays do)."""
    by: Grouping | None = field(default=None, metadata={"omit_none": True})
    """What ``channels`` groups by; None (and no key) unless the analysis was asked for it."""
    channels: tuple[ChannelFigures, ...] | None = field(default=None, metadata={"omit_none": True})
    """Figures by channel or stage, in map order of each group's first touchpoint."""

    def to_dict(self) -> dict[str, Any]:
        """The document ``journeymap analyze --format json`` prints (:func:`to_document`)."""
        return {"journeymap-analysis": 1, **to_document(self)}

    def touchpoint(self, touchpoint_id: str) -> TouchpointFigures:
        """The figures of one touchpoint (KeyError when the map has none of that id)."""
        return self._touchpoints[touchpoint_id]

    def leak(self, touchpoint_id: str) -> Leak | None:
        """The leak at a touchpoint, or None when it is no ranked leak."""
        return self._leaks.get(touchpoint_id)

    def stage(self, stage_id: str) -> StageFigures | None:
        return self._stages.get(stage_id)

    def after_goal_row(self, touchpoint_id: str) -> AfterGoalRow | None:
        return self._after_goal.get(touchpoint_id)

    def survey(self, touchpoint_id: str) -> SurveyFigures:
        """The survey figures of a touchpoint (empty when it declares no survey)."""
        return self.surveys.get(touchpoint_id, NO_SURVEYS)

    @property
    def _touchpoints(self) -> dict[str, TouchpointFigures]:
        return _index(self, "touchpoints", lambda t: t.id)

    @property
    def _leaks(self) -> dict[str, Leak]:
        return _index(self, "leaks", lambda lk: lk.touchpoint)

    @property
    def _stages(self) -> dict[str, StageFigures]:
        return _index(self, "stages", lambda s: s.id)

    @property
    def _after_goal(self) -> dict[str, AfterGoalRow]:
        return _index(self, "after_goal", lambda r: r.id)


def _index(an: Analysis, part: str, key: Any) -> dict[str, Any]:
    """Rows of one part by id, built once per result (cached on the frozen instance)."""
    cache: dict[str, dict[str, Any]] = an.__dict__.setdefault("_by_id", {})
    if part not in cache:
        cache[part] = {key(row): row for row in getattr(an, part)}
    return cache[part]
