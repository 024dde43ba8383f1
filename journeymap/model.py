"""The journey map as its authors wrote it: pydantic v2 models, frozen, no unknown keys.

Pure data: nothing here reads files, builds graphs or draws. :mod:`journeymap.io` reads YAML
into these models and resolves references in a second pass; :mod:`journeymap.graph` turns a
:class:`JourneyMap` into a networkx graph. ``docs/format.md`` documents every field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from journeymap.errors import UsageError, did_you_mean
from journeymap.stats import NpsCounts

ID_PATTERN = r"^[\w][\w.\-]*$"
Id = Annotated[str, Strict(), StringConstraints(pattern=ID_PATTERN, max_length=200)]
Text = Annotated[str, Strict(), StringConstraints(max_length=20_000)]
ShortText = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=500)]
Count = Annotated[int, Strict(), Field(ge=0)]
"""A whole, non-negative number of customers or transitions. ``yes``, ``1.5`` and ``.nan`` are refused."""
MAX_MAGNITUDE: Final = 1e15
"""The largest magnitude of a number a map declares (money, durations, scale bounds, limits).

Below 2**53 (about 9.007e15), so whole units stay exact in a float, and sums and products over
millions of samples or 40-digit counts stay far from float overflow (``fsum`` of ``1e308``
samples overflowed; a scale ``[-1e308, 1e308]`` has an infinite width)."""
Number = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class UnknownGoalError(UsageError):
    """A goal was asked for that the map does not declare. ``goal`` and ``goals`` say which."""

    def __init__(self, goal: str, goals: Sequence[str], touchpoints: Collection[str] = ()):
        listed = f"goals: {', '.join(goals) or 'none'}"
        hint = did_you_mean(goal, list(goals)) or (
            f"'{goal}' is a touchpoint but not a goal; {listed}" if goal in touchpoints else listed
        )
        super().__init__(f"the map has no goal '{goal}'", hint=hint)
        self.goal = goal
        self.goals = list(goals)


def select_goals(
    goals: Sequence[str], goal: str | None = None, touchpoints: Collection[str] = ()
) -> list[str]:
    """The goals a chain absorbs into: every declared goal, or the one chosen.

    ``touchpoints`` (every id of the map) lets the error say when the chosen id is a touchpoint
    that is not a goal.

    >>> select_goals(["a", "b"]), select_goals(["a", "b"], "b")
    (['a', 'b'], ['b'])
    >>> select_goals(["paid"], "payd")
    Traceback (most recent call last):
    ...
    journeymap.model.UnknownGoalError: the map has no goal 'payd'
    """
    if goal is None:
        return list(goals)
    if goal not in goals:
        raise UnknownGoalError(goal, goals, touchpoints)
    return [goal]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------------------- period

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|W(0[1-9]|[1-4]\d|5[0-3])))?$")


class PeriodRange(_Model):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> PeriodRange:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


def parse_period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of an ISO period: ``2026``, ``2026-07``, ``2026-Q3``, ``2026-W05``.

    >>> parse_period("2026-Q3")
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    """
    m = _PERIOD_RE.match(value)
    if not m:
        raise ValueError(f"'{value}' is not an ISO period (2026, 2026-07, 2026-Q3, 2026-W05)")
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        start = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if m.group(3):
        q = int(m.group(3))
        start = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if m.group(4):
        start = dt.date.fromisocalendar(year, int(m.group(4)), 1)
        return start, start + dt.timedelta(days=6)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _period(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a period is text such as 2026-Q3")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        parse_period(value)
    return value


Period = Annotated[str | PeriodRange, Field(union_mode="left_to_right")]


def period_label(period: str | PeriodRange | None) -> str | None:
    """How output names a period: ``2026-Q3`` or ``2026-07-01..2026-09-30``."""
    if period is None or isinstance(period, str):
        return period
    return f"{period.start.isoformat()}..{period.end.isoformat()}"


def period_bounds(period: str | PeriodRange) -> tuple[dt.date, dt.date]:
    return parse_period(period) if isinstance(period, str) else (period.start, period.end)


# ---------------------------------------------------------------------------------- evidence


class EvidenceKind(StrEnum):
    OBSERVED = "observed"
    REPORTED = "reported"
    ASSUMED = "assumed"
    PROPOSED = "proposed"


class Evidence(_Model):
    """Where a statement on the map comes from."""

    kind: EvidenceKind
    source: Text | None = None
    date: dt.date | None = None


# ----------------------------------------------------------------------------------- surveys


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


Answer = Annotated[int, Strict()]

NPS_SCALE: Final = (0, 10)
"""The only scale on which the Net Promoter Score is defined (Reichheld 2003)."""
NPS_PROMOTERS: Final = (9, 10)
NPS_DETRACTORS: Final = (0, 1, 2, 3, 4, 5, 6)
"""Promoters answer 9-10, detractors 0-6; 7-8 are passives."""
CSAT_SCALE: Final = (1, 5)
CSAT_TOP_BOX: Final = (4, 5)
"""The satisfied answers of CSAT on 1-5; any other scale declares its ``top_box``."""
CES_SCALE: Final = (1, 7)
"""CES 2.0's 1-7 agreement scale, the default when a map declares none."""


def nps_counts(responses: Mapping[int, int]) -> NpsCounts:
    """Promoters, detractors and all responses of ``{answer: count}`` on the 0-10 scale.

    >>> nps_counts({10: 5, 9: 5, 8: 4, 6: 3, 0: 3})
    NpsCounts(promoters=10, detractors=6, responses=20)
    """
    return NpsCounts(
        promoters=sum(c for a, c in responses.items() if a in NPS_PROMOTERS),
        detractors=sum(c for a, c in responses.items() if a in NPS_DETRACTORS),
        responses=sum(responses.values()),
    )


class Survey(_Model):
    """Raw response counts per answer on a declared scale."""

    scale: tuple[Answer, Answer]
    responses: dict[int, Count] = Field(default_factory=dict)
    direction: Direction | None = None
    top_box: list[Answer] | None = None
    question: Text | None = None

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] >= v[1]:
            raise ValueError("a scale is [lowest, highest] with lowest < highest")
        return v

    @model_validator(mode="after")
    def _answers(self) -> Survey:
        low, high = self.scale
        outside = sorted(a for a in self.responses if not low <= a <= high)
        if outside:
            raise ValueError(f"answers {outside} lie outside the declared scale [{low}, {high}]")
        if self.top_box is not None:
            bad = sorted(a for a in self.top_box if not low <= a <= high)
            if bad:
                raise ValueError(f"top_box answers {bad} lie outside the scale [{low}, {high}]")
        return self

    @property
    def total(self) -> int:
        return sum(self.responses.values())


