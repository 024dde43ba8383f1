"""The HTML report's trend section (``render MAP --view report DATA...``)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "maps" / "first-purchase.yaml"
PERIODS = ROOT / "tests" / "analysis" / "data" / "trend"


def _section(page: str) -> str:
    start = page.index('<section id="trend">')
    return page[start : page.index("</section>", start)]


def test_report_with_periods_has_the_table_signals_and_small_multiples(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    files = sorted(str(p) for p in PERIODS.glob("*.yaml"))[::-1]  # given backwards
    r = run_cli("render", str(MAP), "--view", "report", *files, "-o", str(out), "--samples", "20")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    assert '<li><a href="#trend">Over time</a></li>' in page
    section = _section(page)
    # cross-check every figure with `journeymap trend --format json`
    doc = json.loads(run_cli("trend", str(MAP), str(PERIODS), "--format", "json").out)
    rows = re.findall(r"<tr><td>(\d{4}-\d\d)</td><td class=\"n\">([\d,]+)</td>"
                      r"<td class=\"n\">([\d.]+)%(\*?)</td>", section)  # fmt: skip
    assert [x[0] for x in rows] == [p["period"] for p in doc["periods"]]  # period order
    flagged = {s["period"] for s in doc["signals"] if s["subject"] is None}
    for (period, journeys, conv, star), p in zip(rows, doc["periods"], strict=True):
        assert int(journeys.replace(",", "")) == p["journeys"]
        assert float(conv) == round(100 * p["conversion"], 1)
        assert (star == "*") == (period in flagged)
    # the second table: each period's top leak and its lost value, as the trend's JSON has them
    detail = section[section.index('<table id="trend-detail">') :]
    detail = detail[: detail.index("</table>")]
    leaks = re.findall(
        r"<tr><td>(\d{4}-\d\d)</td><td>(.*?)</td><td class=\"n\">([\d,]+) EUR</td>", detail
    )
    assert len(leaks) == len(doc["periods"])
    names = {"product-page": "Product page"}
    for (period, name, lost), p in zip(leaks, doc["periods"], strict=True):
        top = p["leaks"][0]
        assert period == p["period"] and name == names[top["touchpoint"]]
        assert int(lost.replace(",", "")) == round(top["lost_value"])
    shown = [html.unescape(m) for m in re.findall(r"<li>\d{4}-\d\d: (.*?)</li>", section)]
    assert shown == [s["message"] for s in doc["signals"]]
    assert "Control limits widened (Laney p'): drop-off at Checkout: the periods vary" in section
    [img] = re.findall(r'<img src="([^"]+)" alt="Small multiples over the periods">', section)
    assert img.startswith("data:image/svg+xml;base64,")
    # the header escapes the quotes of a touchpoint name; the CSP allows only the report's script
    assert "drop-off at Loyalty program &#34;Trail Club&#34;" in section
    assert page.count("<script") == 2 and "img-src data:;" in page  # the JSON island + the script


def test_report_without_periods_has_no_trend_section(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run_cli("render", str(MAP), "--view", "report", "-o", str(out), "--samples", "20")
    assert r.code == 0, r.err
    assert 'id="trend"' not in out.read_text(encoding="utf-8")


def test_periods_for_a_one_period_view_exit_2(tmp_path: Path) -> None:
    r = run_cli("render", str(MAP), "--view", "canvas", str(PERIODS), "-o", str(tmp_path / "c.svg"))
    assert r.code == 2
    assert r.err.strip() == (
        "the canvas view draws one period: give its numbers with --data; "
        "the overlays of several periods (DATA...) are for --view trend, report and deck"
    )
