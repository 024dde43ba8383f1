"""Presets: the columns, timestamp unit, sessions, identity and event naming of each tool's export.

``--preset NAME`` starts from one of these; every option given explicitly overrides it. Each
preset follows the export's published schema:

| preset | export | person | timestamp | session | event | dedup |
|---|---|---|---|---|---|---|
| ``ga4`` | BigQuery export (Parquet, JSON lines, CSV) | ``user_id`` + ``user_pseudo_id`` | ``event_timestamp`` (us) | ``event_params.ga_session_id`` | ``event_name`` | exact |
| ``amplitude`` | Export API (hourly ``.json.gz``, or the ``.zip`` of them) | ``user_id`` + ``device_id`` | ``event_time`` (UTC text) | ``session_id`` | ``event_type`` | exact |
| ``segment`` | track/page/screen/identify calls (JSON lines) | ``userId`` + ``anonymousId`` | ``timestamp`` | by time | ``event``, ``page:<name>``, ``screen:<name>`` | ``messageId`` |
| ``mixpanel`` | raw export (JSON lines) | ``properties.distinct_id`` | ``properties.time`` (s) | by time | ``event`` | ``properties.$insert_id`` |
| ``posthog`` | events export (CSV with ``properties`` as JSON text, or JSON) | ``distinct_id`` | ``timestamp`` | ``properties.$session_id`` | ``event`` | ``uuid`` |

>>> PRESETS["ga4"].columns.identities, PRESETS["ga4"].timestamp_unit
(('user_pseudo_id',), 'us')
>>> preset("ga4").with_columns(customer=None, event="name").event
'name'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from journeymap.errors import did_you_mean
from journeymap.events.settings import (
    Columns,
    EventNaming,
    KindRule,
    SettingError,
    TimestampUnit,
)


@dataclass(frozen=True)
class Preset:
    """What one tool's export looks like."""

    name: str
    title: str
    columns: Columns
    timestamp_unit: TimestampUnit | None = None
    """None: read each epoch number's unit from its magnitude (text timestamps need none)."""

    def with_columns(self, **given: str | tuple[str, ...] | None) -> Columns:
        """The preset's columns with every setting given (not None, not empty) in its place."""
        changes: dict[str, object] = {k: v for k, v in given.items() if v is not None and v != ()}
        if "customer" in changes or "identities" in changes:  # ids named by hand must be there
            changes["ids_optional"] = False
        return dataclasses.replace(self.columns, **changes)  # type: ignore[arg-type]


SEGMENT_NAMING = EventNaming(
    kind="type",
    rules=(KindRule("page", "page:", "name"), KindRule("screen", "screen:", "name")),
    identity_kinds=("identify", "alias", "group"),
)
"""Segment's calls: ``track`` is named by ``event``; ``page`` and ``screen`` by the page's name;
``identify``, ``alias`` and ``group`` carry ids and traits, not journey steps."""

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "ga4",
            "Google Analytics 4, BigQuery export",
            Columns(
                customer="user_id",
                timestamp="event_timestamp",
                event="event_name",
                session="event_params.ga_session_id",
                identities=("user_pseudo_id",),
                ids_optional=True,
            ),
            timestamp_unit="us",
        ),
        Preset(
            "amplitude",
            "Amplitude Export API",
            Columns(
                customer="user_id",
                timestamp="event_time",
                event="event_type",
                session="session_id",
                identities=("device_id",),
                ids_optional=True,
            ),
        ),
        Preset(
            "segment",
            "Segment (track, page, screen, identify calls)",
            Columns(
                customer="userId",
                timestamp="timestamp",
                event="event",
                identities=("anonymousId",),
                dedup="messageId",
                naming=SEGMENT_NAMING,
                ids_optional=True,
            ),
        ),
        Preset(
            "mixpanel",
            "Mixpanel raw export",
            Columns(
                customer="properties.distinct_id",
                timestamp="properties.time",
                event="event",
                dedup="properties.$insert_id",
            ),
            timestamp_unit="s",
        ),
        Preset(
            "posthog",
            "PostHog events export",
            Columns(
                customer="distinct_id",
                timestamp="timestamp",
                event="event",
                session="properties.$session_id",
                dedup="uuid",
            ),
        ),
    )
}
PRESET_NAMES = tuple(PRESETS)


def preset(name: str) -> Preset:
    """The preset called ``name``; a :class:`SettingError` (with a did-you-mean) for another name."""
    found = PRESETS.get(name.lower())
    if found is None:
        raise SettingError(
            "preset",
            lambda s: f"{s}: unknown preset '{name}'",
            hint=did_you_mean(name, list(PRESETS)) or f"use one of {', '.join(PRESETS)}",
        )
    return found
