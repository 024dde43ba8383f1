"""The journey map as its authors wrote it: pydantic v2 models, frozen, no unknown keys.

Pure data: nothing here reads files, builds graphs or draws. :mod:`journeymap.io` reads YAML
into these models and resolves references in a second pass; :mod:`journeymap.graph` turns a
:class:`JourneyMap` into a networkx graph. ``docs/format.md`` documents every field.
"""

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    AfterValidator,
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
from journeymap.i18n import check_language
from journeymap.portable_regex import unsupported
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


def _empty_list() -> list[Any]:
    """``Field(default_factory=list)`` in Python: pydantic asks each factory for its signature
    (does it take the validated data?), and ``inspect.signature`` of a builtin type parses its
    text signature, about 0.2 ms each, 33 times at import (issue 14, start-up)."""
    return []


def _empty_dict() -> dict[Any, Any]:
    """``Field(default_factory=dict)`` in Python (see :func:`_empty_list`)."""
    return {}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------------------- period

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|W(0[1-9]|[1-4]\d|5[0-3])))?$")


class PeriodRange(_Model):
    start: dt.date = Field(
        description="First day of the period (YYYY-MM-DD)", examples=["2026-07-01"]
    )
    end: dt.date = Field(
        description="Last day of the period, included (YYYY-MM-DD)", examples=["2026-09-30"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
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

    kind: EvidenceKind = Field(
        description="observed (measured: analytics, logs, recordings), reported (customers said it), assumed (the team believes it, not yet checked) or proposed (a planned change)",
        examples=["observed"],
    )
    source: Text | None = Field(
        None,
        description="Free text: the export, study or person",
        examples=["Usability test (8 participants)"],
    )
    date: dt.date | None = Field(
        None,
        description="YYYY-MM-DD; assumed evidence older than checks.lint.assumption_max_age_days is reported (JM206)",
        examples=["2026-07-14"],
    )


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

    scale: tuple[Answer, Answer] = Field(
        description="[lowest, highest] answer, whole numbers", examples=[[1, 5]]
    )
    responses: dict[int, Count] = Field(
        default_factory=_empty_dict,
        description="{answer: count}; an answer outside the scale makes the map invalid",
        examples=[{"1": 4, "4": 40, "5": 35}],
    )
    direction: Direction | None = Field(
        None,
        description="higher_is_better or lower_is_better; required for CES",
        examples=["higher_is_better"],
    )
    top_box: list[Answer] | None = Field(
        None,
        description="CSAT: the answers that count as satisfied (required on a scale other than 1-5); CES: the answers that count as easy",
        examples=[[4, 5]],
    )
    question: Text | None = Field(
        None,
        description="The question as asked (shown in reports)",
        examples=["How likely are you to recommend us to a friend?"],
    )

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] >= v[1]:
            raise ValueError("a scale is [lowest, highest] with lowest < highest")
        return v

    @model_validator(mode="after")
    def _answers(self) -> Self:
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
    scale: tuple[Answer, Answer] = Field(
        NPS_SCALE,
        description="[lowest, highest] answer; the NPS is defined on [0, 10] only (the default)",
        examples=[[0, 10]],
    )

    @property
    def on_nps_scale(self) -> bool:
        """Whether the survey is declared on 0-10, the only scale where NPS is defined."""
        return tuple(self.scale) == NPS_SCALE

    def counts(self) -> NpsCounts:
        """Promoters (9-10), detractors (0-6) and responses; see :func:`nps_counts`."""
        return nps_counts(self.responses)


class CsatSurvey(Survey):
    scale: tuple[Answer, Answer] = Field(
        CSAT_SCALE,
        description="[lowest, highest] answer, default [1, 5]; another scale declares top_box",
        examples=[[1, 5]],
    )

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
    def _top_box_off_scale(self) -> Self:
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
    scale: tuple[Answer, Answer] = Field(
        CES_SCALE,
        description="[lowest, highest] answer, default [1, 7] (CES 2.0)",
        examples=[[1, 7]],
    )
    direction: Direction = Field(
        description="higher_is_better (CES 2.0, 1-7) or lower_is_better (the older CES, 1-5); required for CES",
        examples=["higher_is_better"],
    )

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
    nps: NpsSurvey | None = Field(
        None,
        description="NPS answers on 0-10: promoters answer 9-10, detractors 0-6",
        examples=[{"responses": {"6": 9, "7": 20, "9": 30, "10": 30}}],
    )
    csat: CsatSurvey | None = Field(
        None,
        description="CSAT answers: the share of satisfied answers (4-5 on 1-5, else top_box)",
        examples=[{"responses": {"1": 4, "2": 6, "3": 15, "4": 40, "5": 35}}],
    )
    ces: CesSurvey | None = Field(
        None,
        description="CES answers: the mean answer on the declared scale, with its direction",
        examples=[
            {
                "scale": [1, 7],
                "direction": "higher_is_better",
                "responses": {"2": 3, "5": 25, "7": 20},
            }
        ],
    )


# ---------------------------------------------------------------------------------- business

TimeUnit = Literal["seconds", "minutes", "hours", "days"]


class Durations(_Model):
    """A service time: raw samples, or precomputed figures when only those are known."""

    unit: TimeUnit = Field(
        "minutes", description="seconds, minutes (default), hours or days", examples=["hours"]
    )
    hours: Literal["calendar", "business"] = Field(
        "calendar", description="calendar (default) or business hours", examples=["business"]
    )
    samples: list[NonNegative] | None = Field(
        None,
        description="Raw durations, one per case, in unit",
        examples=[[0.5, 1, 1.5, 2, 3, 4.5]],
    )
    mean: NonNegative | None = Field(
        None, description="Precomputed mean, when only that is known", examples=[3.4]
    )
    median: NonNegative | None = Field(
        None, description="Precomputed median, when only that is known", examples=[2]
    )
    count: Count | None = Field(
        None, description="Number of samples behind a precomputed mean or median", examples=[812]
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
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
    first_response_time: Durations | None = Field(
        None,
        description="Time until the customer first hears back",
        examples=[{"unit": "minutes", "samples": [1, 2, 2, 3, 5, 8]}],
    )
    resolution_time: Durations | None = Field(
        None,
        description="Time until the issue is solved",
        examples=[{"unit": "days", "median": 2, "mean": 3.4, "count": 812}],
    )
    cost_per_visit: NonNegative | None = Field(
        None, description="Cost of one visit, in the map's currency", examples=[6.5]
    )


class Business(_Model):
    """Map-level business inputs, for the period of the map."""

    # Impossible combinations are refused where the later key is written (the customers at
    # the end include the new ones; the customers lost and those retained are among the
    # customers at the start; repeat customers are among the ordering ones), so no rate
    # computed from them can leave 0..1 and no cost can turn negative. (The class docstring is
    # the schema's description: keep it one line.)

    customers_start: Count | None = Field(
        None, description="Active customers at the start of the period (S)", examples=[18400]
    )
    customers_end: Count | None = Field(
        None,
        description="Active customers at the end of the period (E), the new ones included",
        examples=[19100],
    )
    new_customers: Count | None = Field(
        None, description="Customers acquired in the period (N)", examples=[4150]
    )
    customers_lost: Count | None = Field(
        None, description="Customers lost in the period, of those at the start", examples=[3450]
    )
    ordering_customers: Count | None = Field(
        None, description="Customers with at least one order in the period", examples=[6100]
    )
    repeat_customers: Count | None = Field(
        None,
        description="Ordering customers who had ordered before (two or more orders)",
        examples=[2300],
    )
    average_order_value: NonNegative | None = Field(
        None, description="Average order value (AOV), in the map's currency", examples=[68.0]
    )
    purchase_frequency: NonNegative | None = Field(
        default=None, description="Orders per customer per year", examples=[1.9]
    )
    customer_lifespan: NonNegative | None = Field(
        default=None, description="Customer lifespan, in years", examples=[3.2]
    )
    gross_margin: Fraction | None = Field(
        None, description="Gross margin, a fraction 0..1 (0.42, not 42)", examples=[0.42]
    )
    retention_spend: NonNegative | None = Field(
        None,
        description="Spend on retention in the period, in the map's currency",
        examples=[38000],
    )

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


def _regex(pattern: str) -> str:
    """A regular expression Python compiles and DuckDB's RE2 reads alike
    (:func:`journeymap.portable_regex.unsupported`)."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    found = unsupported(pattern)
    if found is not None:
        raise ValueError(found.message(pattern))
    return pattern


Regex = Annotated[ShortText, AfterValidator(_regex)]
"""An event rule's regular expression, checked where it is written (its position is the value's)."""


class EventRule(_Model):
    """Which raw events stand for a touchpoint: an exact name or a fully anchored pattern."""

    name: ShortText | None = Field(
        None, description="The exact event name", examples=["page_view_product"]
    )
    pattern: Regex | None = Field(
        None,
        description="A regular expression that must match the whole event name (anchored at both ends)",
        examples=["^view_item(_.*)?$"],
    )
    where: dict[ShortText, Regex] = Field(
        default_factory=_empty_dict,
        description="{column: regular expression}: other columns of the row must match too (whole value)",
        examples=[{"utm_source": "^(instagram|facebook)$"}],
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.name is None) == (self.pattern is None):
            raise ValueError("an event rule has exactly one of 'name' or 'pattern'")
        return self


# -------------------------------------------------------------------------------- touchpoints

Emotion = Annotated[float, Field(allow_inf_nan=False)]


# ------------------------------------------------------------------------------ opportunities

OpportunityStatus = Literal["idea", "planned", "in-progress", "done", "dropped"]
OPEN_STATUSES: Final = ("idea", "planned", "in-progress")
"""The statuses of an opportunity still to be decided or delivered (ranked; lint asks an owner)."""


def parse_signed_effect(text: str) -> tuple[float, bool]:
    """``(fraction, relative)`` of an effect with an optional sign: ``-5pp``, ``+10%``.

    The sign is the only addition to :func:`parse_effect` (the one parser of ``10%`` and
    ``1.5pp``).

    >>> parse_signed_effect("-5pp"), parse_signed_effect("+10%"), parse_signed_effect("10%")
    ((-0.05, False), (0.1, True), (0.1, True))
    """
    sign = -1.0 if text.startswith("-") else 1.0
    fraction, relative = parse_effect(text[1:] if text[:1] in "+-" else text)
    return sign * fraction, relative


def _share_of_exits(v: str) -> str:
    fraction, relative = parse_signed_effect(v)
    if not relative or not 0 < fraction <= 1:
        raise ValueError(
            f"'{v}' is not a share of the exits: write a percentage above 0% up to 100%, such as 10%"
        )
    return v


def _fewer_points(v: str) -> str:
    fraction, relative = parse_signed_effect(v)
    if relative or not -1 <= fraction < 0:
        raise ValueError(
            f"'{v}' is not a fall of the drop-off: write negative points, such as -5pp"
        )
    return v


ShareOfExits = Annotated[str, Strict(), AfterValidator(_share_of_exits)]
FewerPoints = Annotated[str, Strict(), AfterValidator(_fewer_points)]


class ExpectedTransition(_Model):
    to: Id = Field(
        description="The next touchpoint (or goal) the recovered customers go to",
        examples=["express-checkout"],
    )
    share: ShareOfExits = Field(
        description="The share of the touchpoint's exits that go there instead (a percentage)",
        examples=["5%"],
    )

    @property
    def fraction(self) -> float:
        return parse_signed_effect(self.share)[0]


class Expected(_Model):
    """What an opportunity is expected to do at the touchpoints it addresses: exactly one of
    closing a share of the exits, lowering the drop-off by points, or sending a share of the
    exits along one transition (docs/decisions.md, "Value at stake")."""

    close_exits: ShareOfExits | None = Field(
        None,
        description="The share of the exits that continue instead, pro rata (a percentage)",
        examples=["10%"],
    )
    drop_off: FewerPoints | None = Field(
        None,
        description="The change of the drop-off in percentage points (negative: fewer exits)",
        examples=["-5pp"],
    )
    transition: ExpectedTransition | None = Field(
        None,
        description="A share of the exits that go to one next touchpoint instead",
        examples=[{"to": "express-checkout", "share": "5%"}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [
            k for k in ("close_exits", "drop_off", "transition") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "expected is one of close_exits, drop_off or transition"
                + (f", not {' and '.join(given)}" if given else "")
            )
        return self


class Opportunity(_Model):
    """An opportunity as an object: who owns it, its state and effort, and what it changes.

    At a touchpoint, it addresses that touchpoint unless ``addresses`` says otherwise. It names
    ``scenario`` or ``expected``, not both (a reference check, so that the message points at
    the second key)."""

    id: Id = Field(
        description="The opportunity's id, unique across the map",
        examples=["delivery-cost-upfront"],
    )
    text: ShortText = Field(
        description="What the team would do, in one line",
        examples=["Show the delivery cost and date next to the price"],
    )
    owner: ShortText | None = Field(
        None, description="The team or person who owns it", examples=["Product content"]
    )
    status: OpportunityStatus = Field(
        "idea",
        description="idea (default), planned, in-progress, done or dropped",
        examples=["planned"],
    )
    effort: Annotated[int, Strict(), Field(ge=1, le=5)] | None = Field(
        None, description="Relative effort, 1 (small) to 5 (large)", examples=[2]
    )
    confidence: Literal["low", "medium", "high"] | None = Field(
        None, description="How sure the team is of the expected effect", examples=["medium"]
    )
    addresses: list[Id] = Field(
        default_factory=_empty_list,
        description="The touchpoints it changes (at a touchpoint: that touchpoint by default)",
        examples=[["product-page"]],
    )
    scenario: Id | None = Field(
        None,
        description="The map's scenario that models it; its gain against the map as written is the value",
        examples=["to-be"],
    )
    expected: Expected | None = Field(
        None,
        description="Its expected effect: close_exits, drop_off or transition",
        examples=[{"close_exits": "10%"}],
    )

    @property
    def open(self) -> bool:
        """Still to be decided or delivered (``idea``, ``planned``, ``in-progress``)."""
        return self.status in OPEN_STATUSES


class Touchpoint(_Model):
    id: Id = Field(
        description="The touchpoint's id: letters of any alphabet, digits, _, - and . (stages and touchpoints share one namespace)",
        examples=["checkout"],
    )
    name: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)", examples=["Checkout"]
    )
    channel: ShortText | None = Field(
        None,
        description="Where it happens: social, search, email, web, app, store, phone, chat, delivery, ... (or any other word)",
        examples=["web"],
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["A table of sizes in centimetres, opened from the product page."],
    )
    actions: list[Text] = Field(
        default_factory=_empty_list,
        description="What the customer does",
        examples=[["Measures the chest", "Compares with the table"]],
    )
    thoughts: Text | list[Text] | None = Field(
        None,
        description="What the customer thinks, in their words: text, or a list of text",
        examples=["How much is delivery?"],
    )
    emotion: Emotion | dict[Id, Emotion] | None = Field(
        None,
        description="On the map's emotion_scale: one number, or {persona-id: number}",
        examples=[{"bargain-hunter": -1, "busy-parent": 0}],
    )
    pain_points: list[Text] = Field(
        default_factory=_empty_list,
        description="What goes wrong for the customer here",
        examples=[["Delivery cost appears only at checkout"]],
    )
    opportunities: list[Text | Opportunity] = Field(
        default_factory=_empty_list,
        description="What the team could do about the pain points: text, or opportunity objects with an id",
        examples=[
            [
                "Show the delivery cost next to the price",
                {"id": "size-advisor", "text": "Add a size advisor", "effort": 3},
            ]
        ],
    )
    owner: ShortText | None = Field(
        None, description="The team responsible", examples=["Product content"]
    )
    evidence: Evidence | list[Evidence] | None = Field(
        None,
        description="Where the content comes from: one evidence, or a list",
        examples=[
            {"kind": "reported", "source": "Usability test (8 participants)", "date": "2026-07-14"}
        ],
    )
    goal: Annotated[bool, Strict()] = Field(
        False, description="Reaching this touchpoint is a conversion", examples=[True]
    )
    value: NonNegative | None = Field(
        None,
        description="Value of one conversion at this goal (instead of value_per_conversion)",
        examples=[4.5],
    )
    optional: Annotated[bool, Strict()] = Field(
        False,
        description="Not every customer needs it (a size guide); informational",
        examples=[True],
    )
    formerly: list[Id] = Field(
        default_factory=_empty_list,
        description="Ids this touchpoint had before a rename, so comparisons across periods and revisions keep matching it",
        examples=[["size-chart"]],
    )
    events: list[ShortText | EventRule] = Field(
        default_factory=_empty_list,
        description="Which raw events stand for it: event names, or rules with name or pattern and where",
        examples=[["view_size_guide", {"pattern": "^view_item(_.*)?$"}]],
    )
    # flow
    entries: Count | None = Field(
        None,
        description="Customers who start their journey at this touchpoint in the period",
        examples=[1000],
    )
    next: dict[Id, Count | None] | list[Id] = Field(
        default_factory=_empty_dict,
        description="Transitions to other touchpoints: {id: count}; a list of ids or a null count declares a transition whose count is not known",
        examples=[{"cart": 300}],
    )
    exits: Count | None = Field(
        None,
        description="Customers who leave the journey here (derived when not written)",
        examples=[300],
    )
    unknown: Count | None = Field(
        None,
        description="Departures whose destination is not known (for example an untracked channel)",
        examples=[50],
    )
    in_progress: Count | None = Field(
        None,
        description="Customers still on their way at the end of the period (censored, never counted as lost)",
        examples=[20],
    )
    customers: Count | None = Field(
        None,
        description="Unique customers at this touchpoint (usually from event logs)",
        examples=[740],
    )
    returns: dict[Id, Count] = Field(
        default_factory=_empty_dict,
        description="{id: count}: how many of the transitions in next happen in a later session",
        examples=[{"checkout": 40}],
    )
    # workshop numbers
    scores: Scores | None = Field(
        None,
        description="Survey answers: nps, csat and ces",
        examples=[{"csat": {"responses": {"1": 4, "2": 6, "3": 15, "4": 40, "5": 35}}}],
    )
    business: TouchpointBusiness | None = Field(
        None,
        description="Service times and cost of one visit",
        examples=[
            {
                "first_response_time": {"unit": "minutes", "samples": [1, 2, 2, 3, 5, 8]},
                "cost_per_visit": 6.5,
            }
        ],
    )

    @property
    def transitions(self) -> dict[str, int | None]:
        """Declared transitions as ``{target id: count or None}``."""
        if isinstance(self.next, list):
            return dict.fromkeys(self.next)
        return dict(self.next)

    @property
    def opportunity_texts(self) -> list[str]:
        """Every opportunity as text: the strings as written, an object's ``text``."""
        return [o if isinstance(o, str) else o.text for o in self.opportunities]

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
    id: Id = Field(
        description="The stage's id (stages and touchpoints share one namespace)", examples=["buy"]
    )
    name: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)", examples=["Buy"]
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["Feedback, newsletter and loyalty after the first order."],
    )
    touchpoints: list[Touchpoint] = Field(
        default_factory=_empty_list,
        description="The stage's touchpoints, in order (may be empty)",
        examples=[[{"id": "cart", "name": "Cart"}]],
    )


