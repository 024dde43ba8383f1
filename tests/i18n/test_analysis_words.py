"""The sentences of the analysis layer in the run's language: ``analyze`` warnings (JM5xx),
the comparison note, the CX figures' labels and unit words.

The analysis writes each sentence once as a msgid with its fields
(:class:`journeymap.findings.Text`); the table and Markdown outputs write it in the language of
the run, with its numbers in that language (a no-break space groups digits in Russian), while
``--format json`` keeps the English bytes. The figures below are worked by hand from
:data:`WARNINGS_MAP`:

- ``a``: 12,345 visits (its entries); departures 3,000 exits + 9,000 to ``b`` + 1,234 in
  progress = 13,234, so 889 more leave than arrive (889 / 13,234 = 6.7%);
- ``b``: 9,000 visits, 5 + 8,000 + 20 = 8,025 departures: 975 unknown (975 / 9,000 = 10.8%);
- ``c``: 20 visits, 5 departures: 15 unknown (75.0%), 20 completed departures in all (< 30);
- unknown outcomes 975 + 15 = 990; the goal ``paid`` has 2,500 entries;
- business: 12,000 - 2,000 + 1,500 = 11,500, not the 11,000 at the end; 20,000 ordering
  customers are more than 12,000 + 1,500 = 13,500.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from journeymap.analysis import analyze
from journeymap.graph import build_graph
from journeymap.i18n import translator
from journeymap.io.loader import load_map
from journeymap.report.analysis import render_analysis
from tests.i18n.outputs import english_of
from tests.support import MAPS, run_cli

WARNINGS_MAP = """\
journeymap: 1
id: warn
title: Проверка
period: 2026-Q3
business:
  customers_start: 12000
  customers_end: 11000
  new_customers: 1500
  customers_lost: 2000
  ordering_customers: 20000
stages:
  - id: s
    name: Этап
    touchpoints:
      - id: a
        name: A
        entries: 12345
        exits: 3000
        in_progress: 1234
        next: {b: 9000}
      - id: b
        name: B
        exits: 5
        next: {paid: 8000, c: 20}
      - id: c
        name: C
        exits: 3
        next: {paid: 2}
      - id: paid
        name: Paid
        goal: true
        entries: 2500
