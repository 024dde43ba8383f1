"""Figures by channel (or stage) as text: the ``channels`` part of an analysis in each format.

``journeymap analyze --by channel`` adds two tables to the terminal report and to Markdown:
the flow of each group (visits, exits, conversions reached, lost value, conversion from entry)
and the attribution table (removal effect, its share of the period's conversions and value)
with the first-touch and last-touch shares beside it, then a total row and a sentence saying
what adds up. CSV becomes one row per group (columns :data:`CSV_COLUMNS`, numbers as in the
JSON document). JSON is untouched here: :meth:`Analysis.to_dict` already carries ``by`` and
``channels[]``. Every figure is printed through :mod:`journeymap.figures`; the definitions are
in :mod:`journeymap.analysis.channels`.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable

from journeymap.analysis.results import Analysis, ChannelFigures
from journeymap.figures import count, percent, whole_money
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.formats import markdown_table, text_table

CSV_COLUMNS = (
    "by",
    "channel",
    "touchpoints",
    "visits",
    "exits",
    "conversions_reached",
    "lost_value",
    "currency",
    "conversion_probability",
    "removal_effect",
    "attribution_share",
    "attributed_conversions",
    "attributed_value",
    "first_touch_share",
    "last_touch_share",
)
"""One row per group; ``touchpoints`` is the members' ids joined by spaces."""


def with_channels(
    a: Analysis, fmt: str, render: Callable[[Analysis], str], *, lang: Language = ENGLISH
) -> str:
    """``render(a)``, with the channel tables added when ``a`` has figures by group.

    Table and Markdown gain the two tables at the end (in ``lang``), CSV is replaced by
    :func:`to_csv` (one row per group), JSON is ``render(a)`` as it is.
    """
    if a.channels is None or a.by is None:
        return render(a)
    if fmt == "csv":
        return to_csv(a)
    if fmt == "table":
        return render(a) + "\n" + "\n".join(table_lines(a, lang=lang)) + "\n"
    if fmt == "markdown":
        return render(a) + "\n" + "\n".join(markdown_lines(a, lang=lang)) + "\n"
    return render(a)


def _sum(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(v or 0.0 for v in values)


def _by(a: Analysis, t: Translator) -> str:
    """What the groups are (channel, stage), in words."""
    return t.gettext(_BY_WORDS.get(str(a.by), str(a.by)))


_BY_WORDS = {"channel": N_("channel"), "stage": N_("stage")}


def _flow_rows(a: Analysis, t: Translator) -> list[list[str]]:
    cur, L = a.settings.currency, t.lang
    head = [t.gettext("touchpoints"), t.gettext("visits"), t.gettext("exits")]
    head += [t.gettext("conversions reached"), t.gettext("lost value")]
    rows = [[_by(a, t), *head, t.gettext("converts from entry")]]
    for g in a.channels or ():
        rows.append(
            [
                g.channel,
                str(len(g.touchpoints)),
                count(g.visits, lang=L),
                count(g.exits, lang=L),
                count(g.conversions_reached, lang=L),
                whole_money(g.lost_value, cur, lang=L),
                percent(g.conversion_probability, lang=L),
            ]
        )
    return rows


def _attribution_rows(a: Analysis, t: Translator) -> list[list[str]]:
    cur, L = a.settings.currency, t.lang
    groups: tuple[ChannelFigures, ...] = a.channels or ()
    head = [t.gettext("removal effect"), t.gettext("attribution"), t.gettext("conversions")]
    head += [t.gettext("value"), t.gettext("first touch"), t.gettext("last touch")]
    rows = [[_by(a, t), *head]]
    for g in groups:
        rows.append(
            [
                g.channel,
                percent(g.removal_effect, lang=L),
                percent(g.attribution_share, lang=L),
                count(g.attributed_conversions, lang=L),
                whole_money(g.attributed_value, cur, lang=L),
                percent(g.first_touch_share, lang=L),
                percent(g.last_touch_share, lang=L),
            ]
        )
    rows.append(
        [
            t.gettext("total"),
            "",
            percent(_sum([g.attribution_share for g in groups]), lang=L),
            count(_sum([g.attributed_conversions for g in groups]), lang=L),
            whole_money(_sum([g.attributed_value for g in groups]), cur, lang=L),
            percent(_sum([g.first_touch_share for g in groups]), lang=L),
            percent(_sum([g.last_touch_share for g in groups]), lang=L),
        ]
    )
    return rows


def sentence(a: Analysis, *, lang: Language = ENGLISH) -> str:
    """What the attribution table adds up to, in plain words."""
    t = translator(lang)
    groups = a.channels or ()
    if not groups or any(g.attribution_share is None for g in groups):
        return t.gettext(
            "No attribution: it needs a goal that some journey reaches "
            "(every removal effect is undefined)."
        )
    value = _sum([g.attributed_value for g in groups])
    of_value = (
        " "
        + t.gettext("and of their {value} value").format(
            value=whole_money(value, a.settings.currency, lang=lang)
        )
        if value is not None
        else ""
    )
    return t.ngettext(
        "Attribution shares the removal effects out so that they add up to 100% of the "
        "period's {n} conversion{of_value}; first touch credits the {by} where the converting "
        "journey started, last touch the one it converted from.",
        "Attribution shares the removal effects out so that they add up to 100% of the "
        "period's {n} conversions{of_value}; first touch credits the {by} where the converting "
        "journey started, last touch the one it converted from.",
        round(a.summary.conversions),
    ).format(n=count(a.summary.conversions, lang=lang), of_value=of_value, by=_by(a, t))


def table_lines(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    """The two tables of the terminal report and the sentence under them."""
    t = translator(lang)
    return [
        t.gettext("By {by}:").format(by=_by(a, t)),
        *text_table(_flow_rows(a, t), "lr"),
        "",
        t.gettext(
            "Conversions credited by {by} (removal effects; first and last touch for comparison):"
        ).format(by=_by(a, t)),
        *text_table(_attribution_rows(a, t), "lr"),
        *textwrap.wrap(sentence(a, lang=lang), 100),
    ]


def _md(rows: list[list[str]]) -> list[str]:
    return markdown_table([[c.replace("|", "\\|") for c in r] for r in rows], "lr")


def markdown_lines(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    """The Markdown section: the same two tables and the sentence."""
    t = translator(lang)
    return [
        "### " + t.gettext("By {by}").format(by=_by(a, t)),
        "",
        *_md(_flow_rows(a, t)),
        "",
        "### " + t.gettext("Conversions credited by {by}").format(by=_by(a, t)),
        "",
        *_md(_attribution_rows(a, t)),
        "",
        sentence(a, lang=lang),
    ]


def to_csv(a: Analysis) -> str:
    """One row per group, empty cells for null, numbers as in the JSON document."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for g in a.channels or ():
        cells = (
            a.by,
            g.channel,
            " ".join(g.touchpoints),
            g.visits,
            g.exits,
            g.conversions_reached,
            g.lost_value,
            a.settings.currency,
            g.conversion_probability,
            g.removal_effect,
            g.attribution_share,
            g.attributed_conversions,
            g.attributed_value,
            g.first_touch_share,
            g.last_touch_share,
        )
        w.writerow(["" if v is None else v for v in cells])
    return buf.getvalue()