class NpsSurvey(Survey):
    scale: tuple[Answer, Answer] = NPS_SCALE

    @property
    def on_nps_scale(self) -> bool:
        """Whether the survey is declared on 0-10, the only scale where NPS is defined."""
        return tuple(self.scale) == NPS_SCALE

    def counts(self) -> NpsCounts:
        """Promoters (9-10), detractors (0-6) and responses; see :func:`nps_counts`."""
        return nps_counts(self.responses)


class CsatSurvey(Survey):
    scale: tuple[Answer, Answer] = CSAT_SCALE

    def top_box_answers(self) -> tuple[int, ...]:
        """The satisfied answers: the declared ``top_box``, else 4-5 (on the 1-5 scale).

        >>> CsatSurvey().top_box_answers(), CsatSurvey(scale=(1, 7), top_box=[6, 7]).top_box_answers()
        ((4, 5), (6, 7))
        """
        return tuple(sorted(self.top_box)) if self.top_box is not None else CSAT_TOP_BOX

    @property
    def satisfied(self) -> int:
        """Responses in the top box (the CSAT numerator)."""
        top = self.top_box_answers()
        return sum(c for a, c in self.responses.items() if a in top)

    @model_validator(mode="after")
    def _top_box_off_scale(self) -> CsatSurvey:
        if tuple(self.scale) != CSAT_SCALE and self.top_box is None:
            raise ValueError(
                f"CSAT on the scale {list(self.scale)} needs 'top_box' (the satisfied answers)"
            )
        return self


