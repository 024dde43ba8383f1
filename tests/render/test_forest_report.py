"""The experiment section of the HTML report: the readout's tables, decision and forest plot.

Same readout as tests/render/test_forest.py (control 100 of 1,000, one-page 130 of 1,000).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from journeymap.render import render
from tests.render.support import scene_of
from tests.render.test_forest import files, rail, small
from tests.support import Result


class Tables(HTMLParser):
    """The text of every cell of the tables with an id, and every img src by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[str(self._table)] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "img" and a.get("id"):
            self.images[str(a["id"])] = str(a.get("src"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(**kw: object) -> str:
    s = scene_of("shop.yaml")
    s.experiment = replace(small(), **kw)  # type: ignore[arg-type]
    return render(s, "report", "html").decode("utf-8")


def test_the_section_holds_the_readout() -> None:
    html = page(guardrails=(rail("ces", -0.4, "holds", worse="lower"),))
    parsed = Tables()
    parsed.feed(html)
    arms = parsed.tables["experiment-arms"]
    assert arms[1] == ["control", "1,000", "0", "100", "10.00% (8.3–12.0%)"]
    assert arms[2] == ["one-page", "1,000", "0", "130", "13.00% (11.1–15.2%)"]
    (cmp,) = parsed.tables["experiment-comparisons"][1:]
    # 0.13 - 0.10 = +3.0 pp (Newcombe 0.2 to 5.8), lift +30% (Katz), p 0.0355 (pooled z)
    assert cmp[:5] == ["one-page", "+3.0 pp (+0.2 to +5.8)", "+30.0% (+1.7% to +66.2%)",
                       "0.0355 (z)", "0.0355"]  # fmt: skip
    assert cmp[5] == "0.5881" and cmp[7] == "98.2%"
    (g,) = parsed.tables["experiment-guardrails"][1:]
    assert g == ["one-page", "CES at Checkout", "lower", "−0.40 points (−0.50 to −0.30)",
                 "2%", "holds"]  # fmt: skip
    decision = re.search(r'<p class="decision" id="experiment-decision">(.*?)</p>', html)
    assert decision is not None
    assert decision.group(1) == (
        "Experiment: INCONCLUSIVE: no significant difference yet; needs about 13,751 more "
        "customers per arm"
    )
    assert "planned 14,751 customers per arm, 1,000 so far: read the sequential figures" in html
    assert '<a href="#experiment">Experiment</a>' in html
    # the forest plot is embedded like the other pictures: a data: SVG, nothing external
    src = parsed.images["forest-img"]
    assert src.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(src.split(",", 1)[1])
    s = scene_of("shop.yaml")
    s.experiment = replace(small(), guardrails=(rail("ces", -0.4, "holds", worse="lower"),))
    assert svg == render(s, "experiment", "svg")
    assert "img-src data:;" in html  # the report's CSP: only data: images
    assert not re.search(r'(src|href)="(?!data:|#)', html)


def test_without_arms_there_is_no_section_and_the_page_is_unchanged() -> None:
    plain = render(scene_of("shop.yaml"), "report", "html").decode("utf-8")
    assert 'id="experiment"' not in plain and "#experiment" not in plain
    assert page() != plain


def test_arm_names_are_escaped() -> None:
    r = small()
    hostile = "<script>alert(1)</script>"
    html = page(
        arms=(replace(r.arms[0], name=hostile), r.arms[1]),
        comparisons=(replace(r.comparisons[0], arm=hostile),),
    )
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cli_report_with_arms(tmp_path: Path, cli: Callable[..., Result]) -> None:
    out = tmp_path / "r.html"
    r = cli("render", *files(tmp_path), "--view", "report", "--samples", "0", "-o", str(out))
    assert r.code == 0, r.err
    html = out.read_text(encoding="utf-8")
    assert 'id="experiment-comparisons"' in html and 'id="forest-img"' in html