class Persona(_Model):
    id: Id = Field(
        description="The persona's id, referenced by per-persona emotion",
        examples=["bargain-hunter"],
    )
    name: ShortText = Field(
        description="Shown in reports (1-500 characters)", examples=["Bargain hunter"]
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["Compares prices on three sites before buying; shops on the phone."],
    )
    goals: list[Text] = Field(
        default_factory=_empty_list,
        description="What the persona wants, as a list of text",
        examples=[["Find the lowest total price"]],
    )
    frustrations: list[Text] = Field(
        default_factory=_empty_list,
        description="What gets in the persona's way, as a list of text",
        examples=[["Delivery costs that appear only at checkout"]],
    )
    segment: dict[ShortText, str | int | float | bool] | None = Field(
        None,
        description="{column: value}: which rows of an event log belong to this persona",
        examples=[{"customer_segment": "price_sensitive"}],
    )
    share: Fraction | None = Field(
        None,
        description="Fraction 0..1 of customers this persona stands for; weights the average emotion across personas",
        examples=[0.45],
    )


# ------------------------------------------------------------------------------------- checks


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Limit(_Model):
    """``{min: x}`` or ``{max: x}`` (or both), with a severity and point/interval mode."""

    min: Number | None = Field(
        None,
        description="Lowest passing value, in the figure's unit (rates are fractions 0..1)",
        examples=[0.1],
    )
    max: Number | None = Field(
        None,
        description="Highest passing value, in the figure's unit (rates are fractions 0..1)",
        examples=[0.8],
    )
    severity: Severity = Field(
        Severity.ERROR, description="error (default) or warning", examples=["warning"]
    )
    on: Literal["point", "interval"] = Field(
        "point",
        description="point (default), or interval: test the conservative end of the confidence interval",
        examples=["interval"],
    )

    @model_validator(mode="after")
    def _bounds(self) -> Self:
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
    seconds = float(m.group(1)) * DURATION_UNITS[m.group(2)]
    if not seconds <= MAX_MAGNITUDE:  # a float overflows to inf on 309 digits
        raise ValueError(f"{value.strip()[:40]!r} is longer than {MAX_MAGNITUDE:,.0f} seconds")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(lambda v: f"{v:g}s", return_type=str),
    WithJsonSchema({"type": "string", "pattern": _DURATION_RE.pattern, "examples": ["3m"]}),
]
"""A duration in seconds, written (and dumped) with its unit: ``90s``, ``3m``, ``1.5h``, ``2d``."""


