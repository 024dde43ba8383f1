"""Where a statement on the map comes from: observed, reported, assumed or proposed."""

import datetime as dt
from enum import StrEnum

from pydantic import Field

from journeymap.model.base import Text, _Model


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
