"""The figures of the check table and its Markdown come from :mod:`journeymap.figures`.

Proportions are checked against Python's own ``.1%`` spelling (what the table wrote by hand
before, an independent formatter: CPython multiplies by 100 and rounds the same double), the
other figures against hand-worked values, money against the CLDR form every other output uses.
"""

from __future__ import annotations

import pytest

from journeymap.analysis.comparison import (
    PROPORTIONS,
    Direction,
    Grain,
    Metric,
    Test,
    Verdict,
)
from journeymap.figures import MISSING, level, percent, whole_money
from journeymap.report.checks_common import _delta, _money, _value


def _test(metric: Metric, before: float, after: float) -> Test:
    return Test(
        metric,
        "map",
        "map",
        Grain.CUSTOMERS,
        before,
        after,
        400,
        420,
        None,
        None,
        0.01,
        Direction.INCREASE,
        Verdict.OK,
    )


@pytest.mark.parametrize(
    ("v", "lang"),
    [(0.0125, "en"), (0.0475, "en"), (0.3456, "ru"), (0.0, "lv"), (0.999, "zh-Hans")],
)
def test_a_proportion_reads_as_pythons_percent_spelling(v: float, lang: str) -> None:
    from journeymap.i18n.numbers import localised

    t = _test(Metric.DROP_OFF, v, v)
    assert _value(t, v, lang) == localised(f"{v:.1%}", lang)


def test_hand_worked_values_and_changes() -> None:
    csat = _test(Metric.CSAT, 68.14, 70.0)
    assert _value(csat, 68.14) == "68.1%"
    assert _delta(csat) == "+1.9 pp"
    assert _delta(csat, "ru") == "+1,9 п. п."
    nps = _test(Metric.NPS, 12.0, 8.75)
    assert _value(nps, 8.75) == "+8.8"  # a score that can be negative is signed
    assert _value(nps, -4.25) == "-4.2"
    ces = _test(Metric.CES, 4.5, 4.125)
    assert _value(ces, 4.125) == "4.12"  # CES details have two decimals, as in every table
    assert _value(ces, 4.125, "ru") == "4,12"
    assert _delta(ces) == "-0.38"  # a change to the same two decimals: 4.125 - 4.5 = -0.375
    assert _delta(nps) == "-3.2"  # 8.75 - 12.0 = -3.25 exactly: round half to even
    conv = _test(Metric.CONVERSION, 0.30, 0.25)
    assert _delta(conv) == "-5.0 pp"
    assert _value(conv, None) == MISSING


def test_proportions_are_the_fractions() -> None:
    assert {m.value for m in PROPORTIONS} == {"conversion", "drop_off", "churn"}


def test_money_in_the_markdown_is_the_figures_money() -> None:
    assert _money(6163.2, "EUR") == "6,163 EUR"
    # Russian writes the CLDR sign after a no-break space, as every other output does
    assert _money(6163.2, "EUR", "ru") == whole_money(6163.2, "EUR", lang="ru") == "6\xa0163\xa0€"
    assert _money(None, "EUR") == MISSING


def test_a_what_if_share_keeps_its_digits() -> None:
    # the integer shares were percent(p / 100, 0), the others f"{p:g}%" in English digits
    assert [level(p / 100) for p in (25.0, 12.5, 33.3, 100.0)] == ["25%", "12.5%", "33.3%", "100%"]
    assert [percent(p / 100, 0) for p in (25.0, 100.0)] == ["25%", "100%"]
    assert level(12.5 / 100, lang="ru") == "12,5\xa0%"