def ces_answers(
    scale: tuple[int, int], direction: Direction, top_box: Collection[int] | None = None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The answers of a CES scale that count as easy, and those that count as difficult.

    Easy: the declared ``top_box``, else every answer beyond the scale's midpoint on the good
    side (5-7 on 1-7 when higher is better, as CES 2.0 reports it; 1-2 on 1-5 when lower is
    better). Difficult: the mirror image of the easy answers (answer ``a`` mirrored to
    ``low + high - a``), so a declared top box ``[6, 7]`` on 1-7 makes 1-2 difficult. A top box
    must lie on the scale and strictly beyond the midpoint on the good side (otherwise an easy
    answer would be its own mirror, or on the side the direction calls difficult).

    >>> ces_answers((1, 7), Direction.HIGHER_IS_BETTER)
    ((5, 6, 7), (1, 2, 3))
    >>> ces_answers((1, 7), Direction.HIGHER_IS_BETTER, [7, 6])
    ((6, 7), (1, 2))
    >>> ces_answers((1, 5), Direction.LOWER_IS_BETTER, [1])
    ((1,), (5,))
    >>> ces_answers((1, 5), Direction.LOWER_IS_BETTER, [4, 5])
    Traceback (most recent call last):
    ...
    ValueError: the answers [4, 5] are not easy on the scale [1, 5] (lower is better); a CES top box holds the easy answers, below the midpoint 3
    """
    low, high = scale
    mid = (low + high) / 2
    higher = direction == Direction.HIGHER_IS_BETTER
    if top_box is None:
        easy = tuple(a for a in range(low, high + 1) if (a > mid if higher else a < mid))
    else:
        easy = tuple(sorted(set(top_box)))
        outside = [a for a in easy if not low <= a <= high]
        if outside:
            raise ValueError(f"the answers {outside} lie outside the scale [{low}, {high}]")
        wrong = [a for a in easy if (a <= mid if higher else a >= mid)]
        if wrong:
            side, where = ("higher", "above") if higher else ("lower", "below")
            raise ValueError(
                f"the answers {wrong} are not easy on the scale [{low}, {high}] ({side} is "
                f"better); a CES top box holds the easy answers, {where} the midpoint {mid:g}"
            )
    return easy, tuple(sorted(low + high - a for a in easy))


class CesSurvey(Survey):
    scale: tuple[Answer, Answer] = CES_SCALE
    direction: Direction  # required for CES

    @field_validator("top_box")
    @classmethod
    def _top_box_easy(cls, v: list[int] | None, info: ValidationInfo) -> list[int] | None:
        scale, direction = info.data.get("scale"), info.data.get("direction")
        if v is not None and scale is not None and direction is not None:
            ces_answers((scale[0], scale[1]), direction, v)
        return v

    def easy_answers(self) -> tuple[int, ...]:
        """The answers counted as easy (:func:`ces_answers`): the declared ``top_box``, else
        every answer beyond the midpoint on the good side.

        >>> CesSurvey(direction="higher_is_better", top_box=[7]).easy_answers()
        (7,)
        """
        return ces_answers((self.scale[0], self.scale[1]), self.direction, self.top_box)[0]

    def difficult_answers(self) -> tuple[int, ...]:
        """The answers counted as difficult: the mirror image of :meth:`easy_answers`."""
        return ces_answers((self.scale[0], self.scale[1]), self.direction, self.top_box)[1]


class Scores(_Model):
    nps: NpsSurvey | None = None
    csat: CsatSurvey | None = None
    ces: CesSurvey | None = None


# ---------------------------------------------------------------------------------- business

TimeUnit = Literal["seconds", "minutes", "hours", "days"]


class Durations(_Model):
    """A service time: raw samples, or precomputed figures when only those are known."""

    unit: TimeUnit = "minutes"
    hours: Literal["calendar", "business"] = "calendar"
    samples: list[NonNegative] | None = None
    mean: NonNegative | None = None
    median: NonNegative | None = None
    count: Count | None = None

    @model_validator(mode="after")
    def _something(self) -> Durations:
        if self.samples is None and self.mean is None and self.median is None:
            raise ValueError("give 'samples', or 'mean' and/or 'median'")
        return self

    @field_validator("mean", "median")
    @classmethod
    def _within_samples(cls, v: float | None, info: ValidationInfo) -> float | None:
        samples = info.data.get("samples")
        if v is not None and samples:
            low, high = min(samples), max(samples)
            if not low <= v <= high:
                raise ValueError(
                    f"the {info.field_name} {v:g} lies outside its samples ({low:g} to {high:g}); "
                    f"a {info.field_name} lies between the smallest and the largest sample"
                )
        return v

    @field_validator("count")
    @classmethod
    def _count(cls, v: int | None, info: ValidationInfo) -> int | None:
        samples, mean, median = (info.data.get(k) for k in ("samples", "mean", "median"))
        if v is None:
            return v
        if samples is not None and v != len(samples):
            raise ValueError(
                f"count {v:,} differs from the {len(samples):,} samples; "
                "leave 'count' out when the samples are given"
            )
        declared = [k for k, x in (("mean", mean), ("median", median)) if x is not None]
        if v == 0 and declared:
            raise ValueError(
                f"count 0, but a {' and a '.join(declared)} of no samples is "
                "declared; give the number of samples behind "
                f"{'them' if len(declared) > 1 else 'it'}"
            )
        if v in (1, 2) and mean is not None and median is not None and mean != median:
            raise ValueError(
                f"with {v} sample{'s' if v > 1 else ''} the mean equals the median, "
                f"but the mean is {mean:g} and the median {median:g}"
            )
        return v


class TouchpointBusiness(_Model):
    first_response_time: Durations | None = None
    resolution_time: Durations | None = None
    cost_per_visit: NonNegative | None = None


class Business(_Model):
    """Map-level business inputs, for the period of the map."""

    # Impossible combinations are refused where the later key is written (the customers at
    # the end include the new ones; the customers lost and those retained are among the
    # customers at the start; repeat customers are among the ordering ones), so no rate
    # computed from them can leave 0..1 and no cost can turn negative. (The class docstring is
    # the schema's description: keep it one line.)

    customers_start: Count | None = None
    customers_end: Count | None = None
    new_customers: Count | None = None
    customers_lost: Count | None = None
    ordering_customers: Count | None = None
    repeat_customers: Count | None = None
    average_order_value: NonNegative | None = None
    purchase_frequency: NonNegative | None = Field(
        default=None, description="orders per customer per year"
    )
    customer_lifespan: NonNegative | None = Field(default=None, description="years")
    gross_margin: Fraction | None = None
    retention_spend: NonNegative | None = None

    @field_validator("gross_margin", mode="before")
    @classmethod
    def _margin_not_percent(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 < v <= 100:
            raise ValueError(
                f"{v:g} is a percentage, but the gross margin is a fraction 0..1; "
                f"write {v:g}% as {v / 100:g}"
            )
        return v

    @field_validator("new_customers")
    @classmethod
    def _new_at_the_end(cls, v: int | None, info: ValidationInfo) -> int | None:
        """The end count includes the new customers, and retention ``(E - N) / S`` stays <= 1.

        >>> from pydantic import ValidationError
        >>> try:
        ...     Business(customers_end=900, new_customers=950)
        ... except ValidationError as exc:
        ...     print(exc.errors()[0]["loc"], exc.errors()[0]["msg"])
        ('new_customers',) Value error, 950 new customers are more than the 900 customers at the end (customers_end); the customers at the end include the new ones
        """
        start, end = info.data.get("customers_start"), info.data.get("customers_end")
        if v is None or end is None:
            return v
        if v > end:
            raise ValueError(
                f"{v:,} new customers are more than the {end:,} customers at the "
                "end (customers_end); the customers at the end include the new ones"
            )
        if start is not None and end - v > start:
            raise ValueError(
                f"the {end:,} customers at the end are more than the {start:,} at the start plus "
                f"the {v:,} new ones, so retention would exceed 100%; count reactivated "
                "customers among the new ones"
            )
        return v

    @field_validator("customers_lost")
    @classmethod
    def _lost_from_the_start(cls, v: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("customers_start")
        if v is not None and start is not None and v > start:
            raise ValueError(
                f"{v:,} customers lost are more than the {start:,} customers at the "
                "start (customers_start); churn counts the starting customers lost"
            )
        return v

    @field_validator("repeat_customers")
    @classmethod
    def _repeat_among_ordering(cls, v: int | None, info: ValidationInfo) -> int | None:
        ordering = info.data.get("ordering_customers")
        if v is not None and ordering is not None and v > ordering:
            raise ValueError(
                f"{v:,} repeat customers are more than the {ordering:,} ordering "
                "customers (ordering_customers); repeat customers are the ordering "
                "customers with two or more orders"
            )
        return v


# ------------------------------------------------------------------------------------- events


class EventRule(_Model):
    """Which raw events stand for a touchpoint: an exact name or a fully anchored pattern."""

    name: ShortText | None = None
    pattern: ShortText | None = None
    where: dict[ShortText, ShortText] = Field(
        default_factory=dict, description="column -> fully anchored regular expression"
    )

    @model_validator(mode="after")
    def _one(self) -> EventRule:
        if (self.name is None) == (self.pattern is None):
            raise ValueError("an event rule has exactly one of 'name' or 'pattern'")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        for column, pat in self.where.items():
            try:
                re.compile(pat)
            except re.error as exc:
                raise ValueError(f"invalid regular expression for '{column}': {exc}") from None
        return self


# -------------------------------------------------------------------------------- touchpoints

Emotion = Annotated[float, Field(allow_inf_nan=False)]


class Touchpoint(_Model):
    id: Id
    name: ShortText
    channel: ShortText | None = None
    description: Text | None = None
    actions: list[Text] = Field(default_factory=list)
    thoughts: Text | list[Text] | None = None
    emotion: Emotion | dict[Id, Emotion] | None = None
    pain_points: list[Text] = Field(default_factory=list)
    opportunities: list[Text] = Field(default_factory=list)
    owner: ShortText | None = None
    evidence: Evidence | list[Evidence] | None = None
    goal: Annotated[bool, Strict()] = False
    value: NonNegative | None = None
    optional: Annotated[bool, Strict()] = False
    formerly: list[Id] = Field(default_factory=list)
    events: list[ShortText | EventRule] = Field(default_factory=list)
    # flow
    entries: Count | None = None
    next: dict[Id, Count | None] | list[Id] = Field(default_factory=dict)
    exits: Count | None = None
    unknown: Count | None = None
    in_progress: Count | None = None
    customers: Count | None = None
    returns: dict[Id, Count] = Field(default_factory=dict)
    # workshop numbers
    scores: Scores | None = None
    business: TouchpointBusiness | None = None

    @property
    def transitions(self) -> dict[str, int | None]:
        """Declared transitions as ``{target id: count or None}``."""
        if isinstance(self.next, list):
            return dict.fromkeys(self.next)
        return dict(self.next)

    @property
    def evidence_list(self) -> list[Evidence]:
        if self.evidence is None:
            return []
        return self.evidence if isinstance(self.evidence, list) else [self.evidence]

    def emotion_for(
        self, persona: str | None = None, shares: Mapping[str, float] | None = None
    ) -> float | None:
        """The emotion for a persona, or the plain value, or the average over personas.

        The average is weighted by the personas' ``share`` (``shares``, as
        :attr:`JourneyMap.persona_shares` gives them): ``sum(w_p e_p) / sum(w_p)`` over the
        personas with an emotion here, so the shares need not add up to 1. When a persona
        with an emotion here has no share (or the shares there sum to 0), every persona
        counts the same: the plain mean. :meth:`JourneyMap.emotion` passes the map's shares.

        >>> tp = Touchpoint(id="t", name="T", emotion={"a": -2, "b": 2})
        >>> tp.emotion_for(), tp.emotion_for(shares={"a": 0.75, "b": 0.25}), tp.emotion_for("b")
        (0.0, -1.0, 2.0)
        >>> tp.emotion_for(shares={"a": 0.75})  # 'b' has no share: the plain mean
        0.0
        """
        if self.emotion is None or isinstance(self.emotion, (int, float)):
            return None if self.emotion is None else float(self.emotion)
        if persona is not None:
            value = self.emotion.get(persona)
            return None if value is None else float(value)
        if not self.emotion:
            return None
        weights = {p: shares[p] for p in self.emotion if shares is not None and p in shares}
        total = sum(weights.values())
        if len(weights) == len(self.emotion) and total > 0:
            return sum(weights[p] * e for p, e in self.emotion.items()) / total
        return sum(self.emotion.values()) / len(self.emotion)


class Stage(_Model):
    id: Id
    name: ShortText
    description: Text | None = None
    touchpoints: list[Touchpoint] = Field(default_factory=list)


class Persona(_Model):
    id: Id
    name: ShortText
    description: Text | None = None
    goals: list[Text] = Field(default_factory=list)
    frustrations: list[Text] = Field(default_factory=list)
    segment: dict[ShortText, str | int | float | bool] | None = None
    share: Fraction | None = None


# ------------------------------------------------------------------------------------- checks


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Limit(_Model):
    """``{min: x}`` or ``{max: x}`` (or both), with a severity and point/interval mode."""

    min: Number | None = None
    max: Number | None = None
    severity: Severity = Severity.ERROR
    on: Literal["point", "interval"] = "point"

    @model_validator(mode="after")
    def _bounds(self) -> Limit:
        if self.min is None and self.max is None:
            raise ValueError("a limit needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self


_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
DURATION_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}
"""Seconds per duration suffix: ``90s``, ``3m``, ``1.5h``, ``2d``."""


def parse_duration(value: Any) -> float:
    """Seconds of a duration written with its unit (``s``, ``m``, ``h`` or ``d``).

    >>> parse_duration("3m"), parse_duration("1.5h"), parse_duration("90s")
    (180.0, 5400.0, 90.0)
    >>> parse_duration(3)
    Traceback (most recent call last):
    ...
    ValueError: 3 is not a duration: write it with its unit, such as 90s, 3m, 1.5h or 2d
    """
    m = _DURATION_RE.match(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise ValueError(
            f"{value!r} is not a duration: write it with its unit, such as 90s, 3m, 1.5h or 2d"
            if isinstance(value, str)
            else f"{value} is not a duration: write it with its unit, such as 90s, 3m, 1.5h or 2d"
        )
    return float(m.group(1)) * DURATION_UNITS[m.group(2)]


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(lambda v: f"{v:g}s", return_type=str),
    WithJsonSchema({"type": "string", "pattern": _DURATION_RE.pattern, "examples": ["3m"]}),
]
"""A duration in seconds, written (and dumped) with its unit: ``90s``, ``3m``, ``1.5h``, ``2d``."""


class DurationLimit(_Model):
    """``{max: 3m}`` or ``{min: 30s}`` (or both) on a service time, with a severity."""

    min: Duration | None = None
    max: Duration | None = None
    severity: Severity = Severity.ERROR

    @model_validator(mode="after")
    def _bounds(self) -> DurationLimit:
        if self.min is None and self.max is None:
            raise ValueError("a limit needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is longer than 'max'")
        return self


class ServiceLimit(_Model):
    """Limits on a service time's ``mean``, ``median`` or 90th percentile ``p90``."""

    mean: DurationLimit | None = None
    median: DurationLimit | None = None
    p90: DurationLimit | None = None

    @model_validator(mode="after")
    def _some(self) -> ServiceLimit:
        if self.mean is None and self.median is None and self.p90 is None:
            raise ValueError("a service time limit needs 'mean', 'median' or 'p90'")
        return self