class DurationLimit(_Model):
    """``{max: 3m}`` or ``{min: 30s}`` (or both) on a service time, with a severity."""

    min: Duration | None = Field(
        None, description="Shortest passing duration: 90s, 3m, 1.5h, 2d", examples=["30s"]
    )
    max: Duration | None = Field(
        None, description="Longest passing duration: 90s, 3m, 1.5h, 2d", examples=["3m"]
    )
    severity: Severity = Field(
        Severity.ERROR, description="error (default) or warning", examples=["warning"]
    )

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("a limit needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is longer than 'max'")
        return self


class ServiceLimit(_Model):
    """Limits on a service time's ``mean``, ``median`` or 90th percentile ``p90``."""

    mean: DurationLimit | None = Field(
        None, description="Limit on the mean service time", examples=[{"max": "1h"}]
    )
    median: DurationLimit | None = Field(
        None, description="Limit on the median service time", examples=[{"max": "3m"}]
    )
    p90: DurationLimit | None = Field(
        None, description="Limit on the 90th percentile (needs samples)", examples=[{"max": "4h"}]
    )

    @model_validator(mode="after")
    def _some(self) -> Self:
        if self.mean is None and self.median is None and self.p90 is None:
            raise ValueError("a service time limit needs 'mean', 'median' or 'p90'")
        return self


