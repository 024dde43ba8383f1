"""The regression gate on worked two-period examples, with hand-computed statistics.

Each p-value is worked out from the formula in the comment and cross-checked with scipy
(which journeymap itself does not import on the check path).
"""

from __future__ import annotations

import math

import pytest
from scipy import stats as sst

from journeymap import stats
from journeymap.checks import Verdict
from tests.checks.helpers import run_text

MAP = """journeymap: 1
id: shop
title: Shop
period: {period}
{checks}stages:
  - id: buy
    name: Buy
    touchpoints:
{touchpoints}      - {{id: paid, name: Paid, goal: true}}
"""


def shop(rows: dict[str, tuple[int, int]], period: str = "2026-Q3", checks: str = "") -> str:
    """A map whose touchpoints each have `n` entries and `x` exits (the rest convert)."""
    tps = "".join(f"      - {{id: {t}, name: {t.upper()}, entries: {n}, next: {{paid: {n - x}}}, "
                  f"exits: {x}}}\n" for t, (n, x) in rows.items())
    return MAP.format(period=period, checks=checks, touchpoints=tps)


def test_worked_example_regression_warn_ok_with_bh_order() -> None:
    """Three touchpoints at 30% drop-off of 1,000 in the baseline.

    a: 300 -> 360, z = 2.85326, p = 0.0021636; b: 300 -> 335, z = 1.68124, p = 0.0463581;
    c: unchanged, z = 0, p = 0.5. BH with m = 3: adj(a) = 3 * 0.0021636 = 0.0064909,
    adj(b) = min(3/2 * 0.0463581, 0.5) = 0.0695372 > 0.05, adj(c) = 0.5.
    Verdicts: a REGRESSION (significant, +6 pp >= 1 pp); b WARN (+3.5 pp, raw p < 0.05 but not
    after BH); c OK.
    """
    base = shop({"a": (1000, 300), "b": (1000, 300), "c": (1000, 300)}, period="2026-Q2")
    now = shop({"a": (1000, 360), "b": (1000, 335), "c": (1000, 300)})
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    tests = {t.subject: t for t in result.comparison.tests if t.metric == "drop_off"}
    assert tests["a"].p_value == pytest.approx(0.0021636, rel=1e-4)
    assert tests["b"].p_value == pytest.approx(0.0463581, rel=1e-5)
    assert tests["c"].p_value == pytest.approx(0.5)
    assert tests["a"].p_adjusted == pytest.approx(0.0064909, rel=1e-4)
    assert tests["b"].p_adjusted == pytest.approx(0.0695372, rel=1e-5)
    assert [tests[t].verdict for t in "abc"] == [Verdict.REGRESSION, Verdict.WARN, Verdict.OK]
    assert tests["a"].grain == "visits"
    assert any("visit grain" in n for n in result.comparison.notes)
    by_code = sorted((f.code, f.severity.value, f.subject) for f in result.findings)
    assert ("JM301", "error", "touchpoint:a") in by_code
    assert ("JM301", "warning", "touchpoint:b") in by_code
    assert not any(s == "touchpoint:c" for _, _, s in by_code)


def test_guard_comes_before_the_test() -> None:
    # 29 departures fail min_departures = 30 even with a huge change; 4 exits fail min_each = 5
    base = shop({"a": (29, 2), "b": (100, 4)}, period="2026-Q2")
    now = shop({"a": (29, 25), "b": (100, 60)})
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    verdicts = {t.subject: t for t in result.comparison.tests if t.metric == "drop_off"}
    assert verdicts["a"].verdict == Verdict.INSUFFICIENT_DATA
    assert verdicts["b"].verdict == Verdict.INSUFFICIENT_DATA
    assert verdicts["a"].p_value is None
    assert all(f.severity.value == "warning" for f in result.findings if f.code == "JM301")


