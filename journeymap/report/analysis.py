"""Analysis results (:class:`~journeymap.analysis.results.Analysis`) and side-by-side
comparisons (:class:`~journeymap.analysis.compare_results.SideBySide`, of ``compare(...)``) to
text: pure functions picked by :class:`AnalysisFormat`.

The terminal table is what a CX lead reads first: the ranked leaks in plain words. Markdown is
ready to paste into an issue or a pull request. CSV is the leak table. JSON is the contract
(the analysis' one serializer, :meth:`Analysis.to_dict`; a comparison's
:meth:`SideBySide.to_dict`). Every figure is printed through
:mod:`journeymap.figures`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import partial
from typing import Any

from journeymap.analysis.compare_results import SideBySide
from journeymap.analysis.document import encode
from journeymap.analysis.results import Analysis
from journeymap.i18n import ENGLISH, Language
from journeymap.report.analysis_compare import (
    _SUMMARY_WORDS,
    comparison_csv,
    comparison_markdown,
    comparison_table,
)
from journeymap.report.analysis_text import to_markdown, to_table
from journeymap.report.analysis_words import leak_sentence, pct_level, plural_n, summary_lines
from journeymap.report.channels import with_channels
from journeymap.report.figures_table import metrics_csv
from journeymap.report.formats import CsvWriter


class AnalysisFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


class CsvTable(StrEnum):
    """Which table the CSV format writes: the ranked leaks, or the CX figures in long form."""

    LEAKS = "leaks"
    METRICS = "metrics"


CSV_COLUMNS = (
    "rank",
    "touchpoint",
    "name",
    "stage",
    "exits",
    "departures",
    "drop_off",
    "drop_off_low",
    "drop_off_high",
    "lost_conversions",
    "lost_conversions_low",
    "lost_conversions_high",
    "lost_value",
    "currency",
    "what_if_percent",
    "what_if_extra_conversions",
    "what_if_extra_value",
    "removal_effect",
    "probability_top",
    "best_next",
)


def to_csv(a: Analysis) -> str:
    """The leak table as CSV (empty cells for null; numbers as in the JSON document)."""
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(CSV_COLUMNS)
    cur = a.settings.currency
    for lk in a.leaks:
        di = lk.drop_off_interval or (None, None)
        li = lk.lost_conversions_interval or (None, None)
        wi = lk.what_if
        w.writerow(
            [
                "" if v is None else v
                for v in (
                    lk.rank,
                    lk.touchpoint,
                    lk.name,
                    lk.stage,
                    lk.exits,
                    lk.departures,
                    lk.drop_off,
                    di[0],
                    di[1],
                    lk.lost_conversions,
                    li[0],
                    li[1],
                    lk.lost_value,
                    cur,
                    wi.percent,
                    wi.extra_conversions,
                    wi.extra_value,
                    lk.removal_effect,
                    lk.probability_top,
                    lk.best_next.touchpoint if lk.best_next else None,
                )
            ]
        )
    return buf.getvalue()


def to_json(a: Analysis) -> str:
    return json_text(a.to_dict())


def comparison_json(c: SideBySide) -> str:
    """A side-by-side comparison as its JSON document (:meth:`SideBySide.to_dict`)."""
    return json_text(c.to_dict())


def json_text(doc: Mapping[str, Any]) -> str:
    """A JSON document as ``journeymap analyze`` writes it (two-space indent, UTF-8 text)."""
    return encode(doc) + "\n"


FORMATTERS: dict[AnalysisFormat, Callable[..., str]] = {
    AnalysisFormat.TABLE: to_table,
    AnalysisFormat.JSON: to_json,
    AnalysisFormat.MARKDOWN: to_markdown,
    AnalysisFormat.CSV: to_csv,
}


COMPARISON_FORMATTERS: dict[AnalysisFormat, Callable[..., str]] = {
    AnalysisFormat.TABLE: comparison_table,
    AnalysisFormat.JSON: comparison_json,
    AnalysisFormat.MARKDOWN: comparison_markdown,
    AnalysisFormat.CSV: comparison_csv,
}


HUMAN = (AnalysisFormat.TABLE, AnalysisFormat.MARKDOWN)
"""The formats written in the run's language (JSON and CSV stay English)."""


def render_analysis(
    result: Analysis | SideBySide,
    fmt: AnalysisFormat | str,
    table: CsvTable | str = CsvTable.LEAKS,
    *,
    lang: Language = ENGLISH,
) -> str:
    """Render an analysis (or a side-by-side comparison) in one of the :class:`AnalysisFormat` s;
    ``table`` picks the CSV of an analysis (:class:`CsvTable`; the other formats show both);
    ``lang`` is the language of the table and Markdown formats (JSON and CSV stay English)."""
    fmt = AnalysisFormat(fmt)
    kw = {"lang": lang} if fmt in HUMAN else {}
    if isinstance(result, Analysis):
        if fmt is AnalysisFormat.CSV and CsvTable(table) is CsvTable.METRICS:
            return metrics_csv(result)
        return with_channels(result, fmt, partial(FORMATTERS[fmt], **kw), lang=lang)
    return COMPARISON_FORMATTERS[fmt](result, **kw)


__all__ = [
    "COMPARISON_FORMATTERS",
    "CSV_COLUMNS",
    "FORMATTERS",
    "HUMAN",
    "_SUMMARY_WORDS",
    "AnalysisFormat",
    "CsvTable",
    "comparison_csv",
    "comparison_json",
    "comparison_markdown",
    "comparison_table",
    "json_text",
    "leak_sentence",
    "pct_level",
    "plural_n",
    "render_analysis",
    "summary_lines",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_table",
]
