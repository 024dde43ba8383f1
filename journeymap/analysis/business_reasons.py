"""Why a business figure of the period is None: the reason it carries beside the missing value.

:class:`Reasoned` is the base of every figure of :mod:`journeymap.analysis.business` and
:mod:`journeymap.analysis.business_service` that may be None; :func:`not_measured` is the reason
of one the map tracks but the overlay's period does not carry (never the map's own figure then).
"""

from __future__ import annotations

import networkx as nx

from journeymap.findings import Text, text
from journeymap.graph import PERIOD
from journeymap.i18n import Translator


class Reasoned:
    """A figure that may be None with a reason: ``reason`` is the English sentence (the JSON,
    the checks), ``reason_text`` the same as a msgid with its fields (``reason`` is its English
    form when only it is given), written in a human output's language by :meth:`reason_in`."""

    reason: str | None
    reason_text: Text | None

    def __post_init__(self) -> None:
        if self.reason_text is not None and self.reason is None:
            object.__setattr__(self, "reason", self.reason_text.format())

    def reason_in(self, t: Translator) -> str | None:
        """The reason in the language of ``t`` (None when the figure has none)."""
        return self.reason if self.reason_text is None else self.reason_text.format(t)


def not_measured(G: nx.DiGraph[str]) -> Text:
    """The reason of a figure the map tracks but the overlay's period does not carry."""
    period = G.graph.get(PERIOD)
    if period:
        return text(
            "not measured in {period}: the overlay does not carry it, and the map's own figure "
            "is not used",
            period=str(period),
        )
    return text(
        "not measured in the overlay's period: the overlay does not carry it, and the map's "
        "own figure is not used"
    )
