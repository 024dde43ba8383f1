"""The CX figures shown everywhere analyze writes text: table, Markdown and the long CSV of
``--table metrics``; worked by hand on maps/retention.yaml and maps/support.yaml, with the
intervals cross-checked against statsmodels and the percentiles against numpy."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from journeymap.analysis import Analysis, analyze
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.report.analysis import render_analysis, to_csv
from journeymap.report.figures_table import CSV_COLUMNS, cx_rows
from tests.analysis.helpers import graph
from tests.support import MAPS, run_cli

Q2 = MAPS / "overlays" / "first-purchase.2026-Q2.yaml"


def _analysis(name: str, overlay: Any = None) -> Analysis:
    loaded = load_map(MAPS / name)
    return analyze(build_graph(loaded.map, overlay), samples=0)


def _metrics_csv(a: Analysis) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_analysis(a, "csv", "metrics"))))


def test_done_when_the_table_shows_retention_churn_and_repeat_rate() -> None:
    r = run_cli("analyze", str(MAPS / "retention.yaml"), "--samples", "0")
    assert r.code == 0, r.err
    # S 18,400, E 19,100, N 4,150, lost 3,450: (19,100 - 4,150) / 18,400 = 14,950 / 18,400
    assert "Retention 81.25% (95% interval 80.68–81.81%) of 18,400 customers at the start" in r.out
    assert "Churn 18.75% (95% interval 18.19–19.32%) of 18,400 customers at the start" in r.out
    # 2,300 of 6,100 ordering customers ordered twice or more
    assert "Repeat rate 37.7% (95% interval 36.5–38.9%) of 6,100 ordering customers" in r.out
    # 68 x 1.9 x 3.2 = 413.44; x 0.42 = 173.6448; 38,000 / 14,950 = 2.5418
    assert "Customer lifetime value 413.44 EUR (173.64 EUR after the gross margin)" in r.out
    assert "Retention cost 2.54 EUR per retained customer" in r.out
    # the stage figures pool the answers of the stage's touchpoints
    assert "  advocate: NPS +47 (n=478)" in r.out


def test_the_table_shows_service_times_with_mean_median_p90_and_unit() -> None:
    text = render_analysis(_analysis("support.yaml"), "table")
    rows = {
        tuple(line.split()[:3]): line.split()
        for line in text.splitlines()
        if line.startswith(("live-chat ", "specialist-team "))
    }
    # live chat first response, 20 samples: mean 111.5 / 20 = 5.575, median (3.5 + 4) / 2,
    # p90 type 7: 12 + 0.1 x (15 - 12) = 12.3
    assert rows[("live-chat", "first", "response")][3:] == ["5.6", "3.8", "12.3", "20", "minutes"]
    assert rows[("specialist-team", "resolution", "5.9")][1:] == [
        "resolution",
        "5.9",
        "5.0",
        "11.0",
        "16",
        "days",
    ]
    assert "hours, business hours" in text
    assert (
        "Service cost 20,800 EUR (cost per visit x visits): phone-hotline 6.50 EUR x 3,200" in text
    )


def test_a_figure_not_measured_in_the_period_shows_its_reason_never_zero() -> None:
    loaded = load_map(MAPS / "first-purchase.yaml", data=Q2)
    a = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    text = render_analysis(a, "table")
    assert (
        "support-chat first response: not measured in 2026-Q2: the overlay does not carry it"
        in text
    )
    line = next(x for x in text.splitlines() if x.startswith("support-chat "))
    assert line.split()[3:] == ["–", "–", "–", "–", "–"]
    rows = [r for r in _metrics_csv(a) if r["subject"] == "touchpoint:support-chat"]
    assert rows and all(r["value"] == "" and r["reason"].startswith("not measured") for r in rows)


def test_markdown_has_a_cx_figures_table() -> None:
    text = render_analysis(_analysis("retention.yaml"), "markdown")
    assert "### CX figures" in text
    assert (
        "| Retention | 81.25% | 80.68–81.81% | 18,400 customers at the start | (E - N) / S "
        "| S = 18,400, E = 19,100, N = 4,150 |" in text
    )
    assert "- stage `buy-again`: CES 5.9 on 1-7 (n=260)" in text


def test_the_default_csv_is_the_leak_table_unchanged() -> None:
    a = _analysis("retention.yaml")
    assert render_analysis(a, "csv") == render_analysis(a, "csv", "leaks") == to_csv(a)
    assert render_analysis(a, "csv").splitlines()[0].startswith("rank,touchpoint,name,stage")


def test_metrics_csv_is_long_with_intervals_from_wilson() -> None:
    rows = _metrics_csv(_analysis("retention.yaml"))
    assert tuple(rows[0]) == CSV_COLUMNS
    by = {(r["metric"], r["subject"]): r for r in rows}
    ret = by[("retention_rate", "map:retention")]
    assert (ret["value"], ret["n"], ret["unit"], ret["formula"]) == (
        "0.8125",
        "18400",
        "fraction",
        "(E - N) / S",
    )
    low, high = proportion_confint(14950, 18400, method="wilson")
    assert float(ret["low"]) == pytest.approx(low) and float(ret["high"]) == pytest.approx(high)
    assert float(by[("churn_rate", "map:retention")]["value"]) == 0.1875
    cost = by[("retention_cost", "map:retention")]
    assert float(cost["value"]) == pytest.approx(38000 / 14950) and cost["n"] == "14950"
    assert by[("nps", "stage:advocate")]["unit"] == "points"


def test_metrics_csv_service_times_against_numpy() -> None:
    loaded = load_map(MAPS / "support.yaml")
    a = analyze(build_graph(loaded.map), samples=0)
    by = {(r.metric, r.subject): r for r in cx_rows(a)}
    for tid, tp in loaded.map.touchpoints.items():
        b = tp.business
        if b is None or b.resolution_time is None or not b.resolution_time.samples:
            continue
        s = b.resolution_time.samples
        subject = f"touchpoint:{tid}"
        assert by[("resolution_time_mean", subject)].value == pytest.approx(np.mean(s))
        assert by[("resolution_time_median", subject)].value == pytest.approx(np.median(s))
        assert by[("resolution_time_p90", subject)].value == pytest.approx(np.percentile(s, 90))


def test_stage_survey_figures_pool_answers_never_average_percentages() -> None:
    tps: list[dict[str, Any]] = [
        {
            "id": "a",
            "entries": 40,
            "next": {"b": 30},
            "scores": {"csat": {"responses": {5: 8, 1: 2}}},
        },
        {"id": "b", "next": {"paid": 10}, "scores": {"csat": {"responses": {5: 4, 1: 26}}}},
        {"id": "paid", "goal": True},
    ]
    a = analyze(graph(tps), samples=0)
    # pooled: (8 + 4) top-box answers of 40 = 30%; the mean of 80% and 13.3% would be 46.7%
    assert a.stages[0].surveys.headline("csat") == pytest.approx(30.0)
    assert "CSAT 30% (n=40)" in render_analysis(a, "table")
    row = next(r for r in cx_rows(a) if r.metric == "csat")
    assert (row.value, row.n, row.unit) == (30.0, 40, "percent")


def test_table_option_only_with_csv() -> None:
    r = run_cli("analyze", str(MAPS / "retention.yaml"), "--table", "metrics", "--samples", "0")
    assert r.code == 2 and "Traceback" not in r.err
    assert "--table metrics applies to --format csv" in r.err
    ok = run_cli(
        "analyze", str(MAPS / "retention.yaml"), "--format", "csv", "--table", "metrics",
        "--samples", "0",
    )  # fmt: skip
    assert ok.code == 0 and ok.out.startswith(",".join(CSV_COLUMNS))
