"""``check MAP --history DIR`` (JM310): the latest period against the p-charts of the history,
the limits being those of ``journeymap trend`` (cross-checked here against the trend itself)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

from journeymap.checks import REGISTRY
from tests.checks.helpers import run_text
from tests.support import run_cli

MAP = """journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: cart, name: Cart, next: [paid]}
      - {id: paid, name: Paid, goal: true}
"""


def overlay(path: Path, period: str, paid: int, exits: int) -> Path:
    doc = {
        "journeymap-data": 1,
        "map": "shop",
        "period": period,
        "touchpoints": {"cart": {"entries": 1000, "next": {"paid": paid}, "exits": exits}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def setup(tmp_path: Path) -> tuple[Path, Path]:
    m = tmp_path / "shop.yaml"
    m.write_text(MAP, encoding="utf-8")
    hist = tmp_path / "history"
    hist.mkdir()
    for i in range(1, 6):
        overlay(hist / f"2026-0{i}.json", f"2026-0{i}", 700, 300)
    return m, hist


def test_the_latest_period_out_of_control_fails(tmp_path: Path) -> None:
    m, hist = setup(tmp_path)
    june = overlay(tmp_path / "june.json", "2026-06", 600, 400)
    r = run_cli("check", str(m), "--data", str(june), "--history", str(hist))
    assert r.code == 1, r.err
    # by hand: centre = 1,900 / 6,000 exits; sigma = sqrt(pbar (1 - pbar) / 1,000); z of the
    # five 30% months -1.13, of June +5.66: moving ranges 0, 0, 0, 0, 6.79, sigma_z = 1.358 /
    # 1.128 = 1.204 > 1, so Laney widens the limit: 0.3167 + 3 * 1.204 * 0.01471 = 0.3698
    pbar = 1900 / 6000
    sigma = math.sqrt(pbar * (1 - pbar) / 1000)
    z = [(0.3 - pbar) / sigma] * 5 + [(0.4 - pbar) / sigma]
    sigma_z = sum(abs(b - a) for a, b in itertools.pairwise(z)) / 5 / 1.128
    assert round(pbar + 3 * sigma_z * sigma, 3) == 0.370
    assert "drop-off at Cart 40.0% in 2026-06 is above its upper control limit 37.0%" in r.out
    assert "JM310" in r.out and "against 5 earlier periods" in r.out
    ok = overlay(tmp_path / "ok.json", "2026-06", 690, 310)
    assert run_cli("check", str(m), "--data", str(ok), "--history", str(hist)).code == 0


def test_the_checked_period_must_be_the_latest(tmp_path: Path) -> None:
    m, hist = setup(tmp_path)
    old = overlay(tmp_path / "old.json", "2025-12", 600, 400)
    r = run_cli("check", str(m), "--data", str(old), "--history", str(hist))
    assert r.code == 2
    assert "the checked period 2025-12 is not the latest" in r.err and "Traceback" not in r.err
    same = overlay(tmp_path / "same.json", "2026-05", 600, 400)
    r = run_cli("check", str(m), "--data", str(same), "--history", str(hist))
    assert (r.code, "overlaps period 2026-05" in r.err) == (2, True), r.err


def test_the_check_reads_the_trend_signals() -> None:
    ex = REGISTRY["JM310"].examples()
    result = run_text(ex["fails"], history=ex["history"])
    found = [f for f in result.findings if f.code == "JM310"]
    assert [f.position.line for f in found if f.position] == [4, 6]  # period; cart
