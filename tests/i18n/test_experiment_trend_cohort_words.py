"""The sentences of ``experiment``, ``trend`` and ``cohorts`` in the run's language (issue 15).

The decision's reason and the notes of an experiment readout, the signals of a trend and the
cohorts' left-out line are :class:`journeymap.findings.Text` values: the table and Markdown
write them translated, numbers and periods in the locale (checked by hand, and against
:mod:`journeymap.figures` as a second writer of the same numbers); JSON, CSV and GitHub
annotations are byte-identical whatever the language; and no English sentence of the catalogue
is left in any of these outputs in any language (:func:`tests.i18n.outputs.english_of`, the
check the report and Mermaid outputs pass).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from journeymap.analysis.cohorts import CohortRow, Cohorts, TimeToSecond
from journeymap.figures import percent, period
from journeymap.findings import Number, Period
from journeymap.i18n import translator
from journeymap.report.cohorts import render_cohorts
from tests.analysis.test_experiment import _files
from tests.checks.inproc import run_inproc
from tests.i18n.outputs import english_of
from tests.support import MAPS

LANGS = ("ru", "lv", "zh-Hant", "zh-Hans")
NB = "\xa0"
TREND = sorted(
    str(f) for f in (Path(__file__).parents[1] / "analysis" / "data" / "trend").glob("*.yaml")
)
MAP = str(MAPS / "first-purchase.yaml")


@pytest.fixture(scope="module")
def arms(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Arms a (100 of 1,000 convert) and b (130 of 1,000): tests/analysis/test_experiment.py."""
    return _files(
        tmp_path_factory.mktemp("ab"), {"a": (1000, 400, 250, 100), "b": (1000, 400, 280, 130)}
    )


