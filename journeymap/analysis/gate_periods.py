"""The periods of a comparison (:mod:`journeymap.analysis.gate`): their bounds, overlaps and
the arms of an experiment that ran at the same time (:func:`concurrent_arms`)."""

from __future__ import annotations

import datetime as dt

from journeymap.analysis.comparison import (
    Side,
)
from journeymap.findings import Text, text
from journeymap.model import (
    period_bounds,
)


def _bounds(side: Side) -> tuple[dt.date, dt.date] | None:
    return period_bounds(side.period) if side.period is not None else None


def concurrent_arms(current: Side, baseline: Side) -> bool:
    """Whether the two sides are arms of one experiment (or segments) counted side by side:
    overlays split by the same ``segment:`` column with different values. Comparing them
    over the same window is a concurrent comparison, not peeking (issue 10, JM305).

    >>> from types import SimpleNamespace as S
    >>> concurrent_arms(S(segment={"variant": "b"}), S(segment={"variant": "a"}))
    True
    >>> concurrent_arms(S(segment={"variant": "a"}), S(segment={"variant": "a"}))
    False
    >>> concurrent_arms(S(segment=None), S(segment={"variant": "a"}))
    False
    """
    a, b = current.segment, baseline.segment
    if not a or not b:
        return False
    return a.keys() == b.keys() and dict(a) != dict(b)


def _segment_label(side: Side) -> str:
    return ", ".join(f"{k} {v}" for k, v in (side.segment or {}).items())


def _overlap(current: Side, baseline: Side) -> Text | None:
    a, b = _bounds(baseline), _bounds(current)
    if a is None or b is None or concurrent_arms(current, baseline):
        return None  # compare_maps() adds a note
    if a == b:
        return text(
            "the baseline and the current period are the same ({start} to {end})",
            start=str(a[0]),
            end=str(a[1]),
        )
    if a[0] <= b[1] and b[0] <= a[1]:
        return text(
            "the baseline period ({start} to {end}) overlaps the current one ({now_start} to "
            "{now_end})",
            start=str(a[0]),
            end=str(a[1]),
            now_start=str(b[0]),
            now_end=str(b[1]),
        )
    return None


def _period_notes(current: Side, baseline: Side) -> list[Text]:
    notes = []
    if _bounds(current) is None or _bounds(baseline) is None:
        notes.append(
            text(
                "the baseline or the current numbers have no period, so journeymap "
                "cannot tell whether the two windows overlap"
            )
        )
    if concurrent_arms(current, baseline):
        notes.append(
            text(
                "the baseline ({baseline}) and the current numbers ({current}) are segments of "
                "one log counted side by side: a concurrent comparison, not peeking",
                baseline=_segment_label(baseline),
                current=_segment_label(current),
            )
        )
    return notes