class TouchpointLimits(_Model):
    drop_off: Limit | None = Field(
        None,
        description="Share of completed departures that exit at the touchpoint, a fraction 0..1",
        examples=[{"max": 0.7}],
    )
    lost_value: Limit | None = Field(
        None,
        description="Value lost at the touchpoint, in the map's currency",
        examples=[{"max": 5000}],
    )
    nps: Limit | None = Field(
        None, description="NPS at the touchpoint, -100..100", examples=[{"min": 30}]
    )
    csat: Limit | None = Field(
        None, description="CSAT at the touchpoint, a percentage 0..100", examples=[{"min": 70}]
    )
    ces: Limit | None = Field(
        None,
        description="CES at the touchpoint, on its declared scale: only min when higher is better, only max when lower is better",
        examples=[{"min": 4.5}],
    )
    responses: Limit | None = Field(
        None, description="Number of survey answers at the touchpoint", examples=[{"min": 30}]
    )
    first_response_time: ServiceLimit | None = Field(
        None,
        description="The period's first-response time: mean, median or p90, each {min, max} durations",
        examples=[{"median": {"max": "3m"}}],
    )
    resolution_time: ServiceLimit | None = Field(
        None,
        description="The period's resolution time: mean, median or p90, each {min, max} durations",
        examples=[{"mean": {"max": "1h"}}],
    )


