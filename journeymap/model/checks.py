"""What CI enforces (the map's ``checks``): limits, service-time limits, regression thresholds
and lint settings."""

import re
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from journeymap.model.base import (
    MAX_MAGNITUDE,
    Count,
    Id,
    NonNegative,
    Number,
    ShortText,
    _empty_dict,
    _empty_list,
    _Model,
)


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
