"""Plural forms in Russian and Latvian pick the form CLDR's rules give (hand-written).

Russian (CLDR): one = n%10 == 1 and n%100 != 11; few = n%10 in 2..4 and n%100 not in 12..14;
many = the rest. Latvian: zero = n%10 == 0 or n%100 in 11..19; one = n%10 == 1 and
n%100 != 11; other = the rest. gettext indexes the forms in that order.
"""

from __future__ import annotations

import gettext

import pytest
from babel import Locale

from journeymap.i18n import catalogues, translator

RU = {1: "one", 2: "few", 5: "many", 11: "many", 12: "many", 21: "one", 22: "few", 25: "many", 111: "many"}  # fmt: skip
LV = {0: "zero", 1: "one", 2: "other", 10: "zero", 11: "zero", 21: "one"}
INDEX = {"ru": ("one", "few", "many"), "lv": ("zero", "one", "other")}


@pytest.mark.parametrize(("lang", "expected"), [("ru", RU), ("lv", LV)])
def test_the_catalogue_rule_picks_the_hand_written_form(
    lang: str, expected: dict[int, str]
) -> None:
    rule = gettext.c2py(catalogues.read(lang).plural_expr)
    assert {n: INDEX[lang][rule(n)] for n in expected} == expected


@pytest.mark.parametrize(("lang", "expected"), [("ru", RU), ("lv", LV)])
def test_babels_cldr_data_agrees(lang: str, expected: dict[int, str]) -> None:
    """Independent cross-check: the same categories from CLDR's plural rules in Babel."""
    assert {n: Locale.parse(lang).plural_form(n) for n in expected} == expected


def test_russian_visits_are_declined() -> None:
    t = translator("ru")
    visits = {n: t.ngettext("{n} visit", "{n} visits", n).format(n=n) for n in RU}
    assert visits == {
        1: "1 посещение",
        2: "2 посещения",
        5: "5 посещений",
        11: "11 посещений",
        12: "12 посещений",
        21: "21 посещение",
        22: "22 посещения",
        25: "25 посещений",
        111: "111 посещений",
    }


def test_latvian_one_differs_from_the_rest() -> None:
    t = translator("lv")
    visits = {n: t.ngettext("{n} visit", "{n} visits", n).format(n=n) for n in LV}
    assert visits == {
        0: "0 apmeklējumi",
        1: "1 apmeklējums",
        2: "2 apmeklējumi",
        10: "10 apmeklējumi",
        11: "11 apmeklējumi",
        21: "21 apmeklējums",
    }


def test_chinese_has_one_form() -> None:
    t = translator("zh-Hant")
    assert {t.ngettext("{n} visit", "{n} visits", n).format(n=n) for n in (1, 2)} == {
        "1 次造訪",
        "2 次造訪",
    }