class MetricLimits(_Model):
    """Limits on the period's business figures (``analyze``'s ``metrics``)."""

    churn_rate: Limit | None = Field(
        None, description="Churn rate, customers lost / S, a fraction 0..1", examples=[{"max": 0.2}]
    )
    retention_rate: Limit | None = Field(
        None, description="Retention rate (E - N) / S, a fraction 0..1", examples=[{"min": 0.8}]
    )
    repeat_rate: Limit | None = Field(
        None,
        description="Repeat-customer rate, repeat customers / ordering customers, a fraction 0..1",
        examples=[{"min": 0.3}],
    )
    customer_lifetime_value: Limit | None = Field(
        None,
        description="Customer lifetime value AOV x purchase frequency x lifespan, in the map's currency",
        examples=[{"min": 400}],
    )
    retention_cost: Limit | None = Field(
        None,
        description="Retention cost, retention spend / (E - N), in the map's currency",
        examples=[{"max": 25}],
    )
    conversion: Limit | None = Field(
        None,
        description="Observed conversion rate, conversions / journeys started",
        examples=[{"min": 0.01}],
    )


class StageLimits(_Model):
    reach: Limit | None = Field(
        None, description="Probability of reaching the stage from entry", examples=[{"min": 0.5}]
    )


class IncreaseThreshold(_Model):
    min_increase: NonNegative = Field(
        description="Smallest rise that counts as a regression, in the figure's unit",
        examples=[0.02],
    )


class DecreaseThreshold(_Model):
    min_decrease: NonNegative = Field(
        description="Smallest fall that counts as a regression, in the figure's unit",
        examples=[0.005],
    )


class Regression(_Model):
    drop_off: IncreaseThreshold | None = Field(
        None,
        description="Rise of a touchpoint's drop-off, a fraction",
        examples=[{"min_increase": 0.02}],
    )
    conversion: DecreaseThreshold | None = Field(
        None,
        description="Fall of the overall conversion, a fraction",
        examples=[{"min_decrease": 0.005}],
    )
    nps: DecreaseThreshold | None = Field(
        None,
        description="Fall of a touchpoint's NPS, in NPS points",
        examples=[{"min_decrease": 5}],
    )
    csat: DecreaseThreshold | None = Field(
        None,
        description="Fall of a touchpoint's CSAT, in percentage points",
        examples=[{"min_decrease": 5}],
    )
    ces: DecreaseThreshold | None = Field(
        default=None,
        description="Worsening of the CES mean in scale points (a fall when higher is better, a rise when lower is better)",
        examples=[{"min_decrease": 0.3}],
    )
    churn: IncreaseThreshold | None = Field(
        default=None,
        description="Rise of the churn rate lost / S, a fraction (when both periods carry customer counts)",
        examples=[{"min_increase": 0.02}],
    )
    q: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.05, description="Benjamini-Hochberg false discovery rate (default 0.05)", examples=[0.05]
    )
    min_departures: Count = Field(
        30,
        description="Fewest departures (or survey responses) each period needs to be compared (default 30)",
        examples=[30],
    )
    min_each: Count = Field(
        5,
        description="Fewest exits and fewest non-exits each period needs to be compared (default 5)",
        examples=[5],
    )