def test_declared_guard_and_q() -> None:
    checks = ("checks:\n  regression: {min_departures: 20, min_each: 2, q: 0.01,\n"
              "               drop_off: {min_increase: 0.05}}\n")
    base = shop({"a": (29, 2)}, period="2026-Q2")
    now = shop({"a": (29, 25)}, checks=checks)
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    t = next(t for t in result.comparison.tests if t.metric == "drop_off")
    assert t.verdict == Verdict.REGRESSION
    assert result.comparison.settings["q"] == 0.01
    assert result.comparison.settings["drop_off_min_increase"] == 0.05


def test_customer_grain_when_both_sides_count_customers() -> None:
    # 150 of 500 customers exit -> 200 of 500: z = 0.1 / sqrt(0.35 * 0.65 * 0.004) = 3.3150
    base = MAP.format(period="2026-Q2", checks="", touchpoints=(
        "      - {id: cart, name: Cart, entries: 1000, customers: 500, next: {paid: 850}, exits: 150}\n"))
    now = MAP.format(period="2026-Q3", checks="", touchpoints=(
        "      - {id: cart, name: Cart, entries: 1000, customers: 500, next: {paid: 800}, exits: 200}\n"))
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    t = next(t for t in result.comparison.tests if t.metric == "drop_off")
    assert t.grain == "customers"
    assert (t.n_before, t.x_before, t.n_after, t.x_after) == (500, 150, 500, 200)
    assert t.p_value == pytest.approx(sst.norm.sf(0.1 / math.sqrt(0.35 * 0.65 * 0.004)), rel=1e-9)
    assert not any("visit grain" in n for n in result.comparison.notes)


def test_structural_changes_are_listed_not_compared() -> None:
    base = shop({"cart": (1000, 300), "faq": (100, 50)}, period="2026-Q2")
    now = MAP.format(period="2026-Q3", checks="", touchpoints=(
        "      - {id: basket, name: Basket, formerly: [cart], entries: 1000, next: {paid: 700}, exits: 300}\n"
        "      - {id: chat, name: Chat, entries: 100, next: {paid: 50}, exits: 50}\n"))
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    kinds = sorted((c.kind, c.subject) for c in result.comparison.changes)
    assert kinds == [("ADDED", "chat"), ("REMOVED", "faq"), ("RENAMED", "basket")]
    subjects = {t.subject for t in result.comparison.tests if t.metric == "drop_off"}
    assert subjects == {"basket"}


def test_newcombe_bound_and_confident() -> None:
    """300/1000 -> 400/1000: one-sided 95% Wilson bounds (z = 1.6449) give the Newcombe lower
    bound d - sqrt((p2 - l2)^2 + (u1 - p1)^2) = 0.06497: above 1 pp, so 'confident';
    against a 7 pp threshold it is still a REGRESSION (p tiny, +10 pp) but not confident."""
    l1, u1 = stats.wilson_interval(300, 1000, confidence=0.90)  # type: ignore[misc]
    l2, u2 = stats.wilson_interval(400, 1000, confidence=0.90)  # type: ignore[misc]
    lower = 0.1 - math.sqrt((0.4 - l2) ** 2 + (u1 - 0.3) ** 2)
    assert stats.newcombe_difference(300, 1000, 400, 1000, confidence=0.90) == pytest.approx(
        (lower, 0.1 + math.sqrt((u2 - 0.4) ** 2 + (0.3 - l1) ** 2)), rel=1e-12)
    assert lower == pytest.approx(0.0649728, abs=1e-6)
    base = shop({"a": (1000, 300)}, period="2026-Q2")
    for threshold, confident in ((0.01, True), (0.07, False)):
        checks = f"checks:\n  regression: {{drop_off: {{min_increase: {threshold}}}}}\n"
        result = run_text(shop({"a": (1000, 400)}, checks=checks), baseline=base)
        assert result.comparison is not None
        t = next(t for t in result.comparison.tests if t.metric == "drop_off")
        assert t.verdict == Verdict.REGRESSION
        assert t.worsening_lower == pytest.approx(lower, rel=1e-9)
        assert t.confident is confident
