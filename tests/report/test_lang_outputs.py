"""The human outputs of analyze, check, experiment, trend and cohorts in ru, lv, zh-Hant and
zh-Hans: translated headings, plural forms by the CLDR rules, no English sentence left where the
catalogue has a translation, and machine formats (JSON, SARIF, JUnit, GitHub, CSV) byte-identical
whatever the language.

The plural forms are checked twice: against hand-worked forms ("1 путь", "2 пути", "5 путей";
Latvian zero/one/other) and against Babel's CLDR plural rule of the locale, an independent
source of the same rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from journeymap.analysis import analyze
from journeymap.checks.runner import MapResult
from journeymap.findings import Finding, Severity, text
from journeymap.graph import build_graph
from journeymap.i18n import LOCALE_DIR, translator
from journeymap.model import JourneyMap
from journeymap.report.analysis import render_analysis, summary_lines
from journeymap.report.checks import Format, render
from journeymap.report.cohorts import render_cohorts
from journeymap.report.trend import render_trend
from journeymap.source import Position
from tests.checks.inproc import run_inproc
from tests.support import MAPS

LANGS = ("ru", "lv", "zh-Hant", "zh-Hans")
MAP = str(MAPS / "first-purchase.yaml")
TREND = sorted(
    str(f) for f in (Path(__file__).parents[1] / "analysis" / "data" / "trend").glob("*.yaml")
)


def _map(entries: int) -> JourneyMap:
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "m",
            "title": "M",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "a", "name": "A", "entries": entries, "next": {"b": 1}},
                        {"id": "b", "name": "B", "goal": True},
                    ],
                }
            ],
        }
    )


def _started(entries: int, lang: str) -> str:
    a = analyze(build_graph(_map(entries)), samples=0)
    return summary_lines(a, lang=lang)[0].split(";")[0]


# ----------------------------------------------------------------------------- plural forms

RU = {1: "1 путь клиента начат", 2: "2 пути клиентов начаты", 5: "5 путей клиентов начато"}
RU |= {11: "11 путей клиентов начато", 21: "21 путь клиента начат", 22: "22 пути клиентов начаты"}
LV = {10: "10 klientu ceļu sākts", 1: "1 klientu ceļš sākts", 2: "2 klientu ceļi sākti"}
LV |= {11: "11 klientu ceļu sākts", 21: "21 klientu ceļš sākts", 19: "19 klientu ceļu sākts"}


@pytest.mark.parametrize(("n", "expected"), sorted(RU.items()))
def test_russian_plural_forms_by_hand(n: int, expected: str) -> None:
    assert _started(n, "ru") == expected


@pytest.mark.parametrize(("n", "expected"), sorted(LV.items()))
def test_latvian_zero_one_other_by_hand(n: int, expected: str) -> None:
    assert _started(n, "lv") == expected


@pytest.mark.parametrize("lang", ["ru", "lv"])
def test_plural_forms_follow_cldr(lang: str) -> None:
    """Every plural msgid of the block picks the form Babel's CLDR rule names, for 0..112."""
    forms = {"ru": ("one", "few", "many"), "lv": ("zero", "one", "other")}[lang]
    rule = Locale.parse(lang).plural_form
    t = translator(lang)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "journeymap.po").open("rb") as f:
        plurals = [m for m in read_po(f, locale=lang) if m.pluralizable]
    assert len(plurals) >= 20
    for m in plurals:
        singular, plural = m.id[0], m.id[1]
        strings = tuple(m.string or ()) if not isinstance(m.string, str) else (m.string,)
        for n in range(113):
            assert t.ngettext(singular, plural, n) == strings[forms.index(rule(n))], (m.id, n)


def test_chinese_has_one_form_and_english_two() -> None:
    assert _started(1, "zh-Hant") == "共開始 1 段顧客旅程"
    assert _started(5, "zh-Hans") == "共开始 5 段客户旅程"
    assert (_started(1, "en"), _started(5, "en")) == ("1 journey started", "5 journeys started")


# ----------------------------------------------------------------------------- analyze


HEADINGS = {
    "ru": (
        "## Анализ утечек:",
        "### Точки соприкосновения",
        "### Этапы",
        "| точка соприкосновения |",
    ),
    "lv": ("## Noplūžu analīze:", "### Saskarsmes punkti", "### Posmi", "| saskarsmes punkts |"),
    "zh-Hant": ("## 流失分析：", "### 接觸點", "### 階段", "| 接觸點 |"),
    "zh-Hans": ("## 流失分析：", "### 触点", "### 阶段", "| 触点 |"),
}