class TouchpointLimits(_Model):
    drop_off: Limit | None = None
    lost_value: Limit | None = None
    nps: Limit | None = None
    csat: Limit | None = None
    ces: Limit | None = None
    responses: Limit | None = None
    first_response_time: ServiceLimit | None = None
    resolution_time: ServiceLimit | None = None


class MetricLimits(_Model):
    """Limits on the period's business figures (``analyze``'s ``metrics``)."""

    churn_rate: Limit | None = None
    retention_rate: Limit | None = None
    repeat_rate: Limit | None = None
    customer_lifetime_value: Limit | None = None
    retention_cost: Limit | None = None
    conversion: Limit | None = None


class StageLimits(_Model):
    reach: Limit | None = None


class IncreaseThreshold(_Model):
    min_increase: NonNegative


class DecreaseThreshold(_Model):
    min_decrease: NonNegative


class Regression(_Model):
    drop_off: IncreaseThreshold | None = None
    conversion: DecreaseThreshold | None = None
    nps: DecreaseThreshold | None = None
    csat: DecreaseThreshold | None = None
    ces: DecreaseThreshold | None = Field(
        default=None,
        description="worsening of the CES mean in scale points (a fall when "
        "higher is better, a rise when lower is better)",
    )
    churn: IncreaseThreshold | None = Field(
        default=None, description="increase of the churn rate lost / S, a fraction"
    )
    q: Annotated[float, Field(gt=0, lt=1)] = 0.05
    min_departures: Count = 30
    min_each: Count = 5


