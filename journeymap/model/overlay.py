"""An overlay: the numbers of one period for a map (counts, survey answers, business inputs).

``ingest`` writes overlays from event logs; they replace the map's own numbers for that period.
"""

from typing import Any, Literal

from pydantic import Field, field_validator

from journeymap.model.base import (
    Count,
    Fraction,
    Id,
    NonNegative,
    _empty_dict,
    _Model,
    customers_field,
    exits_field,
    in_progress_field,
    returns_field,
    unknown_field,
)
from journeymap.model.business import Business, TouchpointBusiness
from journeymap.model.period import Period, _period
from journeymap.model.surveys import Scores


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
    customers: Count | None = customers_field()
    next: dict[Id, Count] = Field(
        default_factory=_empty_dict,
        description="Transitions to other touchpoints: {id: count}; may name transitions the map does not declare",
        examples=[{"product-page": 560}],
    )
    exits: Count | None = exits_field()
    unknown: Count | None = unknown_field()
    in_progress: Count | None = in_progress_field()
    conversions: Count | None = Field(
        None,
        description="Written by ingest for reference; always recomputed from entries and transitions",
        examples=[150],
    )
    returns: dict[Id, Count] = returns_field()
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
