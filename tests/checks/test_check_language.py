"""``journeymap check`` in the team's language: every finding's message, hint and the reason a
figure is undefined are translated in the table and Markdown outputs, their figures printed by
the locale; the machine formats stay English, byte for byte, whatever the language.

The numbers are worked by hand (the median of 1, 2, 3, 4, 6, 12 minutes is 3.5 minutes) and
cross-checked with Babel's own CLDR number formatting, which :mod:`journeymap.figures` does not
call for decimals.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.numbers import format_decimal, format_percent

from journeymap.checks.core import REGISTRY
from journeymap.checks.metrics import format_duration
from journeymap.checks.phrases import Duration, Listed, Shown
from journeymap.findings import Finding, Period, text
from journeymap.i18n import LANGUAGES, translator
from tests.checks.helpers import run_text
from tests.checks.inproc import run_inproc

SUPPORT = """\
journeymap: 1
id: support
title: Support
checks:
  conversion: {min: 0.9}
  touchpoints:
    chat: {first_response_time: {median: {max: 3m}}}
stages:
  - id: help
    name: Help
    touchpoints:
      - id: chat
        name: Live chat
        entries: 100
        next: {solved: 80}
        business:
          first_response_time: {unit: minutes, samples: [1, 2, 3, 4, 6, 12]}
      - {id: solved, name: Solved, goal: true}
      - {id: dead, name: Dead end, entries: 5}
"""
"""JM101 (conversion 80 of 105 entries below 90%), JM141 (median 3.5 minutes above 3) and the
lint of a dead end with its hint (JM203)."""


@pytest.fixture
def support(tmp_path: Path) -> Path:
    path = tmp_path / "support.yaml"
    path.write_text(SUPPORT, encoding="utf-8")
    return path


def test_russian_table_shows_message_hint_and_locale_numbers(support: Path) -> None:
    out = run_inproc("check", str(support), "--lang", "ru")
    assert out.code == 1, out.err
    lines = out.out.splitlines()
    # the prefix editors parse stays English; the median (3 + 4) / 2 = 3.5 minutes, ru decimal comma
    assert any(
        ln.endswith(
            "JM141 error: время первого ответа (median) в 'chat': 3,5 мин; это выше максимума 3 мин"
        )
        for ln in lines
    ), out.out
    assert "3.5m" not in out.out and "3,5 мин" in out.out
    dead = next(ln for ln in lines if "JM203" in ln)
    assert dead.endswith("; укажите 'exits' (сколько клиентов ушло здесь) или добавьте 'next'")
    conversion = next(ln for ln in lines if "JM101" in ln)
    assert "конверсия: " in conversion and "это ниже минимума 90,0\xa0%" in conversion


def test_english_table_is_the_message_as_before(support: Path) -> None:
    out = run_inproc("check", str(support)).out
    assert "first_response_time" not in out.split("JM141 error: ")[1].splitlines()[0]
    assert "median first response time at 'chat' is 3.5m; it is above the maximum 3m" in out
    assert "; declare 'exits' (the number who left here) or add 'next'" in out


def test_traditional_chinese_markdown_shows_message_and_hint(support: Path) -> None:
    md = run_inproc("check", str(support), "--format", "markdown", "--lang", "zh-Hant")
    assert md.code == 1, md.err
    assert "'chat' 的首次回應時間（median）為 3.5 分鐘；高於最大值 3 分鐘" in md.out
    assert "宣告 'exits'（在此離開的人數）或加上 'next'" in md.out
    assert "declare 'exits'" not in md.out and "first response time" not in md.out


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_machine_formats_are_the_same_bytes_in_every_language(support: Path, fmt: str) -> None:
    english = run_inproc("check", str(support), "--format", fmt)
    assert english.code == 1 and english.out
    assert "3.5m" in english.out  # the English sentence, figures as before
    for lang in LANGUAGES[1:]:
        other = run_inproc("check", str(support), "--format", fmt, "--lang", lang)
        assert other.out == english.out, (fmt, lang)


def _failing_findings() -> list[tuple[str, Finding]]:
    """The finding of every check's failing docs example, with its code."""
    out: list[tuple[str, Finding]] = []
    for code, check in REGISTRY.items():
        ex = check.examples()
        result = run_text(ex["fails"], baseline=ex.get("baseline"), history=ex.get("history"))
        out += [(code, f) for f in result.findings if f.code == code]
    return out