class LintDisable(_Model):
    code: Annotated[str, StringConstraints(pattern=r"^JM\d{3}$")]
    touchpoint: Id | None = None
    stage: Id | None = None
    reason: ShortText


class LintSettings(_Model):
    disable: list[LintDisable] = Field(default_factory=list)
    assumption_max_age_days: Count | None = None


class Checks(TouchpointLimits):
    conversion: Limit | None = None
    total_lost_value: Limit | None = None
    flow_residual: Limit | None = None
    coverage: Limit | None = None
    undeclared_share: Limit | None = None
    metrics: MetricLimits | None = None
    touchpoints: dict[Id, TouchpointLimits] = Field(default_factory=dict)
    stages: dict[Id, StageLimits] = Field(default_factory=dict)
    regression: Regression | None = None
    lint: LintSettings | None = None


# -------------------------------------------------------------------------------- experiments

EFFECT_PATTERN: Final = r"^\d+(\.\d+)?(%|pp)$"
"""A minimum detectable effect: a relative lift (``10%``) or absolute percentage points (``1.5pp``)."""


def parse_effect(text: str) -> tuple[float, bool]:
    """``(fraction, relative)`` of a minimum detectable effect.

    >>> parse_effect("10%"), parse_effect("1.5pp")
    ((0.1, True), (0.015, False))
    """
    if not re.fullmatch(EFFECT_PATTERN, text):
        raise ValueError(f"'{text}' is a relative lift such as 10% or points such as 1.5pp")
    relative = text.endswith("%")
    return float(text[:-1] if relative else text[:-2]) / 100, relative


