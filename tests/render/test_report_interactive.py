"""The interactive report without a browser: the JSON island, the CSP hashes, escaping, bytes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.i18n import translator
from journeymap.io import load_map
from journeymap.render.build import render_loaded
from journeymap.render.report_data import ui_labels
from tests.support import MAPS, WriteFile, run_cli

FIRST = MAPS / "first-purchase.yaml"
SHARES = {"bargain-hunter": 0.45, "busy-parent": 0.35, "gift-buyer": 0.2}


def _html(path: Path, **kw: Any) -> str:
    return render_loaded(load_map(path, **kw), "report", "html", samples=50).decode("utf-8")


@pytest.fixture(scope="module")
def first() -> str:
    return _html(FIRST)


def island(html: str) -> dict[str, Any]:
    [text] = re.findall(r'<script type="application/json" id="jm-data">(.*?)</script>', html, re.S)
    data: dict[str, Any] = json.loads(text)
    return data


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _analysis(*args: str) -> dict[str, Any]:
    r = run_cli("analyze", str(FIRST), "--format", "json", "--samples", "50", *args)
    assert r.code in (0, 1), r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


def test_the_csp_allows_exactly_the_inline_script_and_style_by_their_hashes(first: str) -> None:
    [csp] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', first)
    csp = csp.replace("&#39;", "'")
    [style] = re.findall(r"<style>(.*?)</style>", first, re.S)
    [script] = re.findall(r"<script>(.*?)</script>", first, re.S)
    assert csp == (
        f"default-src 'none'; img-src data:; style-src {_sha(style)}; "
        f"script-src {_sha(script)}; base-uri 'none'; form-action 'none'"
    )
    assert "unsafe" not in csp
    # nothing in the script can reach the network (the only URL is the SVG namespace)
    assert re.findall(r"https?://[^\"]*", script) == ["http://www.w3.org/2000/svg"]
    assert not re.search(r"fetch\(|XMLHttpRequest|import\(|WebSocket|sendBeacon|\.src\b", script)
    assert first.count("<script") == 2  # the island (data) and the one hashed script


def test_the_same_map_gives_the_same_bytes(first: str) -> None:
    assert _html(FIRST) == first


def test_one_view_per_scenario_and_persona(first: str) -> None:
    data = island(first)
    assert data["scenarios"] == ["As written", "As is (2026-Q3)", "To be (2027-Q1 plan)"]
    assert data["personas"] == ["All personas", "Bargain hunter", "Busy parent", "Gift buyer"]
    assert sorted(data["views"]) == [f"{s}:{p}" for s in range(3) for p in range(4)]
    assert data["current"] == "0:0" and data["note"] is None


def test_the_curve_of_a_persona_is_its_emotions_and_all_personas_weigh_by_share(
    first: str,
) -> None:
    """Cross-check against the YAML as written: a persona's own number, else the one number;
    all personas: sum(w_p e_p) / sum(w_p) with the shares 0.45, 0.35, 0.2."""
    raw = yaml.safe_load(FIRST.read_text(encoding="utf-8"))
    written = {tp["id"]: tp.get("emotion") for st in raw["stages"] for tp in st["touchpoints"]}
    views = island(first)["views"]
    for pi, persona in enumerate(["bargain-hunter", "busy-parent", "gift-buyer"], start=1):
        for point in views[f"0:{pi}"]["curve"]:
            e = written[point["touchpoint"]]
            want = e[persona] if isinstance(e, dict) else e
            assert point["emotion"] == want, (persona, point)
    mean = {p["touchpoint"]: p["emotion"] for p in views["0:0"]["curve"]}
    assert mean["social-ad"] == pytest.approx(0.45)  # {1, 0, 0}: 0.45 x 1
    for tid, e in written.items():
        if isinstance(e, dict):
            assert mean[tid] == pytest.approx(sum(SHARES[p] * v for p, v in e.items()))


def test_the_to_be_view_has_the_leaks_of_analyze_scenario_to_be(first: str) -> None:
    views = island(first)["views"]
    for key, args in (
        ("0:0", ()),
        ("2:0", ("--scenario", "to-be")),
        ("2:3", ("--scenario", "to-be")),
    ):
        doc = _analysis(*args)
        rows = views[key]["leaks"]
        assert [r["cells"][1]["text"] for r in rows] == [x["name"] for x in doc["leaks"]]
        assert [r["cells"][3]["value"] for r in rows] == [x["exits"] for x in doc["leaks"]]
        assert [r["cells"][5]["value"] for r in rows] == pytest.approx(
            [x["lost_conversions"] for x in doc["leaks"]]
        )
    assert "Payment" not in [r["cells"][1]["text"] for r in views["2:0"]["leaks"]]  # removed
    assert views["2:0"]["summary"] != views["0:0"]["summary"]


def test_the_static_leak_table_is_the_current_view(first: str) -> None:
    body = first[first.index('<table id="leak-table"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body)
    current = island(first)["views"]["0:0"]["leaks"]
    assert len(rows) == len(current) == 13
    for html_row, row in zip(rows, current, strict=True):
        texts = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html_row)]
        assert texts == [c["text"] for c in row["cells"]]
    # numbers sort by data-value: social ad exits 28,700 as a number
    assert 'data-value="28700"' in body


def test_a_touchpoint_tip_has_its_figures(first: str) -> None:
    """Social ad: 38,000 visits, 28,700 exits, drop-off 28,700 / 38,000 = 75.53% -> 75.5%."""
    tip = island(first)["views"]["0:1"]["touchpoints"]["social-ad"]
    fields = {f["label"]: f["text"] for f in tip["fields"]}
    assert tip["title"] == "Instagram and Facebook ad"
    assert fields["Visits"] == "38,000" and fields["Exits"] == "28,700"
    assert fields["Drop-off (95% interval)"].startswith("75.5% (")
    assert fields["Emotion"] == "+1"  # the bargain hunter's 1, as the graph labels it
    doc = _analysis()
    leak = next(x for x in doc["leaks"] if x["touchpoint"] == "social-ad")
    assert fields["Conversions lost"] == f"{leak['lost_conversions']:.1f}"
    edge = island(first)["views"]["0:0"]["transitions"]["social-ad home-page"]
    assert {f["label"]: f["text"] for f in edge["fields"]} == {
        "Transitions": "3,100",
        "Share of departures": "8.2%",  # 3,100 / 38,000 = 8.16%
    }


def test_the_island_cannot_close_its_script_element(write: WriteFile) -> None:
    evil = "</script><script>alert(1)</script>"
    path = write(
        "evil.yaml",
        f"""journeymap: 1
