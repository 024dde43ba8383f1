"""The typed results of :mod:`journeymap.analysis.opportunities` (the JSON of
``journeymap opportunities``: field names and order are the document's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from journeymap.analysis.survey_figures import Interval

Basis = Literal["what-if", "scenario", "leak-bound"]
LeftOutReason = Literal["removed", "goal", "after-goal", "nothing-continues"]


@dataclass(frozen=True)
class ValueAtStake:
    """``value_at_stake``: expected conversions and value gained, with bootstrap intervals."""

    conversions: float | None
    conversions_interval: Interval | None
    value: float | None
    value_interval: Interval | None


@dataclass(frozen=True)
class AddressedLeak:
    """A touchpoint an opportunity addresses, with its leak (``leaks[]`` of ``analyze``)."""

    touchpoint: str
    leak_rank: int | None
    lost_conversions: float | None
    lost_value: float | None


@dataclass(frozen=True)
class LeftOut:
    """An addressed touchpoint that adds nothing to the value, and why: not in the analysed
    map (a scenario removed it), a goal or an after-goal touchpoint (nothing to recover
    there), or one where nothing continues (``s_i = 0``)."""

    touchpoint: str
    reason: LeftOutReason


@dataclass(frozen=True)
class PricedOpportunity:
    """``opportunities[]`` of ``journeymap opportunities --format json``."""

    rank: int | None
    id: str
    text: str
    owner: str | None
    status: str
    effort: int | None
    confidence: str | None
    addresses: tuple[str, ...]
    scenario: str | None
    basis: Basis
    effect: str | None
    """``expected`` as written (``close_exits 10%``), for the what-if basis."""
    value_at_stake: ValueAtStake
    value_per_effort: float | None
    """Value (conversions when a goal has no value) per unit of effort."""
    leaks: tuple[AddressedLeak, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True)
class TextOpportunity:
    """``texts[]``: an opportunity written as plain text (no id, not priced), as it is."""

    touchpoint: str
    text: str


@dataclass(frozen=True)
class Portfolio:
    """The document of ``journeymap opportunities``."""

    map: str | None
    currency: str | None
    goals: tuple[str, ...]
    measure: Literal["value", "conversions"]
    """What ``value_per_effort`` and the rank divide: value when every goal has one."""
    samples: int
    seed: int
    confidence: float
    scenario: str | None
    persona: str | None
    opportunities: tuple[PricedOpportunity, ...]
    texts: tuple[TextOpportunity, ...]
    unranked: Mapping[str, int]
    """How many opportunities have no rank, by reason (done, dropped, no effort, no value)."""

    def stake(self, p: PricedOpportunity) -> tuple[float | None, Interval | None]:
        """The figure the portfolio ranks by (value, or conversions when a goal has no value)
        and its interval."""
        s = p.value_at_stake
        if self.measure == "value":
            return s.value, s.value_interval
        return s.conversions, s.conversions_interval
