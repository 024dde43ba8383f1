"""A coded JM5xx warning of the analysis, with its sentence in every language.

The analysis writes each warning once, as a msgid with named fields
(:class:`journeymap.findings.Text`); ``message`` is its English form (the JSON, byte for byte
as before localisation) and :meth:`AnalysisWarning.message_in` writes it in the language of a
human output (``analyze`` table and Markdown, the HTML report).

>>> from journeymap.findings import Number, text
>>> from journeymap.i18n import translator
>>> t = text("{n} journey", plural="{n} journeys", count=1234, n=Number(1234))
>>> w = AnalysisWarning("JM516", None, None, t.format(), t)
>>> w.message, w.to_json()["message"], w.message_in(translator("ru"))
('1,234 journeys', '1,234 journeys', '1\xa0234 journeys')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeymap.findings import Text
from journeymap.i18n import ENGLISH, Translator

__all__ = ["AnalysisWarning"]


@dataclass(frozen=True)
class AnalysisWarning:
    """``warnings[]``: a coded JM5xx warning about a figure.

    ``message`` is the English sentence (the JSON); ``text`` the same sentence as a msgid with
    its fields (:class:`journeymap.findings.Text`), written in the run's language by the human
    outputs (:meth:`message_in`) and left out of the JSON.
    """

    code: str
    touchpoint: str | None
    stage: str | None
    message: str
    text: Text | None = field(default=None, compare=False, repr=False)

    def message_in(self, t: Translator) -> str:
        """The message in the language of ``t`` (the English ``message`` without a ``text``)."""
        return self.message if self.text is None or t.lang == ENGLISH else self.text.format(t)

    def to_json(self) -> dict[str, str | None]:
        """The JSON object (``text`` is the human outputs' only)."""
        return {
            "code": self.code,
            "touchpoint": self.touchpoint,
            "stage": self.stage,
            "message": self.message,
        }
