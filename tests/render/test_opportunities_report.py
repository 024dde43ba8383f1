"""The report's "Opportunities" section: the portfolio's table (sortable) and its matrix."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support import ROOT, run_cli

MAP = str(ROOT / "maps" / "first-purchase.yaml")


def _report(path: Path, map_path: str = MAP) -> str:
    r = run_cli("render", map_path, "--view", "report", "-o", str(path), "--samples", "0", "-q")
    assert r.code == 0, r.err
    return path.read_text(encoding="utf-8")


def test_the_section_holds_the_portfolio_of_the_command(tmp_path: Path) -> None:
    html = _report(tmp_path / "r.html")
    assert '<a href="#opportunities">Opportunities</a>' in html
    section = html[html.index('<section id="opportunities">') :]
    section = section[: section.index("</section>")]
    assert '<table id="opportunity-table" class="jm-sortable">' in section
    assert '<img id="opportunity-matrix" src="data:image/svg+xml;base64,' in section
    doc = json.loads(run_cli("opportunities", MAP, "--format", "json", "--samples", "0").out)
    rows = re.findall(r"<tr><td class=\"n\"(?: data-value=\"([^\"]*)\")?>", section)
    assert rows == [
        "" if o["rank"] is None else repr(float(o["rank"])) for o in doc["opportunities"]
    ]
    first = doc["opportunities"][0]
    assert f'data-value="{first["value_at_stake"]["value"]!r}"' in section
    assert "<li>1 opportunity has no rank: done.</li>" in section


def test_a_map_without_opportunity_objects_has_no_section(tmp_path: Path) -> None:
    html = _report(tmp_path / "r.html", str(ROOT / "maps" / "starter-shop.yaml"))
    assert 'id="opportunities"' not in html
