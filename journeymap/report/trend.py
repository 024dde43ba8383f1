"""A :class:`journeymap.analysis.trend.Trend` as text: pure functions picked by :class:`TrendFormat`.

JSON is the documented contract (``docs/trends.md``): ``periods[]`` with ``period``, ``source``,
``journeys``, ``conversions``, ``conversion``, ``conversion_interval`` and ``touchpoints[]``
(``id``, ``drop_off``, ``drop_off_interval``, ``n``); ``charts[]`` (the p-chart of each series);
``signals[]`` with ``period``, ``metric``, ``subject``, ``rule``, ``value``, ``limit`` and
``message``. CSV is long: one row per period, metric and subject. The table and Markdown list
conversion per period, the drop-off of the touchpoints that signal, and every signal in words.

Importing this module reads no analysis code (the command line builds its choices from it).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from journeymap.figures import (
    MISSING,
    SURVEY_KINDS,
    count,
    duration,
    level,
    percent,
    percent_interval,
    period,
)
from journeymap.i18n import ENGLISH, Language, Translator, translator
from journeymap.report.formats import CsvWriter, escape_markdown, markdown_table, text_table

if TYPE_CHECKING:
    from journeymap.analysis.trend import PeriodFigures, Proportion, Trend


class TrendFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def _interval(p: Proportion) -> list[float] | None:
    return _pair(p.interval)


def _time_to_convert(p: PeriodFigures) -> dict[str, Any]:
    """``time_to_convert`` of a period, only when its overlay has one."""
    c = p.time_to_convert
    if c is None:
        return {}
    return {
        "time_to_convert": {
            "journeys": c.journeys,
            "median_seconds": c.median_seconds,
            "p90_seconds": c.p90_seconds,
        }
    }


def _surveys(p: PeriodFigures) -> dict[str, Any]:
    """``surveys`` of a period (the journey's NPS, CSAT, CES), only when it has answers."""
    out = {
        kind: {"value": m.headline, "interval": _pair(m.interval), "responses": m.responses}
        for kind in SURVEY_KINDS
        if (m := p.surveys.metric(kind)) is not None
    }
    return {"surveys": out} if out else {}


def _pair(iv: tuple[float, float] | None) -> list[float] | None:
    return None if iv is None else list(iv)


def _analysis_figures(p: PeriodFigures) -> dict[str, Any]:
    """What ``analyze`` reports for the period: ``stages[]``, ``leaks[]``, ``surveys`` and
    ``business`` (the last two only when the period has them)."""
    return {
        "stages": [{"id": st.id, "reach": st.reach_probability} for st in p.stages],
        "leaks": [
            {
                "rank": lk.rank,
                "touchpoint": lk.touchpoint,
                "exits": lk.exits,
                "lost_conversions": lk.lost_conversions,
                "lost_value": lk.lost_value,
            }
            for lk in p.leaks
        ],
        **_surveys(p),
        **({"business": {k: f.to_json() for k, f in p.business.items()}} if p.business else {}),
    }


def to_document(t: Trend) -> dict[str, Any]:
    """The JSON document of a trend (numbers to 10 significant digits)."""
    from journeymap.analysis.document import rounded, to_document

    periods = [
        {
            "period": p.period,
            "source": p.source,
            "journeys": p.journeys,
            **({"started_at_goal": p.started_at_goal} if p.started_at_goal else {}),
            "conversions": p.conversion.x,
            "conversion": p.conversion.value,
            "conversion_interval": _interval(p.conversion),
            "touchpoints": [
                {
                    "id": tp.id,
                    "drop_off": tp.drop_off.value,
                    "drop_off_interval": _interval(tp.drop_off),
                    "n": tp.drop_off.n,
                }
                for tp in p.touchpoints
            ],
            **_time_to_convert(p),
            **_analysis_figures(p),
        }
        for p in t.periods
    ]
    charts = [
        {
            "metric": c.metric.value,
            "subject": c.subject,
            "centre": c.centre,
            "low": list(c.low),
            "high": list(c.high),
            "sigma_z": c.sigma_z,
            "reason": c.reason,
        }
        for c in t.charts
    ]
    signals = [
        {
            "period": s.period,
            "metric": s.metric.value,
            "subject": s.subject,
            "rule": s.rule.value,
            "value": s.value,
            "limit": s.limit,
            "message": s.message,
        }
        for s in t.signals
    ]
    doc = {
        "goals": list(t.goals),
        "confidence": t.confidence,
        "alpha": t.alpha,
        "periods": periods,
        "charts": charts,
        "signals": signals,
    }
    return dict(to_document(rounded(doc)))


def to_json(t: Trend) -> str:
    return json.dumps(to_document(t), indent=2, ensure_ascii=False) + "\n"


def _flags(t: Trend) -> dict[tuple[str, str, str | None], str]:
    out: dict[tuple[str, str, str | None], list[str]] = {}
    for s in t.signals:
        out.setdefault((s.period, s.metric.value, s.subject), []).append(s.rule.value)
    return {k: ";".join(v) for k, v in out.items()}


def to_csv(t: Trend) -> str:
    """Long CSV: ``period, metric, subject, value, low, high, n, flag`` (flags joined by ``;``).

    Numbers to 10 significant digits, as in JSON; an undefined figure is an empty cell.
    """
    from journeymap.analysis.document import rounded

    def num(v: float | None) -> str:
        return "" if v is None else repr(rounded(v))

    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(["period", "metric", "subject", "value", "low", "high", "n", "flag"])
    flags = _flags(t)

    def row(period: str, metric: str, subject: str | None, p: Proportion) -> None:
        low, high = p.interval if p.interval is not None else (None, None)
        w.writerow(
            [
                period,
                metric,
                subject or "",
                num(p.value),
                num(low),
                num(high),
                p.n,
                flags.get((period, metric, subject), ""),
            ]
        )

    for p in t.periods:
        w.writerow([p.period, "journeys", "", p.journeys, "", "", p.journeys, ""])
        row(p.period, "conversion", None, p.conversion)
        for tp in p.touchpoints:
            row(p.period, "drop_off", tp.id, tp.drop_off)
        c = p.time_to_convert
        if c is not None:
            for metric, v in (
                ("time_to_convert_median", c.median_seconds),
                ("time_to_convert_p90", c.p90_seconds),
            ):
                w.writerow([p.period, metric, "", num(v), "", "", c.journeys, ""])
        for st in p.stages:
            w.writerow([p.period, "stage_reach", st.id, num(st.reach_probability), "", "", "", ""])
        for lk in p.leaks:
            lost = (("lost_conversions", lk.lost_conversions), ("lost_value", lk.lost_value))
            for what, amount in lost:
                w.writerow([p.period, what, lk.touchpoint, num(amount), "", "", lk.exits, ""])
        for kind in SURVEY_KINDS:
            m = p.surveys.metric(kind)
            if m is not None:
                low, high = m.interval if m.interval is not None else (None, None)
                w.writerow(
                    [p.period, kind, "", num(m.headline), num(low), num(high), m.responses, ""]
                )
        for name, f in p.business.items():
            low, high = f.interval if f.interval is not None else (None, None)
            n = "" if f.n is None else f.n
            w.writerow([p.period, name, "", num(f.value), num(low), num(high), n, ""])
    return buf.getvalue()


def _rows(t: Trend, tr: Translator) -> tuple[list[str], list[list[str]]]:
    """Header and rows: period, journeys, conversion, its interval, the signalling drop-offs."""
    L = tr.lang
    signalling = list(dict.fromkeys(s.subject for s in t.signals if s.subject is not None))
    index = {tp.id: i for i, tp in enumerate(t.periods[0].touchpoints)} if t.periods else {}
    flags = _flags(t)
    drop = tr.gettext("drop-off {id}")
    header = [
        tr.gettext("period"),
        tr.gettext("journeys"),
        tr.gettext("conversion"),
        tr.gettext("{level} interval").format(level=level(t.confidence, lang=L)),
        *[drop.format(id=tid) for tid in signalling],
    ]
    timed = any(p.time_to_convert is not None for p in t.periods)
    if timed:
        header += [tr.gettext("time to convert"), "p90"]
    rows = []
    for p in t.periods:
        mark = "*" if (p.period, "conversion", None) in flags else " "
        cells = [
            period(p.period, lang=L),
            count(p.journeys, lang=L),
            percent(p.conversion.value, lang=L) + mark,
            percent_interval(p.conversion.interval, lang=L),
        ]
        for tid in signalling:
            d = p.touchpoints[index[tid]].drop_off
            flag = "*" if (p.period, "drop_off", tid) in flags else " "
            cells.append(percent(d.value, lang=L) + flag)
        if timed:
            c = p.time_to_convert
            cells += (
                [duration(c.median_seconds, lang=L), duration(c.p90_seconds, lang=L)]
                if c
                else [MISSING] * 2
            )
        rows.append(cells)
    return header, rows


def _notes(t: Trend, tr: Translator) -> list[str]:
    """Why Laney's p' widened a chart, per series (the series named as in the header)."""
    conversion, drop = tr.gettext("conversion"), tr.gettext("drop-off {id}")
    line = tr.gettext("{series}: {reason}")
    return [
        line.format(
            series=conversion if c.subject is None else drop.format(id=c.subject),
            reason=c.reason_in(tr),
        )
        for c in t.charts
        if c.reason_text is not None
    ]


def to_table(t: Trend, *, lang: Language = ENGLISH) -> str:
    tr = translator(lang)
    from journeymap.analysis.trend_table import detail_table

    header, rows = _rows(t, tr)
    lines = text_table([header, *rows], "lr", rule=False)
    header, rows = detail_table(t, tr)
    if header:
        lines += ["", *text_table([header, *rows], "llr", rule=False)]
    lines.append("")
    n = len(t.signals)
    lines.append(
        tr.ngettext(
            "signals ({n}; * marks a period with a signal):",
            "signals ({n}; * marks a period with a signal):",
            n,
        ).format(n=n)
        if t.signals
        else tr.gettext("no signals: every change is within sampling noise")
    )
    lines += [
        f"  {period(s.period, lang=tr.lang)}  {s.rule.value:<13} {s.message_in(tr)}"
        for s in t.signals
    ]
    notes = _notes(t, tr)
    if notes:
        lines += ["", tr.gettext("control limits widened (Laney p'):"), *[f"  {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def to_markdown(t: Trend, *, lang: Language = ENGLISH) -> str:
    tr = translator(lang)
    from journeymap.analysis.trend_table import detail_table

    header, rows = _rows(t, tr)
    lines = markdown_table([header, *rows], "lr")
    header, rows = detail_table(t, tr)
    if header:
        # the touchpoint's name is the map's text: escaped; the figures are ours
        named = [[r[0], escape_markdown(r[1]), *r[2:]] for r in rows]
        lines += ["", *markdown_table([header, *named], "llr")]
    lines += [
        "",
        "**" + tr.gettext("Signals") + "**"
        if t.signals
        else tr.gettext("No signals: every change is within sampling noise."),
        "",
    ]
    lines += [
        f"- {period(s.period, lang=tr.lang)} (`{s.rule.value}`): {s.message_in(tr)}"
        for s in t.signals
    ]
    notes = _notes(t, tr)
    if notes:
        head = "**" + tr.gettext("Control limits widened (Laney p')") + "**"
        lines += ["", head, "", *[f"- {n}" for n in notes]]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS: dict[TrendFormat, Callable[..., str]] = {
    TrendFormat.TABLE: to_table,
    TrendFormat.JSON: to_json,
    TrendFormat.CSV: to_csv,
    TrendFormat.MARKDOWN: to_markdown,
}


def render_trend(t: Trend, fmt: TrendFormat | str, *, lang: Language = ENGLISH) -> str:
    """The trend in one of :class:`TrendFormat`; ``lang`` is the language of the table and
    Markdown (JSON and CSV stay English)."""
    fmt = TrendFormat(fmt)
    if fmt in (TrendFormat.TABLE, TrendFormat.MARKDOWN):
        return RENDERERS[fmt](t, lang=lang)
    return RENDERERS[fmt](t)