class LintDisable(_Model):
    code: Annotated[str, StringConstraints(pattern=r"^JM\d{3}$")] = Field(
        description="The built-in lint to switch off: JM and three digits", examples=["JM203"]
    )
    touchpoint: Id | None = Field(
        None,
        description="Only at this touchpoint (without touchpoint and stage: for the whole map)",
        examples=["delivery"],
    )
    stage: Id | None = Field(
        None,
        description="Only in this stage (without touchpoint and stage: for the whole map)",
        examples=["receive"],
    )
    reason: ShortText = Field(
        description="Why it is switched off (required, so reviewers see why)",
        examples=["Everyone leaves after the delivery; nobody counts them"],
    )


class LintSettings(_Model):
    disable: list[LintDisable] = Field(
        default_factory=_empty_list,
        description="Built-in lints switched off, each with its code and reason",
        examples=[
            [
                {
                    "code": "JM203",
                    "touchpoint": "delivery",
                    "reason": "Everyone leaves after the delivery",
                }
            ]
        ],
    )
    assumption_max_age_days: Count | None = Field(
        None,
        description="Report assumed evidence older than this many days, counted to the end of the period (default 180)",
        examples=[180],
    )


class Checks(TouchpointLimits):
    conversion: Limit | None = Field(
        None,
        description="Probability that an entering customer converts (the selected goals)",
        examples=[{"min": 0.1}],
    )
    total_lost_value: Limit | None = Field(
        None,
        description="Sum of the lost value over all leaks (first-order), in the map's currency",
        examples=[{"max": 50000, "severity": "warning"}],
    )
    flow_residual: Limit | None = Field(
        None,
        description="The largest relative conservation residual of any touchpoint",
        examples=[{"max": 0}],
    )
    coverage: Limit | None = Field(
        None,
        description="Share of events mapped to touchpoints (overlays made from events)",
        examples=[{"min": 0.95}],
    )
    undeclared_share: Limit | None = Field(
        None,
        description="Share of flow on transitions the map does not declare (overlays made from events)",
        examples=[{"max": 0.05}],
    )
    metrics: MetricLimits | None = Field(
        None,
        description="Limits on the period's business figures",
        examples=[{"churn_rate": {"max": 0.2}, "conversion": {"min": 0.01}}],
    )
    touchpoints: dict[Id, TouchpointLimits] = Field(
        default_factory=_empty_dict,
        description="{touchpoint id: limits}: limits of one touchpoint",
        examples=[{"checkout": {"drop_off": {"max": 0.3, "on": "interval"}}}],
    )
    stages: dict[Id, StageLimits] = Field(
        default_factory=_empty_dict,
        description="{stage id: {reach: limit}}: limits of one stage",
        examples=[{"buy": {"reach": {"min": 0.5}}}],
    )
    regression: Regression | None = Field(
        None,
        description="Thresholds of the comparison with a baseline period",
        examples=[{"drop_off": {"min_increase": 0.02}, "q": 0.05}],
    )
    lint: LintSettings | None = Field(
        None,
        description="Built-in lints switched off, and the age of a stale assumption",
        examples=[{"assumption_max_age_days": 180}],
    )


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
    name: Id = Field(description="The arm's name", examples=["control"])
    split: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = Field(
        None,
        description="Planned share of customers; arms without one share the rest equally",
        examples=[0.5],
    )


class ExperimentMetric(_Model):
    """A metric of an experiment: conversion to a goal, or drop-off, a survey or the share of
    customers reaching it (``reach``: a support contact, a return) at a touchpoint."""

    metric: Literal["conversion", "drop_off", "csat", "ces", "nps", "reach"] = Field(
        "conversion",
        description="conversion (default), or drop_off, csat, ces, nps or reach at a touchpoint",
        examples=["drop_off"],
    )
    touchpoint: Id | None = Field(
        None,
        description="The goal (conversion; default every goal of the map) or the touchpoint of the metric",
        examples=["cart"],
    )
    tolerance: str | None = Field(
        None,
        description="For a guardrail: the worsening it may tolerate (2% relative or 0.5pp)",
        examples=["1pp"],
    )

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, v: str | None) -> str | None:
        if v is not None:
            parse_effect(v)
        return v

    @model_validator(mode="after")
    def _touchpoint_needed(self) -> Self:
        if self.metric != "conversion" and self.touchpoint is None:
            raise ValueError(
                f"metric '{self.metric}' is measured at a touchpoint: add 'touchpoint'"
            )
        return self