id: evil
title: "T {evil}"
personas:
  - {{id: p1, name: "P {evil}"}}
stages:
  - id: s1
    name: "S {evil}"
    touchpoints:
      - {{id: a, name: "A {evil}", entries: 100, emotion: 1, next: {{b: 40}}}}
      - {{id: b, name: "B {evil}", goal: true, emotion: -1}}
""",
    )
    html = _html(path)
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert evil not in html
    data = island(html)
    assert data["personas"] == ["All personas", f"P {evil}"]
    assert data["views"]["0:0"]["touchpoints"]["a"]["title"] == f"A {evil}"


def test_with_measured_data_the_scenarios_are_counted_as_left_out() -> None:
    html = _html(FIRST, data=MAPS / "overlays" / "first-purchase.2026-Q2.yaml")
    data = island(html)
    assert data["scenarios"] == ["As written"] and len(data["views"]) == 4
    assert data["note"] == "2 scenarios of the map are not offered: the data describe one journey."


def test_the_static_page_hides_the_controls_until_the_script_shows_them(first: str) -> None:
    for element in (
        'id="jm-controls" hidden',
        'id="jm-zoom" hidden',
        'id="jm-tip" role="tooltip" hidden',
        'id="jm-curve" hidden',
    ):
        assert element in first
    assert "<input" not in first and "<select" not in first  # the script adds the controls


@pytest.mark.parametrize(
    ("lang", "zoom_in", "absent"),
    [
        ("en", "Zoom in", "Not in this scenario"),
        ("ru", "Увеличить", "Нет в этом сценарии"),
        ("lv", "Tuvināt", "Nav šajā scenārijā"),
        ("zh-Hant", "放大", "不在此情境中"),
        ("zh-Hans", "放大", "不在此情景中"),
    ],
)
def test_the_script_strings_are_translated(lang: str, zoom_in: str, absent: str) -> None:
    labels = ui_labels(translator(lang))
    assert (labels["zoom_in"], labels["absent"]) == (zoom_in, absent)
    if lang != "en":  # every string has its translation
        english = ui_labels(translator("en"))
        assert all(labels[k] != english[k] for k in english if k != "persona" or lang != "lv")


def test_the_docs_show_the_policy_the_report_writes(first: str) -> None:
    page = (MAPS.parent / "docs" / "render.md").read_text(encoding="utf-8")
    section = page[page.index("### The interactive report") :]
    [documented] = re.findall(r"```text\n(default-src.*?)\n```", section)
    [csp] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', first)
    assert re.sub(r"sha256-[A-Za-z0-9+/=]+", "sha256-…", csp.replace("&#39;", "'")) == documented
    script = first[first.rindex("<script>") :]
    for key in ("ArrowLeft", '"+"', '"-"', '"0"', "wheel", "pointerdown", "beforeprint"):
        assert key in script, key  # the keys and gestures the page lists


def test_the_page_opens_on_the_scenario_and_persona_rendered() -> None:
    html = _html(FIRST, scenario="to-be", persona="busy-parent")
    data = island(html)
    assert data["current"] == "2:2"  # To be, Busy parent
    body = html[html.index('<table id="leak-table"') :]
    names = re.findall(
        r"<tr[^>]*><td[^>]*>\d+</td><td>([^<]*)</td>", body[: body.index("</tbody>")]
    )
    assert names == [r["cells"][1]["text"] for r in data["views"]["2:2"]["leaks"]]
    assert "payment" not in data["views"]["2:2"]["touchpoints"]  # the to-be removes it
    assert "payment" in data["views"]["0:2"]["touchpoints"]