class ExperimentArm(_Model):
    name: Id
    split: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    """Planned share of customers; arms without one share the rest equally."""


class ExperimentMetric(_Model):
    """A metric of an experiment: conversion to a goal, or drop-off or a survey at a touchpoint."""

    metric: Literal["conversion", "drop_off", "csat", "ces", "nps"] = "conversion"
    touchpoint: Id | None = None
    """The goal (conversion; default every goal of the map) or the touchpoint of the metric."""
    tolerance: str | None = None
    """For a guardrail: the worsening it may tolerate (``2%`` relative or ``0.5pp``)."""

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, v: str | None) -> str | None:
        if v is not None:
            parse_effect(v)
        return v

    @model_validator(mode="after")
    def _touchpoint_needed(self) -> ExperimentMetric:
        if self.metric != "conversion" and self.touchpoint is None:
            raise ValueError(
                f"metric '{self.metric}' is measured at a touchpoint: add 'touchpoint'"
            )
        return self


class Experiment(_Model):
    """One planned experiment: its arms and split, primary metric, guardrails and plan."""

    id: Id
    hypothesis: Text | None = None
    arms: list[ExperimentArm] = Field(default_factory=list)
    primary: ExperimentMetric = Field(default_factory=ExperimentMetric)
    guardrails: list[ExperimentMetric] = Field(default_factory=list)
    minimum_detectable_effect: str = "10%"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    power: Annotated[float, Field(gt=0, lt=1)] = 0.8
    start: dt.date | None = None
    scenario: Id | None = None

    @field_validator("minimum_detectable_effect")
    @classmethod
    def _effect(cls, v: str) -> str:
        parse_effect(v)
        return v

    @model_validator(mode="after")
    def _arms(self) -> Experiment:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError("an arm is named twice")
        if sum(a.split or 0.0 for a in self.arms) > 1 + 1e-9:
            raise ValueError("the planned splits add up to more than 1")
        return self

    @property
    def effect(self) -> tuple[float, bool]:
        """The minimum detectable effect as ``(fraction, relative)`` (:func:`parse_effect`)."""
        return parse_effect(self.minimum_detectable_effect)


