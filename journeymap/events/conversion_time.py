"""Time to convert: how long a converting journey takes from its first event to its goal.

The pipeline's ``time_to_convert`` query gives, per segment, how many journeys first converted
``s`` whole seconds after their first event (a journey counts once, at its first conversion
within the conversion window: the conversions ``ingest`` counts). This module turns those
counts into the overlay's ``time_to_convert``: the number of journeys, the median and the 90th
percentile, by :func:`journeymap.stats.quantile` (Hyndman & Fan type 7, the one quantile).

Only journeys that converted are measured, so on a log whose end cuts journeys short
(``settings.censoring``) the figures lean to the quick converters: a journey still in progress
may convert later, after a longer time.

>>> time_to_convert([("v", 60, 2), ("v", 600, 1), ("n", 5, 1)])["v"]
TimeToConvert(journeys=3, median_seconds=60.0, p90_seconds=492.0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from journeymap.model import TimeToConvert
from journeymap.stats import quantile

TIME_TO_CONVERT_SQL = """
SELECT jm_seg, jm_secs, COUNT(*) AS jm_n FROM (
  SELECT jm_seg, jm_cid, jm_journey, MIN(jm_conv_secs) AS jm_secs
  FROM jm_visits WHERE jm_conv_secs IS NOT NULL GROUP BY jm_seg, jm_cid, jm_journey
) AS jm_c GROUP BY jm_seg, jm_secs"""
"""The pipeline's ``time_to_convert`` result query (over ``jm_visits``, whose ``jm_conv_secs``
is set on a conversion within the window and ``jm_journey`` numbers a customer's journeys)."""


def time_to_convert(rows: Iterable[tuple[Any, ...]]) -> dict[str, TimeToConvert]:
    """``{segment key: TimeToConvert}`` from the rows ``(segment, seconds, journeys)``."""
    values: dict[str, list[float]] = defaultdict(list)
    for seg, secs, n in rows:
        values[str(seg)] += [float(secs)] * int(n)
    out: dict[str, TimeToConvert] = {}
    for seg, v in values.items():
        median, p90 = quantile(v, 0.5), quantile(v, 0.9)
        if median is not None and p90 is not None:
            out[seg] = TimeToConvert(journeys=len(v), median_seconds=median, p90_seconds=p90)
    return out
