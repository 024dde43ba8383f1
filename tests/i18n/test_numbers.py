"""Numbers, money and periods by locale (CLDR through Babel), English unchanged.

Hand-written expectations (U+00A0 is CLDR's group separator in ru and lv, U+202F the narrow
no-break space CLDR puts before "г."), cross-checked against Babel's own formatters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.numbers import format_currency, format_decimal, format_percent

from journeymap import figures as f
from tests.test_imports import loaded_by

NB = "\u00a0"


def test_russian_and_latvian_numbers() -> None:
    assert f.count(1234, lang="ru") == f"1{NB}234"
    assert f.number(1234.5, lang="ru") == "1234,5"  # number() never groups, in any language
    assert f.whole_money(12345.4, "EUR", lang="ru") == f"12{NB}345{NB}€"
    assert f.percent(0.125, lang="ru") == f"12,5{NB}%"
    assert f.price(48, "EUR", lang="ru") == f"48,00{NB}€"
    assert f.percent(0.125, lang="lv") == "12,5%"  # CLDR lv: no space before %
    assert f.price(48, "EUR", lang="lv") == f"48,00{NB}€"
    assert f.percent_interval((0.3701, 0.4307), lang="ru") == f"37,0–43,1{NB}%"


def test_chinese_numbers_and_taiwan_dollars() -> None:
    assert f.count(1234, lang="zh-Hant") == "1,234"
    assert f.number(1234.5, lang="zh-Hans") == "1234.5"
    assert f.price(1234.5, "TWD", lang="zh-Hant") == "$1,234.50"  # CLDR zh-Hant: NT$ is "$"
    assert f.price(1234.5, "EUR", lang="zh-Hans") == "€1,234.50"
    assert f.percent(0.125, lang="zh-Hant") == "12.5%"


@pytest.mark.parametrize("lang", ["ru", "lv", "zh-Hant", "zh-Hans"])
def test_babel_formats_the_same(lang: str) -> None:
    """Independent cross-check: Babel's own formatters with the locale's default patterns."""
    loc = lang.replace("-", "_")
    assert f.count(1234567, lang=lang) == format_decimal(1234567, locale=loc)
    assert f.percent(0.125, lang=lang) == format_percent(
        0.125, locale=loc, decimal_quantization=False
    )
    assert f.price(1234.5, "EUR", lang=lang) == format_currency(1234.5, "EUR", locale=loc)


def test_english_is_written_as_before() -> None:
    assert (f.count(1234), f.percent(0.125), f.price(48, "EUR"), f.points(-0.1)) == (
        "1,234",
        "12.5%",
        "48.00 EUR",
        "-10.0 pp",
    )
    assert f.duration(5400) == "1.5 h" and f.period("2026-Q3") == "2026-Q3"


def test_units_in_the_language() -> None:
    assert f.points(-0.1, lang="ru") == "-10,0 п. п."
    assert f.duration(5400, lang="ru") == "1,5 ч"
    assert f.duration(360, lang="zh-Hant") == "6 分鐘"


@pytest.mark.parametrize(
    ("label", "lang", "expected"),
    [
        ("2026-Q3", "ru", "3-й кв. 2026\u202fг."),
        ("2026-07", "ru", "07.2026"),
        ("2026-Q3", "lv", f"2026. g. 3.{NB}cet."),
        ("2026-07", "lv", "07.2026."),
        ("2026-Q3", "zh-Hant", "2026年第3季"),
        ("2026-Q3", "zh-Hans", "2026年第3季度"),
        ("2026-07", "zh-Hant", "2026年7月"),
        ("2026-W05", "ru", "2026-W05"),  # ISO weeks stay ISO
        ("2026-W05", "zh-Hans", "2026-W05"),
        ("spring sale", "ru", "spring sale"),  # a name, not an ISO period
        ("2026-13", "ru", "2026-13"),
    ],
)
def test_periods_in_the_words_of_the_language(label: str, lang: str, expected: str) -> None:
    assert f.period(label, lang=lang) == expected


def test_english_check_does_not_load_babel(tmp_path: Path) -> None:
    code, modules = loaded_by(tmp_path, "check", "maps/first-purchase.yaml")
    assert code == 0 and "journeymap.figures" in modules
    assert sorted(m for m in modules if m == "babel" or m.startswith("babel.")) == []


def test_a_localised_render_does_load_babel(tmp_path: Path) -> None:
    """Cross-check of the probe: a Russian Mermaid view needs CLDR."""
    out = tmp_path / "flow.mmd"
    args = ("render", "maps/first-purchase.yaml", "--view", "mermaid-flow", "-o", str(out))
    code, modules = loaded_by(tmp_path, *args, "--lang", "ru", "-q")
    assert code == 0 and "babel.numbers" in modules