@pytest.fixture(scope="module")
def srm(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """1,000 against 1,200 customers on a planned 50:50 split: a sample ratio mismatch."""
    return _files(
        tmp_path_factory.mktemp("srm"), {"a": (1000, 400, 250, 100), "b": (1200, 480, 300, 120)}
    )


@pytest.fixture(scope="module")
def harm(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """b converts 10% against a's 12% with 20,000 customers each (past the planned size)."""
    return _files(
        tmp_path_factory.mktemp("harm"),
        {"a": (20_000, 8000, 5200, 2400), "b": (20_000, 8000, 5000, 2000)},
    )


# ------------------------------------------------------------------------------ the field types


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_a_number_field_writes_what_figures_writes(lang: str) -> None:
    """Cross-check of :class:`Number` against the functions of :mod:`journeymap.figures`."""
    from journeymap.figures import count

    t = translator(lang)
    for x in (0.0, 0.031, 0.37512, 0.5, 1.0, 0.0004):
        assert Number(x, ".1%").format(t) == percent(x, 1, lang=lang)
        assert Number(x, ".0%").format(t) == percent(x, 0, lang=lang)
    for n in (0, 7, 1000, 13_751, 1_234_567):
        assert Number(n, ",").format(t) == count(n, lang=lang)
    for label in ("2026-Q3", "2026-07", "2026-W05", "spring sale"):
        assert Period(label).format(t) == period(label, lang=lang)


def test_english_is_the_format_spec_byte_for_byte() -> None:
    assert [
        Number(x, s).format() for x, s in [(0.0047, ".2g"), (1.2e-6, ".2g"), (-0.2, "+.0%")]
    ] == [
        "0.0047",
        "1.2e-06",
        "-20%",
    ]
    assert Number(1.2e-6, ".2g").format(translator("ru")) == "1,2e-06"


# ------------------------------------------------------------------------------ experiment


def test_experiment_table_in_russian_by_hand(arms: list[str]) -> None:
    r = run_inproc("experiment", *arms, "--lang", "ru")
    assert r.code == 0, r.err
    # 14,751 planned per arm (tests/test_stats_experiment.py), 1,000 so far, 13,751 more:
    # numbers ending in 1 (not 11) take the Russian singular "клиент"
    assert (
        f"примечание: запланирован 14{NB}751 клиент на группу, набрано 1{NB}000: "
        "смотрите последовательные показатели"
    ) in r.out
    assert f"нужен ещё примерно 13{NB}751 клиент на группу" in r.out
    # Cart: a loses 150 of 400 (37.5%), b 120 of 400 (30.0%): 30.0 / 37.5 - 1 = 20% fewer
    shown = f"{percent(120 / 400, lang='ru')} против {percent(150 / 400, lang='ru')}"
    assert shown == f"30,0{NB}% против 37,5{NB}%"
    assert f"примечание: b: в «Cart» ушло на 20{NB}% меньше клиентов ({shown})" in r.out
    assert "planned" not in r.out and "so far" not in r.out


def test_experiment_markdown_in_traditional_chinese(arms: list[str]) -> None:
    md = run_inproc("experiment", *arms, "--format", "markdown", "--lang", "zh-Hant").out
    lines = md.splitlines()
    assert lines[2] == "尚無顯著差異；每組還需要約 13,751 位顧客"
    assert "- 每組計畫 14,751 位顧客，目前 1,000 位：請看序貫檢定的數字" in lines
    assert (
        "- b 在「Cart」流失的顧客少了 20%（30.0%，對照組 37.5%）；95% 區間：少 3% 至 34%（q 0.075）"
        in lines
    )


def test_sample_ratio_mismatch_in_simplified_chinese_and_latvian(srm: list[str]) -> None:
    doc = json.loads(run_inproc("experiment", *srm, "--format", "json").out)
    # the reason's figure written again: four decimals, "< 0.0001" below that
    value = doc["srm"]["p_value"]
    p = "< 0.0001" if value < 1e-4 else f"= {value:.4f}"
    assert doc["reason"].startswith(f"sample ratio mismatch (p {p}): ")
    zh = run_inproc("experiment", *srm, "--lang", "zh-Hans")
    assert zh.code == 1
    assert f"样本比例不符（p {p}）：各组没有分到计划中的客户比例" in zh.out
    lv = run_inproc("experiment", *srm, "--format", "markdown", "--lang", "lv").out
    assert f"izlases attiecības nesakritība (p {p.replace('.', ',')}): grupas nesaņēma" in lv


def test_harm_at_the_planned_size_in_latvian(harm: list[str]) -> None:
    doc = json.loads(run_inproc("experiment", *harm, "--format", "json").out)
    assert doc["decision"] == "harm" and doc["plan"]["customers_per_arm"] <= 20_000
    assert (
        doc["reason"] == "b converts significantly worse than the control (fixed-horizon p < 0.05)"
    )
    lv = run_inproc("experiment", *harm, "--lang", "lv").out
    assert (
        "b: konversija statistiski nozīmīgi sliktāka nekā kontroles grupā "
        "(tests ar fiksētu izlases lielumu, p < 0,05)"
    ) in lv


@pytest.mark.parametrize("fmt", ["json", "csv", "github"])
def test_experiment_machine_formats_do_not_change_with_the_language(
    arms: list[str], srm: list[str], fmt: str
) -> None:
    for args in (arms, srm):
        base = run_inproc("experiment", *args, "--format", fmt).out
        assert base
        for lang in LANGS:
            assert run_inproc("experiment", *args, "--format", fmt, "--lang", lang).out == base


# ------------------------------------------------------------------------------ trend


def test_trend_signals_in_traditional_chinese() -> None:
    out = run_inproc("trend", MAP, *TREND, "--lang", "zh-Hant").out
    lines = [line.strip() for line in out.splitlines()]
    # the periods in the sentences and the first column are written as the locale's months
    assert (
        "2026年1月  beyond_limits 轉換率在 2026年1月 為 6.0%，高於管制上限 5.9%（中心線 5.5%）"
        in lines
    )
    assert (
        "2026年12月  run_of_eight  「Checkout」的流失連續 8 期高於中心線 18.6%（2026年5月 至 2026年12月）"
    ) in lines
    assert (
        "流失 checkout：各期差異大於抽樣誤差所能解釋（卡方 122.2，自由度 11，p < 0.0001）：" in out
    )
    assert "Cochran-Armitage，校正後 p < 0.0001" in out


def test_trend_signals_in_russian_with_plural_and_locale_numbers() -> None:
    md = run_inproc("trend", MAP, *TREND, "--format", "markdown", "--lang", "ru").out
    # eight periods: the Russian "many" form; months as CLDR's yMM
    assert (
        f"отказы в «Checkout»: выше центральной линии 18,6{NB}% 8 периодов подряд (с 05.2026 по 12.2026)"
    ) in md
    assert (
        f"конверсия: снижение с 5,8{NB}% в 04.2026 до 5,2{NB}% в 05.2026 (-0,6 п. п., p = 0,0013)"
        in md
    )
    assert "границы в 1,45 раза шире" in md


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_trend_machine_formats_do_not_change_with_the_language(fmt: str) -> None:
    base = run_inproc("trend", MAP, *TREND, "--format", fmt).out
    messages = [s["message"] for s in json.loads(base)["signals"]] if fmt == "json" else []
    assert fmt == "csv" or "conversion fell from 5.8% in 2026-04 to 5.2% in 2026-05" in messages[2]
    for lang in LANGS:
        assert run_inproc("trend", MAP, *TREND, "--format", fmt, "--lang", lang).out == base


# ------------------------------------------------------------------------------ cohorts


def _cohorts(cells: int, cohorts: int, customers: int) -> Cohorts:
    return Cohorts(
        by="month",
        cohorts=(CohortRow("2026-01", 2, (2, 1), (1.0, 0.5)),),
        customers=4,
        repeat_customers=2,
        repeat_rate=0.5,
        time_to_second=TimeToSecond(customers=2, median_days=28.5, p90_days=28.9),
        last_whole_period="2026-02",
        left_out_offsets=cells,
        left_out_cohorts=cohorts,
        left_out_customers=customers,
    )


@pytest.mark.parametrize(
    ("lang", "counts", "line"),
    [
        (
            "en",
            (2, 1, 1),
            "left out (the log ends before the period does): 2 cells, 1 cohort of 1 customer",
        ),
        (
            "ru",
            (2, 1, 1),
            "не показано (журнал заканчивается раньше периода): 2 ячейки; 1 когорта, в них 1 клиент",
        ),
        (
            "ru",
            (5, 21, 11),
            "не показано (журнал заканчивается раньше периода): 5 ячеек; 21 когорта, в них 11 клиентов",
        ),
        (
            "lv",
            (10, 1, 2),
            "nav parādīts (žurnāls beidzas pirms perioda beigām): 10 šūnu; 1 kohorta, kurās ir 2 klienti",
        ),
        (
            "zh-Hant",
            (3, 2, 1200),
            "未顯示（紀錄在期間結束前就截止）：3 個儲存格；2 個世代，共 1,200 位顧客",
        ),
    ],
)
def test_cohort_left_out_line_with_a_plural_for_each_count(
    lang: str, counts: tuple[int, int, int], line: str
) -> None:
    c = _cohorts(*counts)
    assert line in render_cohorts(c, "table", lang=lang).splitlines()
    assert f"- {line}" in render_cohorts(c, "markdown", lang=lang).splitlines()
    assert render_cohorts(c, "json", lang=lang) == render_cohorts(c, "json")
    assert render_cohorts(c, "csv", lang=lang) == render_cohorts(c, "csv")


def test_the_chart_footer_is_the_same_sentence() -> None:
    from journeymap.render.cohort_chart import left_out_line

    c = _cohorts(5, 21, 11)
    assert left_out_line(c, "ru") in render_cohorts(c, "table", lang="ru").splitlines()


# ------------------------------------------------------------------------------ no English left


RULE_ID = re.compile(r"(?<=  )(beyond_limits|run_of_eight|change|trend)(?= )|`(\w+)`")
"""A signal's rule as the table's column or Markdown's code span: an identifier like a check
code (``JM101``), English in every language as JSON's ``rule``."""
MAP_KEY = "experiments:"
"""The map's YAML key, named as it is written in the file."""


def _outputs(lang: str, arms: list[str], srm: list[str], harm: list[str]) -> list[str]:
    """Every line of the human outputs, less the identifiers that stay English."""
    texts = []
    for args in (arms, srm, harm):
        for fmt in ("table", "markdown"):
            texts.append(run_inproc("experiment", *args, "--format", fmt, "--lang", lang).out)
    for fmt in ("table", "markdown"):
        texts.append(run_inproc("trend", MAP, *TREND, "--format", fmt, "--lang", lang).out)
        texts.append(render_cohorts(_cohorts(2, 1, 1), fmt, lang=lang))
    lines = [RULE_ID.sub("", line).replace(MAP_KEY, "") for t in texts for line in t.splitlines()]
    return [line.strip(" -*|") for line in lines if line.strip()]


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_sentence_is_left(
    lang: str, arms: list[str], srm: list[str], harm: list[str]
) -> None:
    exact, fragments = english_of(lang)
    shown = _outputs(lang, arms, srm, harm)
    assert len(shown) > 60
    assert sorted({t for t in shown if t in exact}) == []
    assert sorted({f for f in fragments for t in shown if f in t}) == []


def test_the_check_sees_english_sentences(arms: list[str]) -> None:
    """Cross-check of the test above: the English outputs betray themselves to it."""
    _, fragments = english_of("ru")
    shown = run_inproc("experiment", *arms).out + run_inproc("trend", MAP, *TREND).out
    found = {f for f in fragments if f in shown}
    assert {"so far: read the sequential figures", "stayed above its centre line"} <= found


# ------------------------------------------------------------------------------ report, forest


def test_the_report_and_forest_plot_write_the_reason_and_notes_in_the_language() -> None:
    """The experiment section of the HTML report (and its forest plot, an SVG in it) in
    Russian: the same readout as tests/render/test_forest.py (13,751 more customers per arm)."""
    from journeymap.render import render
    from tests.i18n.outputs import html_text, report_pictures, svg_text
    from tests.render.support import scene_of
    from tests.render.test_forest import small

    s = scene_of("shop.yaml")
    s.experiment, s.lang = small(), "ru"
    page = render(s, "report", "html").decode("utf-8")
    nodes = html_text(page)
    reason = (
        f"статистически значимой разницы пока нет; нужен ещё примерно 13{NB}751 клиент на группу"
    )
    assert any(reason in n for n in nodes)
    assert any(n.startswith(f"запланирован 14{NB}751 клиент на группу") for n in nodes)
    pictures = " ".join(t for svg in report_pictures(page) for t in svg_text(svg))
    assert "статистически значимой разницы пока нет" in pictures  # the forest plot's title
    assert "no significant difference" not in page and "so far" not in page


# ------------------------------------------------------------------------------ guardrails


def test_a_breached_guardrail_in_russian() -> None:
    """tests/analysis/test_experiment_guardrails.py: b reaches checkout 3 pp more (5,600 of
    20,000 against 5,000), 1 pp tolerated: breached, and the decision is harm."""
    from journeymap.analysis.experiment import Design, Effect, GuardrailSpec, read_out
    from journeymap.report.experiment import markdown, table
    from tests.analysis.test_experiment_guardrails import arm

    arms = [arm("a", 20_000, 8000, 5000, 2000), arm("b", 20_000, 8000, 5600, 2000)]
    specs = (
        GuardrailSpec("reach", "checkout", Effect(0.01, relative=False)),
        GuardrailSpec("reach", "checkout", Effect(0.05, relative=False)),
    )
    r = read_out(arms, "a", Design(guardrails=specs))
    assert r.reason == "guardrail breached: b reach at checkout +3.00 pp (tolerated 1pp)"
    ru = translator("ru")
    assert (
        r.reason_in(ru)
        == "нарушена защитная метрика: b: reach в checkout +3,00 п. п. (допустимо 1pp)"
    )
    out = table(r, lang="ru")
    assert "решение: ВРЕД: нарушена защитная метрика: b: reach в checkout +3,00 п. п." in out
    assert ": НАРУШЕНА" in out and ": СОБЛЮДЕНА" in out and "хуже при росте" in out
    md = markdown(r, lang="ru")
    assert "| при росте |" in md and "| **нарушена** |" in md and "| **соблюдена** |" in md
    assert "breached" not in out + md and "holds" not in out + md


def test_cohort_rows_name_their_period_as_the_locale_does() -> None:
    c = _cohorts(2, 1, 1)
    assert render_cohorts(c, "table").splitlines()[1].startswith("2026-01 ")
    assert render_cohorts(c, "table", lang="zh-Hans").splitlines()[1].startswith("2026年1月 ")
    assert "| 01.2026 | 2 |" in render_cohorts(c, "markdown", lang="ru")


def test_the_report_trend_section_writes_the_signals_in_the_language(tmp_path: Path) -> None:
    import html as html_lib

    from tests.support import run_cli

    out = tmp_path / "report.html"
    r = run_cli(
        "render",
        MAP,
        "--view",
        "report",
        *TREND,
        "-o",
        str(out),
        "--samples",
        "0",
        "--lang",
        "zh-Hant",
    )
    assert r.code == 0, r.err
    page = html_lib.unescape(out.read_text(encoding="utf-8"))
    section = page[page.index('<section id="trend">') :]
    assert "轉換率在 2026年1月 為 6.0%，高於管制上限 5.9%（中心線 5.5%）" in section
    assert "「Checkout」的流失連續 8 期高於中心線 18.6%（2026年5月 至 2026年12月）" in section
    english = json.loads(run_inproc("trend", MAP, *TREND, "--format", "json").out)["signals"]
    assert not [s["message"] for s in english if s["message"] in section]