class Experiment(_Model):
    """One planned experiment: its arms and split, primary metric, guardrails and plan."""

    id: Id = Field(description="The experiment's id", examples=["one-page-checkout"])
    hypothesis: Text | None = Field(
        None,
        description="What the change should do, in words",
        examples=["One page for checkout and payment loses fewer customers."],
    )
    arms: list[ExperimentArm] = Field(
        default_factory=_empty_list,
        description="The arms and their planned share of customers (the shares add up to at most 1)",
        examples=[[{"name": "control", "split": 0.5}, {"name": "one-page", "split": 0.5}]],
    )
    primary: ExperimentMetric = Field(
        default_factory=ExperimentMetric,
        description="The primary metric: conversion to a goal, or drop_off, csat, ces or nps at a touchpoint",
        examples=[{"metric": "conversion", "touchpoint": "order-confirmation"}],
    )
    guardrails: list[ExperimentMetric] = Field(
        default_factory=_empty_list,
        description="Metrics like primary, each with the worsening it may tolerate",
        examples=[[{"metric": "drop_off", "touchpoint": "cart", "tolerance": "1pp"}]],
    )
    minimum_detectable_effect: str = Field(
        "10%",
        description="The smallest effect worth detecting: a relative lift (10%) or absolute points (1.5pp)",
        examples=["10%"],
    )
    alpha: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.05, description="Two-sided significance level (default 0.05)", examples=[0.05]
    )
    power: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.8, description="The power the plan is for (default 0.8)", examples=[0.8]
    )
    start: dt.date | None = Field(
        None, description="The first day of the experiment (YYYY-MM-DD)", examples=["2026-10-01"]
    )
    scenario: Id | None = Field(
        None, description="The map's scenario the experiment tests", examples=["to-be"]
    )

    @field_validator("minimum_detectable_effect")
    @classmethod
    def _effect(cls, v: str) -> str:
        parse_effect(v)
        return v

    @model_validator(mode="after")
    def _arms(self) -> Self:
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

    name: ShortText | None = Field(None, description="Shown in reports", examples=["To be"])
    description: Text | None = Field(
        None,
        description="Shown in reports",
        examples=["Express checkout from the cart; the checkout page includes payment."],
    )
    remove: list[Id] = Field(
        default_factory=_empty_list,
        description="Touchpoint or stage ids to remove, with their transitions, limits and lint exceptions",
        examples=[["size-guide"]],
    )
    touchpoints: dict[Id, dict[str, Any]] = Field(
        default_factory=_empty_dict,
        description="{id: {key: value}}: replaces those keys of a touchpoint, whole; the id cannot change",
        examples=[{"checkout": {"name": "One-page checkout"}}],
    )
    add: dict[Id, list[dict[str, Any]]] = Field(
        default_factory=_empty_dict,
        description="{stage id: [touchpoints]}: new touchpoints appended to a stage",
        examples=[{"buy": [{"id": "express-checkout", "name": "Express checkout"}]}],
    )


# --------------------------------------------------------------------------------------- map


class JourneyMap(_Model):
    """A customer journey map, format version 1."""

    journeymap: Literal[1] = Field(
        alias="journeymap", description="Format version; this tool reads version 1", examples=[1]
    )
    id: Id = Field(description="The map's id (overlays name it in map)", examples=["shop"])
    title: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)",
        examples=["First purchase in the shop"],
    )
    description: Text | None = Field(
        None, description="Free text", examples=["A small map that the other examples build on."]
    )
    period: Period | None = Field(
        None,
        description="The period the numbers are for: 2026, 2026-07, 2026-Q3, 2026-W05 or {start, end}",
        examples=["2026-Q3"],
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code, three capitals", examples=["EUR"]
    )
    language: str = Field(
        "en",
        description="The language journeymap writes the map's human outputs in (a BCP 47 tag: en, ru, lv, zh-Hant, zh-Hans); --lang overrides it",
        examples=["ru"],
    )
    value_per_conversion: NonNegative | None = Field(
        None,
        description="Value of one conversion (average order value, or customer lifetime value); a goal's own value wins",
        examples=[48.0],
    )
    emotion_scale: tuple[Number, Number] = Field(
        (-2.0, 2.0),
        description="The scale of emotion, [low, high], default [-2, 2]",
        examples=[[-5, 5]],
    )
    include: list[ShortText] = Field(
        default_factory=_empty_list,
        description="Relative paths of files with shared personas, stages and touchpoints",
        examples=[["shared/personas.yaml"]],
    )
    personas: list[Persona] = Field(
        default_factory=_empty_list,
        description="The people the journey is mapped for",
        examples=[[{"id": "bargain-hunter", "name": "Bargain hunter", "share": 0.45}]],
    )
    stages: list[Stage] = Field(
        description="Ordered stages with ordered touchpoints",
        examples=[[{"id": "buy", "name": "Buy", "touchpoints": [{"id": "cart", "name": "Cart"}]}]],
    )
    business: Business | None = Field(
        None,
        description="Map-level business inputs, for the map's period",
        examples=[
            {
                "customers_start": 18400,
                "customers_end": 19100,
                "new_customers": 4150,
                "customers_lost": 3450,
            }
        ],
    )
    checks: Checks | None = Field(
        None,
        description="What CI enforces (journeymap check)",
        examples=[{"conversion": {"min": 0.1}, "drop_off": {"max": 0.8, "severity": "warning"}}],
    )
    scenarios: dict[Id, Scenario] = Field(
        default_factory=_empty_dict,
        description="Named variants of the map (as-is, to-be): patches by id",
        examples=[{"to-be": {"name": "To be", "remove": ["size-guide"]}}],
    )
    experiments: list[Experiment] = Field(
        default_factory=_empty_list,
        description="Planned A/B and multi-arm tests",
        examples=[[{"id": "one-page-checkout", "primary": {"metric": "conversion"}}]],
    )
    opportunities: list[Opportunity] = Field(
        default_factory=_empty_list,
        description="Opportunities of the whole map (each addresses touchpoints or names a scenario)",
        examples=[[{"id": "one-page-checkout", "text": "One-page checkout", "scenario": "to-be"}]],
    )

    _normalise_period = field_validator("period", mode="before")(_period)

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        return check_language(v)

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

    def opportunity_objects(self) -> list[Opportunity]:
        """Every opportunity object, in map order (touchpoints first, then the map's list); one
        written at a touchpoint without ``addresses`` addresses that touchpoint."""
        out: list[Opportunity] = []
        for _, tp in self.iter_touchpoints():
            for o in tp.opportunities:
                if isinstance(o, Opportunity):
                    out.append(o if o.addresses else o.model_copy(update={"addresses": [tp.id]}))
        return out + list(self.opportunities)

    def persona(self, persona_id: str) -> Persona:
        for p in self.personas:
            if p.id == persona_id:
                return p
        raise KeyError(persona_id)


# ------------------------------------------------------------------------------------ overlay