def test_every_check_message_and_hint_is_a_translatable_text() -> None:
    """No check is left English-only: each failing example's message (and its hint, when it
    has one) carries a Text whose English form is the machine formats' string, and whose
    Russian form differs (a translation exists)."""
    ru = translator("ru")
    seen, hinted = set(), set()
    for code, f in _failing_findings():
        assert f.text is not None, code
        assert f.text.format() == f.message, code
        assert f.message_in(ru) != f.message, code
        if f.hint is not None:
            assert f.hint_text is not None, code
            assert f.hint_text.format() == f.hint, code
            assert f.hint_in(ru) != f.hint, code
            hinted.add(code)
        seen.add(code)
    assert seen == set(REGISTRY), sorted(set(REGISTRY) - seen)
    assert {"JM141", "JM142", "JM305", "JM310", "JM203", "JM211", "JM320"} <= seen
    assert {"JM203", "JM209", "JM305", "JM310", "JM211"} <= hinted


def test_the_reason_a_figure_is_undefined_is_translated() -> None:
    """``Figure.why``: a conversion limit on a map without a goal says why, in Russian."""
    result = run_text(
        "journeymap: 1\nid: m\ntitle: M\nchecks:\n  conversion: {min: 0.5}\nstages:\n"
        "  - id: s\n    name: S\n    touchpoints:\n      - {id: a, name: A, entries: 10}\n"
    )
    (f,) = [f for f in result.findings if f.code == "JM101"]
    assert (
        f.message == "conversion cannot be computed (the map has no goal), so its limit cannot pass"
    )
    assert f.message_in(translator("ru")) == (
        "конверсия нельзя вычислить (в карте нет цели), поэтому ограничение не может быть пройдено"
    )
    assert f.hint_in(translator("zh-Hans")) == "为地图补上此指标所需的数字，或移除此限制"


@pytest.mark.parametrize("lang", ["ru", "lv"])
def test_figures_in_sentences_follow_cldr(lang: str) -> None:
    """Cross-check with Babel's CLDR formatting (journeymap.figures localises English text)."""
    t = translator(lang)
    loc = lang
    assert Shown(0.125, "rate").format(t) == format_percent(
        0.125, locale=loc, decimal_quantization=False
    )
    assert Shown(4.25, "ces").format(t) == format_decimal(4.25, "0.00", locale=loc)
    assert Duration(225).format(t) == f"{format_decimal(3.75, locale=loc)} " + t.pgettext(
        "unit", "min"
    )


def test_english_phrases_are_the_strings_of_before() -> None:
    assert [format_duration(s) for s in (45, 225, 9000, 129600)] == ["45s", "3.75m", "2.5h", "1.5d"]
    assert Duration(5400, "business").format() == "1.5h (business hours)"
    assert Shown(0.4, "rate", digits=0).format() == f"{0.4:.0%}"
    assert Shown(6163.2, "money", "EUR").format() == "6,163 EUR"
    assert Listed(
        (text("'{id}' {before} -> {after}", id="a", before="1", after="2"), "x")
    ).format() == ("'a' 1 -> 2, x")
    assert Period("2026-Q3").format() == "2026-Q3"
    assert Period("2026-Q3").format(translator("zh-Hant")) == "2026年第3季"


def test_a_regression_is_written_with_the_figures_of_its_language() -> None:
    """JM302 against the golden baseline: 2,050 journeys with 20.5% conversion, then 2,000 with
    15.0% (tests/checks/golden): every figure of the Russian sentence in Russian separators and
    units (the English message is pinned by the golden files)."""
    golden = Path(__file__).parent / "golden"
    args = ("check", str(golden / "shop.yaml"), "--baseline", str(golden / "shop-q2.yaml"))
    ru = run_inproc(*args, "--lang", "ru").out
    nb = "\xa0"
    assert (
        f"конверсия ухудшились: 20,5{nb}% -> 15,0{nb}% (-5,5 п. п., порог 1 п. п., "
        "скорректированное p < 0,0001); уверенно: хуже как минимум на 3,5 п. п."
    ) in ru
    en = run_inproc(*args).out
    assert "conversion got worse: 20.5% -> 15.0% (-5.5pp, threshold 1pp, adjusted p < 0.0001)" in en