def _english_left(out: str, lang: str) -> list[str]:
    """The English msgids of the catalogue whose translation differs, found in ``out``: each
    literal run between placeholders of 14 characters or more is looked for."""
    with (LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / "journeymap.po").open("rb") as f:
        catalogue = read_po(f, locale=lang.replace("-", "_"))
    left = []
    for m in catalogue:
        if not m.id:
            continue
        ids = (m.id,) if isinstance(m.id, str) else tuple(m.id)
        strings = (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
        for msgid in ids:
            if msgid in strings:
                continue
            for run in re.split(r"\{\w+\}", msgid):
                if len(run.strip()) >= 14 and run.strip() in out:
                    left.append(run.strip())
    return left


@pytest.mark.parametrize("lang", LANGS)
def test_analyze_markdown_and_table_in_every_language(lang: str) -> None:
    md = run_inproc("analyze", MAP, "--samples", "50", "--format", "markdown", "--lang", lang)
    table = run_inproc("analyze", MAP, "--samples", "50", "--lang", lang, "--by", "channel")
    assert md.code == 0 and table.code == 0, md.err + table.err
    for heading in HEADINGS[lang]:
        assert heading in md.out
    assert _english_left(md.out, lang) == []
    assert _english_left(table.out, lang) == []
    assert "Leak analysis" not in md.out and "Where customers leave" not in table.out


def test_analyze_russian_sentences_read_as_written() -> None:
    out = run_inproc("analyze", MAP, "--samples", "50", "--lang", "ru").out
    assert "87\u00a0200 путей клиентов начато за 2026-Q3; 4\u00a0150 с конверсией" in out
    assert "Где уходят клиенты, по потерянной ценности:" in out
    assert "  1. Product page: потеряно 6\u00a0859 клиентов за 2026-Q3" in out
    assert "Счёт в единицах «переходы» (визиты), а не уникальные клиенты." in out


def test_the_map_language_is_the_default_and_lang_overrides_it(tmp_path: Path) -> None:
    ru = tmp_path / "ru.yaml"
    ru.write_text(UNREACHABLE.replace("\ntitle:", "\nlanguage: ru\ntitle:", 1), encoding="utf-8")
    declared = run_inproc("analyze", str(ru), "--samples", "0", "--format", "markdown")
    assert "### Точки соприкосновения" in declared.out
    english = run_inproc(
        "analyze", str(ru), "--samples", "0", "--format", "markdown", "--lang", "en"
    )
    assert "### Touchpoints" in english.out
    assert "до 'lost' нельзя дойти" in run_inproc("check", str(ru)).out


def test_an_unknown_language_is_a_usage_error() -> None:
    r = run_inproc("analyze", MAP, "--lang", "de")
    assert r.code == 2
    assert "unknown language 'de' for --lang; languages: en, ru, lv, zh-Hant, zh-Hans" in r.err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_analyze_machine_formats_do_not_change_with_the_language(fmt: str) -> None:
    base = run_inproc("analyze", MAP, "--samples", "50", "--format", fmt).out
    assert base
    assert (
        run_inproc("analyze", MAP, "--samples", "50", "--format", fmt, "--lang", "ru").out == base
    )


def test_wide_characters_take_two_columns_in_the_terminal_table() -> None:
    from journeymap.report.formats import display_width

    out = run_inproc("analyze", MAP, "--samples", "0", "--lang", "zh-Hant").out
    lines = out.splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("接觸點 ") and "階段" in line)
    header, rule = lines[k], lines[k + 1]
    dashes = rule.split("  ")
    # each header cell ends where the dashes of its column end (a CJK character is two columns)
    assert display_width(header[: header.index("階段")]) == len(dashes[0]) + 2
    assert display_width("接觸點") == 6 and len(dashes[0]) >= 6


# ----------------------------------------------------------------------------- check


def _result() -> MapResult:
    r = MapResult("m.yaml", "m", "M", "2026-Q3")
    where = Position("m.yaml", 9, 9)
    r.findings += [
        Finding("JM201", "lint.unreachable", Severity.WARNING, "x", where),
        Finding("JM202", "lint.goal_unreachable", Severity.ERROR, "y", where),
        Finding("JM203", "lint.dead_end", Severity.ERROR, "z", where),
    ]
    return r


@pytest.mark.parametrize(
    ("lang", "closing"),
    [
        ("en", "journeymap check failed: 1 map, 2 errors, 1 warning"),
        ("ru", "journeymap check: не пройдено: 1 карта, 2 ошибки, 1 предупреждение"),
        ("lv", "journeymap check: neizdevās: 1 karte, 2 kļūdas, 1 brīdinājums"),
        ("zh-Hant", "journeymap check 未通過：1 張地圖、2 個錯誤、1 個警告"),
    ],
)
def test_check_closing_count_with_plural_forms(lang: str, closing: str) -> None:
    out = render([_result()], Format.TEXT, lang=lang)
    assert out.splitlines()[-1] == closing
    assert render([_result()], Format.GITHUB, lang=lang).splitlines()[-1] == (
        "journeymap check: 1 map, 2 errors, 1 warning"
    )


def test_russian_counts_of_five_and_eleven() -> None:
    r = MapResult("m.yaml", "m", "M", None)
    r.findings += [
        Finding("JM201", "lint.unreachable", Severity.WARNING, f"m{k}", Position("m.yaml", k, 1))
        for k in range(1, 12)
    ]
    assert (
        render([r] * 5, Format.TEXT, lang="ru")
        .splitlines()[-1]
        .endswith("5 карт, 0 ошибок, 55 предупреждений")
    )
    assert (
        render([r], Format.TEXT, lang="ru")
        .splitlines()[-1]
        .endswith("1 карта, 0 ошибок, 11 предупреждений")
    )