# ---------------------------------------------------------------------------------- scenarios


class Scenario(_Model):
    """Patches by id, applied to the base map (before any overlay). Validated on application."""

    name: ShortText | None = None
    description: Text | None = None
    remove: list[Id] = Field(default_factory=list)
    touchpoints: dict[Id, dict[str, Any]] = Field(default_factory=dict)
    add: dict[Id, list[dict[str, Any]]] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------- map


class JourneyMap(_Model):
    """A customer journey map, format version 1."""

    journeymap: Literal[1] = Field(alias="journeymap")
    id: Id
    title: ShortText
    description: Text | None = None
    period: Period | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    value_per_conversion: NonNegative | None = None
    emotion_scale: tuple[Number, Number] = (-2.0, 2.0)
    include: list[ShortText] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    stages: list[Stage]
    business: Business | None = None
    checks: Checks | None = None
    scenarios: dict[Id, Scenario] = Field(default_factory=dict)
    experiments: list[Experiment] = Field(default_factory=list)

    _normalise_period = field_validator("period", mode="before")(_period)

    @field_validator("emotion_scale")
    @classmethod
    def _emotion_scale(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] >= v[1]:
            raise ValueError("emotion_scale is [lowest, highest] with lowest < highest")
        return v

    def iter_touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        for stage in self.stages:
            for tp in stage.touchpoints:
                yield stage, tp

    @property
    def touchpoints(self) -> dict[str, Touchpoint]:
        return {tp.id: tp for _, tp in self.iter_touchpoints()}

    @property
    def goals(self) -> list[str]:
        return [tp.id for _, tp in self.iter_touchpoints() if tp.goal]

    def select_goals(self, goal: str | None = None) -> list[str]:
        """Every goal of the map, or the one chosen (:func:`select_goals`)."""
        return select_goals(self.goals, goal, self.touchpoints)

    def stage_of(self, touchpoint_id: str) -> Stage:
        for stage, tp in self.iter_touchpoints():
            if tp.id == touchpoint_id:
                return stage
        raise KeyError(touchpoint_id)

    @property
    def persona_shares(self) -> dict[str, float]:
        """``{persona id: share}`` of the personas that declare a ``share``."""
        return {p.id: p.share for p in self.personas if p.share is not None}

    def emotion(self, touchpoint_id: str, persona: str | None = None) -> float | None:
        """A touchpoint's emotion for `persona`, or across personas weighted by their share
        (:meth:`Touchpoint.emotion_for`)."""
        return self.touchpoints[touchpoint_id].emotion_for(persona, self.persona_shares)

    def persona(self, persona_id: str) -> Persona:
        for p in self.personas:
            if p.id == persona_id:
                return p
        raise KeyError(persona_id)