"""

ENGLISH = [
    "JM514 no value per conversion for paid: lost value and what-if value are null",
    "JM503 flow at 'a' does not add up: 12,345 visits vs 13,234 departures (6.7%); more leave "
    "than arrive: the difference counts as implied entries",
    "JM503 flow at 'b' does not add up: 9,000 visits vs 8,025 departures (10.8%); more arrive "
    "than leave: the difference counts as unknown departures",
    "JM503 flow at 'c' does not add up: 20 visits vs 5 departures (75.0%); more arrive than "
    "leave: the difference counts as unknown departures",
    "JM508 'c' has only 20 completed departures: its drop-off interval is wide",
    "JM516 1,234 journeys are still in progress: they are censored (left out of the chain's "
    "probabilities, never counted as leaks)",
    "JM511 990 departures have an unknown outcome (declared unknown or unobserved outflow): "
    "they are their own outcome, neither lost nor converted (summary.unknown_probability)",
    "JM513 goal 'paid' has 2,500 entries: journeys that start at a goal are not conversions of "
    "the chain",
    "JM518 the customer counts do not add up: 12,000 at the start - 2,000 lost + 1,500 new = "
    "11,500, but 11,000 at the end, so retention and churn do not add up to 100%",
    "JM519 20,000 ordering customers are more than the 13,500 customers of the period (at the "
    "start plus new)",
]
"""The English messages, as journeymap wrote them before localisation (the JSON's bytes)."""

NB = "\xa0"
RUSSIAN = [
    "JM514 для paid не задана ценность конверсии: потерянная ценность и ценность сценария "
    "«что, если» не определены",
    f"JM503 поток в 'a' не сходится: посещений 12{NB}345, уходов 13{NB}234 (6,7{NB}%); уходит "
    "больше, чем приходит: разница считается подразумеваемыми входами",
    f"JM503 поток в 'b' не сходится: посещений 9{NB}000, уходов 8{NB}025 (10,8{NB}%); приходит "
    "больше, чем уходит: разница считается уходами с неизвестным исходом",
    f"JM503 поток в 'c' не сходится: посещений 20, уходов 5 (75,0{NB}%); приходит больше, чем "
    "уходит: разница считается уходами с неизвестным исходом",
    "JM508 в 'c' всего 20 завершённых уходов: интервал отказов широк",
    f"JM516 1{NB}234 пути клиентов ещё не завершены: они цензурированы (не входят в "
    "вероятности цепи и не считаются потерями)",
    "JM511 990 уходов с неизвестным исходом (объявлены неизвестными или отток не наблюдался): "
    "это отдельный исход, ни потеря, ни конверсия (summary.unknown_probability)",
    f"JM513 у цели 'paid' 2{NB}500 входов: пути клиентов, которые начинаются в цели, не "
    "считаются конверсиями цепи",
    f"JM518 число клиентов не сходится: 12{NB}000 на начало - 2{NB}000 ушедших + 1{NB}500 "
    f"новых = 11{NB}500, но на конец 11{NB}000, поэтому удержание и отток в сумме не дают 100 %",
    f"JM519 клиентов с заказами (20{NB}000) больше, чем клиентов за период (13{NB}500: на "
    "начало плюс новые)",
]


@pytest.fixture
def warn_map(tmp_path: Path) -> Path:
    path = tmp_path / "warn.yaml"
    path.write_text(WARNINGS_MAP, encoding="utf-8")
    return path


def _warning_lines(table: str) -> list[str]:
    """The indented lines after the last heading line of the table output (the warnings)."""
    lines = table.rstrip("\n").splitlines()
    start = max(i for i, ln in enumerate(lines) if ln and not ln.startswith(" "))
    return [ln.strip() for ln in lines[start + 1 :]]


def test_the_english_warnings_keep_their_words(warn_map: Path) -> None:
    a = analyze(build_graph(load_map(warn_map).map), samples=0)
    assert [f"{w.code} {w.message}" for w in a.warnings] == ENGLISH
    assert _warning_lines(render_analysis(a, "table")) == ENGLISH


def test_the_warnings_are_written_in_russian_with_russian_numbers(warn_map: Path) -> None:
    r = run_cli("analyze", str(warn_map), "--samples", "0", "--lang", "ru")
    assert r.code == 0, r.err
    assert "Предупреждения:" in r.out
    assert _warning_lines(r.out) == RUSSIAN


def test_the_warnings_in_traditional_chinese_markdown(warn_map: Path) -> None:
    r = run_cli(
        "analyze", str(warn_map), "--samples", "0", "--lang", "zh-Hant", "--format", "markdown"
    )
    assert r.code == 0, r.err
    assert "### 警告" in r.out
    assert (
        "- **JM516** 1,234 段顧客旅程仍在進行中：視為設限資料（不納入鏈的機率，也不計為流失）"
        in r.out
    )
    assert "- **JM513** 目標 'paid' 有 2,500 次進入：從目標開始的顧客旅程不算鏈的轉換" in r.out


def test_json_is_the_same_bytes_in_every_language(warn_map: Path) -> None:
    plain = run_cli("analyze", str(warn_map), "--samples", "0", "--format", "json")
    russian = run_cli(
        "analyze", str(warn_map), "--samples", "0", "--format", "json", "--lang", "ru"
    )
    assert plain.code == russian.code == 0
    assert plain.out == russian.out
    assert "1,234 journeys are still in progress" in plain.out


@pytest.mark.parametrize(
    ("n", "ru", "lv"),
    [
        (1, "в 'c' всего 1 завершённый уход", "pie 'c' ir tikai 1 pabeigta aiziešana"),
        (2, "в 'c' всего 2 завершённых ухода", "pie 'c' ir tikai 2 pabeigtas aiziešanas"),
        (5, "в 'c' всего 5 завершённых уходов", "pie 'c' ir tikai 5 pabeigtas aiziešanas"),
    ],
)
def test_counted_words_take_the_plural_form_of_the_language(
    tmp_path: Path, n: int, ru: str, lv: str
) -> None:
    """JM508 with 1, 2 and 5 completed departures (one, few, many in Russian)."""
    path = tmp_path / "small.yaml"
    path.write_text(
        "journeymap: 1\nid: small\ntitle: Small\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n"
        f"      - {{id: a, name: A, entries: 100, next: {{c: {n}, paid: {100 - n}}}}}\n"
        f"      - {{id: c, name: C, exits: {n}}}\n"
        "      - {id: paid, name: Paid, goal: true, value: 10}\n",
        encoding="utf-8",
    )
    a = analyze(build_graph(load_map(path).map), samples=0)
    (w,) = [w for w in a.warnings if w.code == "JM508"]
    assert w.message_in(translator("ru")).startswith(ru + ":")
    assert w.message_in(translator("lv")).startswith(lv + ":")
    english = "departure:" if n == 1 else "departures:"
    assert w.message == f"'c' has only {n} completed {english} its drop-off interval is wide"


CASES = [
    ("ru", MAPS / "ru" / "first-purchase.ru.yaml"),
    ("lv", MAPS / "lv" / "first-purchase.lv.yaml"),
    ("zh-Hans", MAPS / "zh" / "first-purchase.zh.yaml"),
    ("zh-Hant", MAPS / "zh-Hant" / "first-purchase.zh-Hant.yaml"),
]


@pytest.mark.parametrize(("lang", "path"), CASES)
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_no_english_fixed_string_in_the_analysis_outputs(
    lang: str, path: Path, fmt: str, warn_map: Path
) -> None:
    """The analyze table and Markdown of the example map (and of the map with every warning)
    in its language contain no message of the catalogue whose translation differs from it."""
    exact, fragments = english_of(lang)
    shown: list[str] = []
    ids: set[str] = set()  # the map's own ids (``satisfaction-survey``) are the user's words
    for m in (path, warn_map):
        jm = load_map(m).map
        ids |= {tp.id for _, tp in jm.iter_touchpoints()}
        ids |= {st.id for st in jm.stages}
        a = analyze(build_graph(jm), samples=0)
        shown += [ln.strip(" -*#|") for ln in render_analysis(a, fmt, lang=lang).splitlines()]
    assert len(shown) > 50
    assert sorted({t for t in shown if t in exact}) == []
    by_length = sorted(ids, key=len, reverse=True)
    words = [functools.reduce(lambda s, i: s.replace(i, " "), by_length, t) for t in shown]
    assert sorted({f for f in fragments for t in words if f in t}) == []


def test_cx_labels_units_and_reasons_in_the_language_of_the_run(warn_map: Path) -> None:
    """Retention (11,000 - 1,500) / 12,000 = 79.17% under its Russian label; the unit of a
    service time in business hours; the reason of a figure the overlay's period lacks."""
    r = run_cli("analyze", str(warn_map), "--samples", "0", "--lang", "ru")
    assert f"  Удержание 79,17{NB}% (95{NB}% интервал " in r.out
    assert f"из 12{NB}000 клиентов на начало: (E - N) / S, где S = 12{NB}000," in r.out
    zh = run_cli("analyze", str(warn_map), "--samples", "0", "--lang", "zh-Hant")
    assert "  留存率 79.17% （95% 區間 " in zh.out
    support = run_cli("analyze", str(MAPS / "support.yaml"), "--samples", "0", "--lang", "ru")
    assert (
        "email-ticket           первый ответ      8,7      5,5  20,6  20  часы, рабочие часы"
        in (support.out.splitlines())
    )
    q2 = MAPS / "overlays" / "first-purchase.2026-Q2.yaml"
    args = ["analyze", str(MAPS / "first-purchase.yaml"), "--data", str(q2), "--samples", "0"]
    ru = run_cli(*args, "--lang", "ru")
    assert (
        "  support-chat первый ответ: не измерено за 2026-Q2: в наложении этого показателя нет, "
        "а значение из самой карты не используется"
    ) in ru.out.splitlines()
    plain = run_cli(*args, "--format", "json")
    assert run_cli(*args, "--format", "json", "--lang", "ru").out == plain.out
    assert "not measured in 2026-Q2: the overlay does not carry it" in plain.out


def test_the_comparison_note_figures_and_statuses_in_russian() -> None:
    """The side-by-side comparison of the map with its to-be scenario (which removes
    ``payment``): 87,200 journeys on both sides, the note and the words of the table in
    Russian; its JSON keeps the English note."""
    args = ["analyze", str(MAPS / "first-purchase.yaml"), "--compare-scenario", "to-be"]
    ru = run_cli(*args, "--samples", "0", "--lang", "ru")
    assert ru.code == 0, ru.err
    lines = [[c for c in ln.split(" ") if c] for ln in ru.out.splitlines()]  # not at U+00A0
    assert ["входы", f"87{NB}200", f"87{NB}200", "+0"] in lines
    assert any(ln[:2] == ["payment", "УДАЛЕНА"] for ln in lines)
    assert ru.out.rstrip().endswith(
        "простое сравнение бок о бок: значимость различий не проверяется (это делает сравнение "
        "с базовым периодом в journeymap check)"
    )
    md = run_cli(*args, "--samples", "0", "--lang", "zh-Hans", "--format", "markdown")
    assert "_单纯的并列比较：差异未经显著性检验（journeymap check 的基准比较会做检验）_" in md.out
    plain = run_cli(*args, "--samples", "0", "--format", "json")
    assert run_cli(*args, "--samples", "0", "--format", "json", "--lang", "ru").out == plain.out
    assert '"note": "a plain side-by-side comparison: differences are not tested' in plain.out


def test_every_summary_figure_of_a_comparison_has_its_words() -> None:
    from journeymap.analysis.compare import SUMMARY_FIGURES
    from journeymap.report.analysis import _SUMMARY_WORDS

    assert list(_SUMMARY_WORDS) == list(SUMMARY_FIGURES)


LOAD_MAP = """\
journeymap: 1
id: load
title: Загрузка
stages:
  - id: s
    name: Этап
    touchpoints:
      - id: a
        name: A
        entries: 100
        value: 5
        scores:
          nps: {scale: [1, 5], responses: {"5": 3}}
        next: {paid: 40}
      - id: paid
        name: Paid
        goal: true
        value: 10
"""


def test_load_warnings_in_the_check_output_of_the_language(tmp_path: Path) -> None:
    """The loader's warnings (JM002 a value on a touchpoint that is not a goal, JM001 NPS off
    the 0-10 scale) are findings of ``check``: written in its language, English in JSON."""
    path = tmp_path / "load.yaml"
    path.write_text(LOAD_MAP, encoding="utf-8")
    ru = run_cli("check", str(path), "--lang", "ru")
    assert ru.code == 0, ru.err
    assert (
        f"{path}:11:16: JM002 warning: у 'a' есть 'value', но это не цель; ценность не учитывается"
        in ru.out
    )
    assert (
        f"{path}:13:24: JM001 warning: NPS для 'a' задан на шкале [1, 5]; NPS определён только на "
        "шкале 0-10, поэтому он опущен"
    ) in ru.out
    zh = run_cli("check", str(path), "--lang", "zh-Hans")
    assert "JM002 warning: 'a' 有 'value' 但不是目标；此价值不予采用" in zh.out
    en = run_cli("check", str(path))
    assert "JM002 warning: 'a' has a 'value' but is not a goal; the value is ignored;" in en.out
    plain = run_cli("check", str(path), "--format", "json")
    assert run_cli("check", str(path), "--format", "json", "--lang", "ru").out == plain.out
    assert "NPS of 'a' is declared on [1, 5]; NPS is defined on 0-10 only" in plain.out


def test_the_baseline_comparison_notes_and_changes_in_russian() -> None:
    """``check --baseline``: the same period on both sides (peeking), a renamed and a removed
    touchpoint; each sentence in English (the JSON, the checks) and in Russian."""
    from journeymap.checks.runner import check_map

    def shop(touchpoints: str) -> bytes:
        return (
            "journeymap: 1\nid: shop\ntitle: Shop\nperiod: 2026-Q3\nstages:\n  - id: buy\n"
            f"    name: Buy\n    touchpoints:\n{touchpoints}"
            "      - {id: paid, name: Paid, goal: true}\n"
        ).encode()

    base = shop(
        "      - {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300}\n"
        "      - {id: faq, name: FAQ, entries: 100, next: {paid: 50}, exits: 50}\n"
    )
    now = shop(
        "      - {id: basket, name: Basket, formerly: [cart], entries: 1000, next: {paid: 700},"
        " exits: 300}\n"
    )
    result = check_map(load_map("now.yaml", text=now), baseline=load_map("b.yaml", text=base))
    c = result.comparison
    assert c is not None
    ru = translator("ru")
    assert (
        c.overlap == "the baseline and the current period are the same (2026-07-01 to 2026-09-30)"
    )
    assert c.overlap_in(ru) == "базовый и текущий периоды совпадают (с 2026-07-01 по 2026-09-30)"
    details = {ch.detail: ch.detail_in(ru) for ch in c.changes}
    assert details == {
        "'cart' is now 'basket'": "'cart' теперь называется 'basket'",
        "touchpoint 'faq' is gone": "точки соприкосновения 'faq' больше нет",
    }
    assert c.notes_in(ru) == [
        "отказы сравниваются на уровне визитов: клиент, который возвращается по кругу, "
        "учитывается при каждом визите, что может завышать значимость; наложения из журналов "
        "событий содержат число клиентов"
    ]
    assert (
        c.notes_in(translator("en"))
        == list(c.notes)
        == [
            "drop-off is compared at visit grain: a customer who loops back is counted at each "
            "visit, which can overstate significance; overlays made from event logs carry customer "
            "counts"
        ]
    )


def test_the_example_of_docs_language_is_what_analyze_prints() -> None:
    """The third console example of docs/language.md: its command prints its last line."""
    import re
    import shlex

    page = (MAPS.parent / "docs" / "language.md").read_text(encoding="utf-8")
    command, *_, last = re.findall(r"```console\n(.*?)```", page, re.S)[2].strip().splitlines()
    args = [str(MAPS.parent / a) if a.startswith("maps/") else a for a in shlex.split(command)[2:]]
    r = run_cli(*args)
    assert r.code == 0, r.err
    assert last in r.out.splitlines()


def test_formulas_and_their_inputs_in_the_words_of_the_language() -> None:
    """CLV = AOV x frequency x lifespan = 68 x 1.9 x 3.2 = 413.44 EUR, 42% of it after the
    gross margin (173.64): the formula and the names of its inputs in Russian, the symbols of
    the formula of retention kept; English as before."""
    ru = run_cli("analyze", str(MAPS / "retention.yaml"), "--samples", "0", "--lang", "ru")
    assert (
        f"  Пожизненная ценность клиента 413,44{NB}€ (173,64{NB}€ с учётом валовой маржи): "
        f"средний чек x частота покупок x срок жизни клиента, где средний чек = 68,00{NB}€, "
        f"частота = 1,90 заказа в год, срок жизни = 3,20 года, валовая маржа = 42{NB}%."
    ) in ru.out.splitlines()
    assert f"ушедшие / S, где ушедшие = 3{NB}450, S = 18{NB}400." in ru.out
    en = run_cli("analyze", str(MAPS / "retention.yaml"), "--samples", "0")
    assert (
        "AOV x purchase frequency x lifespan with aov = 68.00 EUR, frequency = 1.90 orders a "
        "year, lifespan = 3.20 years, gross_margin = 42%." in en.out
    )