UNREACHABLE = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: ad, name: Ad, entries: 100, next: {paid: 40}, exits: 60}
      - {id: lost, name: Lost, next: {paid: 1}}
      - {id: paid, name: Paid, goal: true}
"""


def test_check_findings_are_translated_in_markdown_and_text_only(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(UNREACHABLE, encoding="utf-8")
    md = run_inproc("check", str(path), "--format", "markdown", "--lang", "ru")
    assert md.code == 1, md.err
    assert "до 'lost' нельзя дойти: у неё нет входов" in md.out
    assert "| Важность | Код | Где | Находка |" in md.out
    assert _english_left(md.out, "ru") == []
    txt = run_inproc("check", str(path), "--lang", "ru").out
    # the prefix editors parse stays as it is; the message is Russian
    assert re.search(r"shop\.yaml:\d+:\d+: JM201 warning: до 'lost' нельзя дойти", txt)
    for fmt in ("json", "sarif", "junit", "github"):
        en = run_inproc("check", str(path), "--format", fmt)
        ru = run_inproc("check", str(path), "--format", fmt, "--lang", "ru")
        assert ru.out == en.out and en.out, fmt
    assert "cannot be reached" in run_inproc("check", str(path), "--format", "sarif").out


def test_a_finding_text_is_the_english_message_and_translates_nested_phrases() -> None:
    msg = text(
        "{label} is {shown}; it is below the minimum {limit}{note}",
        label=text("drop-off at '{id}'", id="cart"),
        shown="12.0%",
        limit="15.0%",
        note="",
    )
    assert msg.format() == "drop-off at 'cart' is 12.0%; it is below the minimum 15.0%"
    assert msg.format(translator("ru")) == "отказы в 'cart': 12.0%; это ниже минимума 15.0%"
    finding = Finding("JM111", "limit.drop_off", Severity.ERROR, msg.format(), text=msg)
    assert finding.message_in(translator("en")) == finding.message
    assert finding == Finding("JM111", "limit.drop_off", Severity.ERROR, msg.format())


def test_limit_lint_and_regression_findings_carry_their_text() -> None:
    """The failing docs example of every check gives findings whose English message is their
    Text's English form; limits, lint and regression checks all carry one except the business
    figures and service times (English only, docs/architecture.md) and JM210 (stale history)."""
    from journeymap.checks.core import REGISTRY
    from tests.checks.helpers import run_text

    carried, english_only = set(), set()
    for code, check in REGISTRY.items():
        ex = check.examples()
        result = run_text(ex["fails"], baseline=ex.get("baseline"), history=ex.get("history"))
        for f in result.findings:
            if f.code != code:
                continue
            if f.text is None:
                english_only.add(code)
            else:
                assert f.text.format() == f.message
                assert f.message_in(translator("ru")) != f.message, code
                carried.add(code)
    assert {"JM101", "JM111", "JM201", "JM202", "JM203", "JM205", "JM301"} <= carried
    assert len(carried) >= 20, sorted(english_only)


# ----------------------------------------------------------------------------- trend, cohorts


@pytest.mark.parametrize(
    ("lang", "header"), [("ru", "| период | пути |"), ("zh-Hans", "| 期间 | 旅程数 |")]
)
def test_trend_markdown_in_the_language(lang: str, header: str) -> None:
    md = run_inproc("trend", MAP, *TREND, "--format", "markdown", "--lang", lang)
    assert md.code == 0, md.err
    assert md.out.startswith(header)
    assert "**Signals**" not in md.out
    assert (
        run_inproc("trend", MAP, *TREND, "--format", "json", "--lang", lang).out
        == run_inproc("trend", MAP, *TREND, "--format", "json").out
    )


def test_cohort_notes_in_russian_with_day_plurals() -> None:
    from journeymap.analysis.cohorts import Cohorts, TimeToSecond

    c = Cohorts(
        by="month",
        cohorts=(),
        customers=5,
        repeat_customers=2,
        repeat_rate=0.4,
        time_to_second=TimeToSecond(customers=2, median_days=1.0, p90_days=5.0),
        last_whole_period=None,
    )
    out = render_cohorts(c, "markdown", lang="ru")
    assert "- повторные клиенты: 2 из 5 (40,0\xa0%)" in out
    assert "медиана 1 день, p90 5 дней (2 клиента)" in out
    assert render_cohorts(c, "json", lang="ru") == render_cohorts(c, "json")


def test_trend_render_keeps_english_by_default() -> None:
    from journeymap.analysis.trend import Trend

    t = Trend(goals=("paid",), confidence=0.95, alpha=0.05, periods=(), charts=(), signals=())
    assert render_trend(t, "markdown").startswith(
        "| period | journeys | conversion | 95% interval |"
    )
    assert render_trend(t, "markdown", lang="lv").startswith("| periods | ceļi | konversija |")


def test_render_analysis_english_is_the_default() -> None:
    a = analyze(build_graph(_map(3)), samples=0)
    assert render_analysis(a, "markdown") == render_analysis(a, "markdown", lang="en")
