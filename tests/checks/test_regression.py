"""The regression gate on worked two-period examples, with hand-computed statistics.

Each p-value is worked out from the formula in the comment and cross-checked with scipy
(which journeymap itself does not import on the check path).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from scipy import stats as sst

from journeymap import stats
from journeymap.analysis import analyze
from journeymap.analysis.comparison import Metric, Verdict, match_touchpoints
from journeymap.checks.context import make_context
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.checks.helpers import run_text
from tests.checks.inproc import run_inproc

CASES = Path(__file__).resolve().parent / "cases"

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
    tps = "".join(
        f"      - {{id: {t}, name: {t.upper()}, entries: {n}, next: {{paid: {n - x}}}, "
        f"exits: {x}}}\n"
        for t, (n, x) in rows.items()
    )
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
    checks = (
        "checks:\n  regression: {min_departures: 20, min_each: 2, q: 0.01,\n"
        "               drop_off: {min_increase: 0.05}}\n"
    )
    base = shop({"a": (29, 2)}, period="2026-Q2")
    now = shop({"a": (29, 25)}, checks=checks)
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    t = next(t for t in result.comparison.tests if t.metric == "drop_off")
    assert t.verdict == Verdict.REGRESSION
    assert result.comparison.settings.q == 0.01
    assert result.comparison.settings.drop_off_min_increase == 0.05


def test_customer_grain_when_both_sides_count_customers() -> None:
    # 150 of 500 customers exit -> 200 of 500: z = 0.1 / sqrt(0.35 * 0.65 * 0.004) = 3.3150
    base = MAP.format(
        period="2026-Q2",
        checks="",
        touchpoints=(
            "      - {id: cart, name: Cart, entries: 1000, customers: 500, next: {paid: 850}, exits: 150}\n"
        ),
    )
    now = MAP.format(
        period="2026-Q3",
        checks="",
        touchpoints=(
            "      - {id: cart, name: Cart, entries: 1000, customers: 500, next: {paid: 800}, exits: 200}\n"
        ),
    )
    result = run_text(now, baseline=base)
    assert result.comparison is not None
    t = next(t for t in result.comparison.tests if t.metric == "drop_off")
    assert t.grain == "customers"
    assert (t.n_before, t.x_before, t.n_after, t.x_after) == (500, 150, 500, 200)
    assert t.p_value == pytest.approx(sst.norm.sf(0.1 / math.sqrt(0.35 * 0.65 * 0.004)), rel=1e-9)
    assert not any("visit grain" in n for n in result.comparison.notes)


def test_structural_changes_are_listed_not_compared() -> None:
    base = shop({"cart": (1000, 300), "faq": (100, 50)}, period="2026-Q2")
    now = MAP.format(
        period="2026-Q3",
        checks="",
        touchpoints=(
            "      - {id: basket, name: Basket, formerly: [cart], entries: 1000, next: {paid: 700}, exits: 300}\n"
            "      - {id: chat, name: Chat, entries: 100, next: {paid: 50}, exits: 50}\n"
        ),
    )
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
        (lower, 0.1 + math.sqrt((u2 - 0.4) ** 2 + (0.3 - l1) ** 2)), rel=1e-12
    )
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


# ----------------------------------------------------------------- one definition per concept


def test_drop_off_counts_unobserved_departures_as_analyze_does() -> None:
    """Disagreement 2 of issue 9. 'cart' now: 1,000 entries, 500 to 'paid', 300 exits, so 200
    departures nobody observed (a positive residual, counted as unknown departures):
    m = 500 + 300 + 200 = 1,000 and d = 300 / 1,000 = 30.0%, as ``analyze`` reports (the gate
    used to leave the 200 out: 300 / 800 = 37.5%). Baseline: 200 of 1,000 exit (20.0%).
    pbar = 500 / 2000 = 0.25, z = 0.1 / sqrt(0.25 * 0.75 * 2 / 1000) = 5.163978, p = 1.2088e-7."""
    cart_now = "      - {id: cart, name: Cart, entries: 1000, next: {paid: 500}, exits: 300}\n"
    cart_then = "      - {id: cart, name: Cart, entries: 1000, next: {paid: 800}, exits: 200}\n"
    now = MAP.format(period="2026-Q3", checks="", touchpoints=cart_now)
    result = run_text(now, baseline=MAP.format(period="2026-Q2", checks="", touchpoints=cart_then))
    assert result.comparison is not None
    t = next(t for t in result.comparison.tests if t.metric == Metric.DROP_OFF)
    assert (t.x_before, t.n_before, t.x_after, t.n_after) == (200, 1000, 300, 1000)
    assert (t.before, t.after) == (0.2, 0.3)
    z = 0.1 / math.sqrt(0.25 * 0.75 * 2 / 1000)
    assert z == pytest.approx(5.163978, abs=1e-6)
    assert t.p_value == pytest.approx(sst.norm.sf(z), rel=1e-9)
    assert t.p_value == pytest.approx(1.2088e-7, rel=1e-3)
    # the same figure as the analysis of the current map
    loaded = load_map("now.yaml", text=now.encode("utf-8"))
    assert analyze(build_graph(loaded.map), samples=0).touchpoint("cart").drop_off == t.after
    (finding,) = [f for f in result.findings if f.code == "JM301"]
    assert finding.message.startswith(
        "drop-off at 'cart' got worse: 20.0% -> 30.0% (+10.0pp, threshold 1pp, adjusted p < 0.0001)"
    )


def test_an_old_id_claimed_twice_stops_every_comparison(tmp_path: Path) -> None:
    """Disagreement 4 of issue 9: 'check --baseline' and 'diff' paired 'basket' with the first
    claimer, 'analyze --compare-data' with the last. Now the map does not load: exit 2."""
    base = tmp_path / "base.yaml"
    base.write_text(shop({"basket": (1000, 300)}, period="2026-Q2"), encoding="utf-8")
    now = tmp_path / "now.yaml"
    now.write_text(
        MAP.format(
            period="2026-Q3",
            checks="",
            touchpoints=(
                "      - {id: cart, name: Cart, formerly: [basket], entries: 600, next: {paid: 400}, exits: 200}\n"
                "      - {id: bag, name: Bag, formerly: [basket], entries: 400, next: {paid: 300}, exits: 100}\n"
            ),
        ),
        encoding="utf-8",
    )
    overlay = tmp_path / "q2.yaml"
    overlay.write_text(
        "journeymap-data: 1\nmap: shop\nperiod: 2026-Q2\ntouchpoints: {}\n", encoding="utf-8"
    )
    headline = (
        f"{now}:10:41: two touchpoints claim the old id 'basket': 'bag' here and 'cart' at "
        "line 9; an old id names the one touchpoint that replaced it; keep 'basket' in the "
        "'formerly' of one of them"
    )
    for args in (
        ["check", str(now), "--baseline", str(base)],
        ["diff", str(base), str(now)],
        ["analyze", str(now), "--compare-data", str(overlay)],
    ):
        r = run_inproc(*args)
        assert r.code == 2, args
        assert r.err.splitlines()[0] == headline, args
        assert "Traceback" not in r.err


def test_matching_by_id_then_formerly() -> None:
    # an id match wins over a claim; the first old id of a 'formerly' that the baseline has
    matched = match_touchpoints(
        {"pay": ["cart"], "bag": ["sack", "basket"], "new": ["gone"]}, {"pay", "cart", "basket"}
    )
    assert matched == {"pay": "pay", "bag": "basket"}
    assert list(match_touchpoints({"b": ["x"], "a": []}, {"a", "x"})) == ["b", "a"]  # map order


def test_the_context_is_frozen_and_gets_the_comparison_at_construction() -> None:
    now = load_map(
        "now.yaml",
        text=MAP.format(
            period="2026-Q3",
            checks="",
            touchpoints=(
                "      - {id: cart, name: Cart, entries: 1000, next: {paid: 500}, exits: 300}\n"
            ),
        ).encode(),
    )
    base = load_map("base.yaml", text=shop({"cart": (1000, 300)}, period="2026-Q2").encode())
    ctx = make_context(now, baseline=base, baseline_label="q2")
    assert ctx.comparison is not None
    assert (ctx.comparison.baseline, ctx.comparison.baseline_period) == ("q2", "2026-Q2")
    assert make_context(now).comparison is None
    assert make_context(now, baseline=base).comparison.baseline == "base.yaml"  # type: ignore[union-attr]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.comparison = None  # type: ignore[misc]
    # the residual of 'cart' is the flow's: |1000 - 800| / max(1000, 800)
    assert ctx.relative_residual("cart") == ctx.flows["cart"].relative_residual == 0.2
    assert ctx.relative_residual("paid") == 0.0  # a goal absorbs what arrives


def test_a_ces_regression_writes_its_change_with_the_decimals_of_its_values(
    tmp_path: Path,
) -> None:
    """JM306's first case: mean (3 x 30 + 5 x 90 + 7 x 80) / 200 = 5.5 before and
    (3 x 60 + 5 x 80 + 7 x 60) / 200 = 5.0 now; the change -0.5 reads with two decimals,
    as the values do (figures.SCORE_DIGITS), not as "-0.5" beside "5.50"."""
    import yaml

    from journeymap.checks import check_map

    case = yaml.safe_load((CASES / "JM306.yaml").read_text(encoding="utf-8"))["cases"][0]
    (tmp_path / "m.yaml").write_text(case["map"], encoding="utf-8")
    (tmp_path / "b.yaml").write_text(case["baseline"], encoding="utf-8")
    result = check_map(load_map(tmp_path / "m.yaml"), baseline=load_map(tmp_path / "b.yaml"))
    [found] = [f for f in result.findings if f.code == "JM306"]
    assert "5.50 -> 5.00 (-0.50 points, threshold 0.1 points" in found.message
