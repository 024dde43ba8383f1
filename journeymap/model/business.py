"""Business inputs: a touchpoint's service times and cost, the map's customer counts and money.

The model refuses impossible combinations where the later key is written, so every rate
computed from them lies in 0..1.
"""

from typing import Any, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from journeymap.model.base import Count, Fraction, NonNegative, _Model

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
