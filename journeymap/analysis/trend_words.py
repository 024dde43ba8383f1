"""The sentences of a trend: each signal and the reason Laney's p' widened a chart (issue 15).

Each sentence is a :class:`journeymap.findings.Text` whose fields are the figures
(:class:`~journeymap.findings.Number`, percentages to one decimal) and the periods
(:class:`~journeymap.findings.Period`): JSON's ``signals[].message`` and ``charts[].reason`` are
its English form (byte for byte the sentences of before); the table, Markdown and the report
write it in the run's language, numbers and periods in the locale's own way.

>>> from journeymap.i18n import translator
>>> s = beyond_limit(series_name(None), 0.031, "2026-Q3", 0.029, 0.025, above=True)
>>> print(s.format())
conversion 3.1% in 2026-Q3 is above its upper control limit 2.9% (centre 2.5%)
>>> s.format(translator("ru"))
'конверсия: 3,1\\xa0% в 3-й кв. 2026\\u202fг. — выше верхней контрольной границы 2,9\\xa0% (центр 2,5\\xa0%)'
"""

from __future__ import annotations

from journeymap.findings import Field, Number, Period, PValue, Text, text, text_of


def _pct(v: float) -> Number:
    """A proportion as a percentage to one decimal (``3.1%``)."""
    return Number(v, ".1%")


def series_name(touchpoint: str | None) -> Text:
    """What a series measures: ``conversion``, or ``drop-off at Checkout``."""
    if touchpoint is None:
        return text("conversion")
    return text("drop-off at {name}", name=touchpoint)


def p_name(adjusted: bool) -> str | Text:
    """``p`` for conversion, ``adjusted p`` for the drop-offs (adjusted together, BH)."""
    return text("adjusted p") if adjusted else "p"


def beyond_limit(
    what: Text, value: float, period: str, limit: float, centre: float, *, above: bool
) -> Text:
    """A period beyond its control limit (Shewhart's rule 1)."""
    fields: dict[str, Field | Text] = {
        "what": what,
        "value": _pct(value),
        "period": Period(period),
        "limit": _pct(limit),
        "centre": _pct(centre),
    }
    if above:
        return text_of(
            "{what} {value} in {period} is above its upper control limit {limit} (centre {centre})",
            fields,
        )
    return text_of(
        "{what} {value} in {period} is below its lower control limit {limit} (centre {centre})",
        fields,
    )


def run_of(what: Text, centre: float, first: str, last: str, n: int, *, above: bool) -> Text:
    """``n`` periods in a row on one side of the centre line (Western Electric rule 4)."""
    c, k, p0, p1 = _pct(centre), Number(n, ","), Period(first), Period(last)
    if above:
        return text(
            "{what} stayed above its centre line {centre} for {n} period in a row "
            "({first} to {last})",
            plural="{what} stayed above its centre line {centre} for {n} periods in a row "
            "({first} to {last})",
            count=n,
            what=what,
            centre=c,
            n=k,
            first=p0,
            last=p1,
        )
    return text(
        "{what} stayed below its centre line {centre} for {n} period in a row ({first} to {last})",
        plural="{what} stayed below its centre line {centre} for {n} periods in a row "
        "({first} to {last})",
        count=n,
        what=what,
        centre=c,
        n=k,
        first=p0,
        last=p1,
    )


def change_between(
    what: Text, before: tuple[str, float], after: tuple[str, float], p: str | Text, q: float
) -> Text:
    """A change between two periods, with its (adjusted) p-value."""
    (p0, a), (p1, b) = before, after
    fields: dict[str, Field | Text] = {
        "what": what,
        "a": _pct(a),
        "p0": Period(p0),
        "b": _pct(b),
        "p1": Period(p1),
        "points": Number(100 * (b - a), "+.1f"),
        "p": p,
        "q": PValue(q),
    }
    if b > a:
        return text_of(
            "{what} rose from {a} in {p0} to {b} in {p1} ({points} points, {p} {q})", fields
        )
    return text_of("{what} fell from {a} in {p0} to {b} in {p1} ({points} points, {p} {q})", fields)


def trend_of(
    what: Text,
    first: tuple[str, float],
    last: tuple[str, float],
    p: str | Text,
    q: float,
    *,
    rising: bool,
) -> Text:
    """A trend across the periods (Cochran-Armitage), with its (adjusted) p-value."""
    fields: dict[str, Field | Text] = {
        "what": what,
        "a": _pct(first[1]),
        "p0": Period(first[0]),
        "b": _pct(last[1]),
        "p1": Period(last[0]),
        "p": p,
        "q": PValue(q),
    }
    if rising:
        return text_of(
            "{what} has a rising trend, from {a} in {p0} to {b} in {p1} "
            "(Cochran-Armitage, {p} {q})",
            fields,
        )
    return text_of(
        "{what} has a falling trend, from {a} in {p0} to {b} in {p1} (Cochran-Armitage, {p} {q})",
        fields,
    )


def laney_reason(chi_squared: float, df: int, p: float, sigma_z: float) -> Text:
    """Why Laney's p' widened a chart's limits (Laney 2002)."""
    return text(
        "the periods vary more than sampling explains (chi-squared {chi} on {df} df, p {p}): "
        "limits {sigma} times wider (Laney sigma_z)",
        chi=Number(chi_squared, ".1f"),
        df=Number(df, "d"),
        p=PValue(p),
        sigma=Number(sigma_z, ".2f"),
    )
