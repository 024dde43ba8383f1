"""Aggregated exports to overlays (``journeymap import``): what an import gives.

Two shapes that analytics tools export when the raw events are out of reach, each read by its
own module:

* a **funnel report** (GA4 funnel exploration, Amplitude funnel chart, PostHog funnel, as CSV),
  read by :mod:`journeymap.events.funnel_reports` into a *customer-grain* overlay marked
  ``settings.grain: funnel``;
* a **path table** (the ChannelAttribution layout), read by
  :mod:`journeymap.events.path_tables` into a visit-grain overlay.

Nothing is dropped in silence: a row that cannot be read is an error with its line, and every
figure that was left out or changed is a note of the result (:class:`Imported`).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.events.exports import ExportError
from journeymap.model import Overlay


@dataclass(frozen=True)
class Imported:
    """An overlay made from an export, with what the reader had to say about it."""

    overlay: Overlay
    rows: int
    """Data rows read (every one is used: a row that cannot be used is an error)."""
    notes: tuple[str, ...] = ()
    """What was merged, collapsed or assumed, in plain words (shown by the CLI, kept in settings)."""


def valid_overlay(data: dict[str, object]) -> Overlay:
    """Validate the overlay before anything is written; a bad period is the caller's error."""
    from pydantic import ValidationError

    try:
        return Overlay.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExportError(
            f"the overlay would not be valid: {where}: {first['msg']}",
            hint="a period is written 2026-Q3, 2026-07, 2026 or 2026-W05",
        ) from exc
