"""Right censoring of an event log: how far its end cuts journeys short."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journeymap.events.settings import format_duration


@dataclass(frozen=True)
class Censoring:
    """How far a log's end cuts journeys short (right censoring).

    A journey whose last event lies within ``lost_after`` of the end of the data is in progress:
    its outcome is not known yet. When the log spans less than ``lost_after``, or when most
    journeys are in progress, the counted conversions and exits describe the finished minority.
    """

    span_seconds: int
    """From the first to the last event of the log (whole seconds)."""
    lost_after: int
    journeys: int
    in_progress: int

    @property
    def in_progress_share(self) -> float | None:
        return self.in_progress / self.journeys if self.journeys else None

    @property
    def short_log(self) -> bool:
        return self.span_seconds < self.lost_after

    @property
    def censored(self) -> bool:
        """The log is shorter than ``lost_after`` or more than half of the journeys are in progress."""
        return self.journeys > 0 and (self.short_log or 2 * self.in_progress > self.journeys)

    def setting(self) -> dict[str, Any]:
        """The overlay's ``settings.censoring``."""
        share = self.in_progress_share
        return {
            "span": format_duration(self.span_seconds),
            "journeys": self.journeys,
            "in_progress": self.in_progress,
            "in_progress_share": None if share is None else round(share, 6),
            "short_log": self.short_log,
            "censored": self.censored,
        }
