"""One loader of scenarios per run, derived from the loaded map and never from the disk.

The hand-made map: 100 customers enter at the cart, 60 go on to pay, 30 of them pay. Its
scenario ``to-be`` makes 45 of the 60 pay: +15 conversions, at 10 EUR each +150 EUR, the
value at stake of the opportunity that names the scenario. The file on disk says otherwise
(its scenario makes 50 pay and has another name), so any view that re-reads the disk shows it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from journeymap.analysis.portfolio import portfolio_of
from journeymap.analysis.run import Options
from journeymap.io import load_map
from journeymap.io.revision import load_at_revision
from journeymap.render.build import render_loaded
from tests.support import MAPS

MAP = """\
journeymap: 1
id: shop
title: Shop
currency: EUR
value_per_conversion: 10
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {{id: cart, name: Cart, entries: 100, next: {{pay: 60}}}}
      - {{id: pay, name: Pay, next: {{done: 30}}}}
      - {{id: done, name: Done, goal: true}}
opportunities:
  - {{id: plan, text: The plan, status: planned, effort: 1, scenario: to-be}}
scenarios:
  to-be:
    name: {name}
    touchpoints:
      pay: {{next: {{done: {paid}}}}}
"""
LOADED = MAP.format(name="Loaded plan", paid=45)
ON_DISK = MAP.format(name="Disk plan", paid=50)


def _island(html: str) -> dict[str, Any]:
    [text] = re.findall(r'<script type="application/json" id="jm-data">(.*?)</script>', html, re.S)
    data: dict[str, Any] = json.loads(text)
    return data


def _plan_value(loaded: Any) -> tuple[float | None, float | None]:
    pf = portfolio_of(loaded, Options(samples=0))
    [plan] = [o for o in pf.opportunities if o.id == "plan"]
    return plan.value_at_stake.conversions, plan.value_at_stake.value


def test_the_views_and_the_portfolio_come_from_the_loaded_text(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(ON_DISK, encoding="utf-8")
    loaded = load_map(path, text=LOADED.encode())
    assert _plan_value(loaded) == pytest.approx((15.0, 150.0))  # 45 - 30 paid, 10 EUR each
    html = render_loaded(loaded, "report", "html", samples=0).decode("utf-8")
    assert _island(html)["scenarios"] == ["As written", "Loaded plan"]
    assert "Disk plan" not in html
    # cross-check: the same text read from a file of its own gives the same report
    own = tmp_path / "own" / "shop.yaml"
    own.parent.mkdir()
    own.write_text(LOADED, encoding="utf-8")
    same = render_loaded(load_map(own), "report", "html", samples=0).decode("utf-8")
    assert same.replace(str(own), str(path)) == html


def test_a_map_loaded_with_a_scenario_derives_the_others_from_its_text(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(ON_DISK, encoding="utf-8")
    loaded = load_map(path, text=LOADED.encode(), scenario="to-be")
    assert _plan_value(loaded) == pytest.approx((15.0, 150.0))
    html = render_loaded(loaded, "report", "html", samples=0).decode("utf-8")
    data = _island(html)
    assert data["scenarios"] == ["As written", "Loaded plan"] and data["current"] == "1:0"


def test_a_report_of_a_map_at_a_git_revision_is_that_revision(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    path = tmp_path / "shop.yaml"
    path.write_text(LOADED, encoding="utf-8")
    git("init", "-q")
    git("add", "shop.yaml")
    git("commit", "-q", "-m", "map")
    path.write_text(ON_DISK, encoding="utf-8")  # the working file moves on
    loaded = load_at_revision("HEAD", path)
    assert loaded is not None  # its temporary folder is gone: nothing may read it again
    assert _plan_value(loaded) == pytest.approx((15.0, 150.0))
    html = render_loaded(loaded, "report", "html", samples=0).decode("utf-8")
    assert _island(html)["scenarios"] == ["As written", "Loaded plan"]


def test_a_report_run_derives_each_scenario_once_and_reads_no_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journeymap.io import load_scenario
    from journeymap.io.rawtree import _read_mapping as real_read

    loaded = load_map(MAPS / "first-purchase.yaml")
    derived: list[str | None] = []
    reads: list[str] = []
    real_derive = load_scenario

    def derive(loaded: Any, scenario: str | None) -> Any:
        derived.append(scenario)
        return real_derive(loaded, scenario)

    def read(file: Path, *args: Any, **kw: Any) -> Any:
        reads.append(str(file))
        return real_read(file, *args, **kw)

    monkeypatch.setattr("journeymap.analysis.scenario_maps.load_scenario", derive)
    monkeypatch.setattr("journeymap.io.loader._read_mapping", read)
    render_loaded(loaded, "report", "html", samples=0, curves="scenario")
    # the portfolio (to-be), the views (as-is, to-be) and the curves (both) share the loads
    assert sorted(derived, key=str) == ["as-is", "to-be"]
    assert reads == []