class TimeRange(_Model):
    start: str = Field(
        description="Time of the first event (ISO 8601, UTC)", examples=["2026-04-01T00:03:12Z"]
    )
    end: str = Field(
        description="Time of the last event (ISO 8601, UTC)", examples=["2026-06-30T23:58:40Z"]
    )


class TimeToConvert(_Model):
    """How long converting journeys took, from their first event to their first goal event
    (``ingest``; docs/events.md): whole seconds, median and 90th percentile (type 7)."""

    journeys: Count = Field(description="Converting journeys measured", examples=[410])
    median_seconds: NonNegative = Field(
        description="Median seconds from the first event to the first goal event", examples=[1860.0]
    )
    p90_seconds: NonNegative = Field(
        description="90th percentile of the same seconds (type 7)", examples=[86400.0]
    )


class OverlayTouchpoint(_Model):
    entries: Count = Field(
        0,
        description="Customers who start their journey at this touchpoint in the period (default 0)",
        examples=[900],
    )
    visits: Count | None = Field(
        None,
        description="Written by ingest for reference; always recomputed from entries and transitions",
        examples=[1460],
    )
    customers: Count | None = Field(
        None, description="Unique customers at this touchpoint", examples=[740]
    )
    next: dict[Id, Count] = Field(
        default_factory=_empty_dict,
        description="Transitions to other touchpoints: {id: count}; may name transitions the map does not declare",
        examples=[{"product-page": 560}],
    )
    exits: Count | None = Field(
        None,
        description="Customers who leave the journey here (derived when not written)",
        examples=[300],
    )
    unknown: Count | None = Field(
        None,
        description="Departures whose destination is not known (for example an untracked channel)",
        examples=[50],
    )
    in_progress: Count | None = Field(
        None,
        description="Customers still on their way at the end of the period (censored, never counted as lost)",
        examples=[4],
    )
    conversions: Count | None = Field(
        None,
        description="Written by ingest for reference; always recomputed from entries and transitions",
        examples=[150],
    )
    returns: dict[Id, Count] = Field(
        default_factory=_empty_dict,
        description="{id: count}: how many of the transitions in next happen in a later session",
        examples=[{"checkout": 40}],
    )
    median_seconds_to_next: dict[Id, Count] = Field(
        default_factory=_empty_dict,
        description="{id: seconds}: median time to the next touchpoint, written by ingest for reference",
        examples=[{"cart": 95}],
    )
    late_conversions: Count | None = Field(
        None,
        description="Conversions after the conversion window, written by ingest for reference",
        examples=[3],
    )
    scores: Scores | None = Field(
        None,
        description="Survey answers of the period: nps, csat and ces",
        examples=[{"csat": {"responses": {"1": 4, "2": 6, "3": 15, "4": 40, "5": 35}}}],
    )
    business: TouchpointBusiness | None = Field(
        None,
        description="Service times and cost of one visit in the period, as in a map",
        examples=[
            {
                "first_response_time": {"unit": "minutes", "samples": [1, 2, 2, 3, 5, 8]},
                "cost_per_visit": 6.5,
            }
        ],
    )


class Overlay(_Model):
    """The numbers of one period for a map; replaces the map's counts, responses and business inputs."""

    journeymap_data: Literal[1] = Field(
        alias="journeymap-data", description="The overlay format version", examples=[1]
    )
    map: Id = Field(description="The id of the map it belongs to", examples=["shop"])
    period: Period | None = Field(
        None,
        description="The period of the numbers, same forms as the map's period",
        examples=["2026-Q2"],
    )
    settings: dict[str, Any] = Field(
        default_factory=_empty_dict,
        description="How it was made (ingest writes every setting, so any overlay can be reproduced)",
        examples=[{"source": "GA4 export"}],
    )
    touchpoints: dict[Id, OverlayTouchpoint] = Field(
        default_factory=_empty_dict,
        description="{id: numbers}: the period's numbers of each touchpoint",
        examples=[{"search-ad": {"entries": 900, "next": {"product-page": 560}}}],
    )
    coverage: Fraction | None = Field(
        None, description="Share 0..1 of events that were mapped to touchpoints", examples=[0.97]
    )
    unmapped: dict[str, Count] = Field(
        default_factory=_empty_dict,
        description="{event name: count} of events no rule matched",
        examples=[{"scroll": 1200}],
    )
    bad_rows: Count | None = Field(
        None, description="Rows left out (no customer or no readable timestamp)", examples=[12]
    )
    left_out: dict[str, Count] = Field(
        default_factory=_empty_dict,
        description="Rows read but not counted, by reason (no_customer, bad_timestamp, no_event, duplicate, unmapped): rows = mapped events + their sum",
        examples=[{"duplicate": 4, "unmapped": 1200}],
    )
    time_range: TimeRange | None = Field(
        None,
        description="{start, end}: first and last event time",
        examples=[{"start": "2026-04-01T00:03:12Z", "end": "2026-06-30T23:58:40Z"}],
    )
    time_to_convert: TimeToConvert | None = Field(
        None,
        description="Time from a converting journey's first event to its first goal event (ingest writes it)",
        examples=[{"journeys": 410, "median_seconds": 1860.0, "p90_seconds": 86400.0}],
    )
    segment: dict[str, Any] | None = Field(
        None,
        description="{column: value} of a per-persona overlay",
        examples=[{"customer_segment": "price_sensitive"}],
    )
    business: Business | None = Field(
        None,
        description="The period's customer-level business inputs, as in a map",
        examples=[
            {
                "customers_start": 18400,
                "customers_end": 19100,
                "new_customers": 4150,
                "customers_lost": 3450,
            }
        ],
    )

    _normalise_period = field_validator("period", mode="before")(_period)