# ------------------------------------------------------------------------------------ overlay


class TimeRange(_Model):
    start: str
    end: str


class OverlayTouchpoint(_Model):
    entries: Count = 0
    visits: Count | None = None
    customers: Count | None = None
    next: dict[Id, Count] = Field(default_factory=dict)
    exits: Count | None = None
    unknown: Count | None = None
    in_progress: Count | None = None
    conversions: Count | None = None
    returns: dict[Id, Count] = Field(default_factory=dict)
    median_seconds_to_next: dict[Id, Count] = Field(default_factory=dict)
    late_conversions: Count | None = None
    scores: Scores | None = None
    business: TouchpointBusiness | None = None


class Overlay(_Model):
    """The numbers of one period for a map; replaces the map's counts, responses and business inputs."""

    journeymap_data: Literal[1] = Field(alias="journeymap-data")
    map: Id
    period: Period | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    touchpoints: dict[Id, OverlayTouchpoint] = Field(default_factory=dict)
    coverage: Fraction | None = None
    unmapped: dict[str, Count] = Field(default_factory=dict)
    bad_rows: Count | None = None
    left_out: dict[str, Count] = Field(default_factory=dict)
    """Rows read but not counted, by reason (docs/events.md): rows = mapped events + their sum."""
    time_range: TimeRange | None = None
    segment: dict[str, Any] | None = None
    business: Business | None = None

    _normalise_period = field_validator("period", mode="before")(_period)
