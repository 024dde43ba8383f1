"""journeymap.stats: hand-worked values, scipy cross-checks (tests only) and invariants.

Each function is checked three ways where it can be: a value worked out by hand in the
comment, an independent computation (scipy.stats, a published table, a second formula) to
1e-12, and a hypothesis property.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sst

from journeymap import stats
from journeymap.analysis import analyze
from journeymap.checks import check_map
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import (
    CSAT_TOP_BOX,
    NPS_SCALE,
    CsatSurvey,
    NpsSurvey,
    Scores,
    nps_counts,
)
from journeymap.stats import NpsCounts

# ----------------------------------------------------- disagreement 3 (issue 9): Wilson edges

EDGE_MAP = """journeymap: 1
id: shop
title: Shop
checks:
  conversion: {limit}
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {{id: ad, name: Ad, entries: 3, {flow}}}
      - {{id: paid, name: Paid, goal: true}}
"""
NONE_CONVERT = "exits: 3, next: {paid: 0}"  # conversion 0 of 3, drop-off at ad 3 of 3
ALL_CONVERT = "next: {paid: 3}"  # conversion 3 of 3, drop-off at ad 0 of 3

# Wilson 95% for 0 of 3, by hand: z^2 = 3.841459, denominator 1 + z^2/3 = 2.280486,
# centre = (z^2/6) / 2.280486 = 0.280749 = half, so [0, 0.561497]; 3 of 3 mirrors it.
UPPER_0_OF_3 = 0.5614970317550454


def _check(flow: str, limit: str) -> list[dict[str, Any]]:
    text = EDGE_MAP.format(limit=limit, flow=flow)
    result = check_map(load_map("edge.yaml", text=text.encode("utf-8")))
    return [dict(f.data) for f in result.findings if f.code == "JM101"]


def _analyze_drop_off(flow: str) -> list[float]:
    text = EDGE_MAP.format(limit="{max: 1.0}", flow=flow)
    G = build_graph(load_map("edge.yaml", text=text.encode("utf-8")).map)
    interval = analyze(G, samples=0).touchpoint("ad").drop_off_interval
    assert interval is not None
    return list(interval)


def test_analyze_and_check_give_the_same_wilson_interval_at_the_edges() -> None:
    """Before issue 9, ``check`` (checks/stats.py) gave 5.55e-17 as the lower end for 0 of 3
    where ``analyze`` (analysis/stats.py) gave 0.0, so ``conversion: {max: 0, on: interval}``
    failed on a map that converts nobody."""
    zero_of_3 = _analyze_drop_off(ALL_CONVERT)
    three_of_3 = _analyze_drop_off(NONE_CONVERT)
    assert zero_of_3 == [0.0, pytest.approx(UPPER_0_OF_3, abs=1e-10)]
    assert three_of_3 == [pytest.approx(1 - UPPER_0_OF_3, abs=1e-10), 1.0]
    assert zero_of_3[0] == 0.0 and three_of_3[1] == 1.0  # exact, not 5.55e-17 / 1 - 1.1e-16
    # the check's own interval of conversions over entries (no bootstrap is run for JM101)
    (low_end,) = _check(NONE_CONVERT, "{min: 0.9, on: interval}")
    (high_end,) = _check(ALL_CONVERT, "{max: 0.1, on: interval}")
    assert low_end["interval"] == [round(v, 6) for v in zero_of_3]
    assert high_end["interval"] == [round(v, 6) for v in three_of_3]
    # the exact ends decide the verdict: nobody converts, so "at most 0%" holds
    assert _check(NONE_CONVERT, "{max: 0.0, on: interval}") == []
    assert _check(ALL_CONVERT, "{min: 1.0, on: interval}") == []


# ------------------------------------------------------------------------------ normal law


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_z_value_against_scipy(confidence: float) -> None:
    assert stats.z_value(confidence=confidence) == pytest.approx(
        sst.norm.ppf(0.5 + confidence / 2), rel=1e-12
    )


def test_z_value_by_hand_and_refuses_levels_outside_0_1() -> None:
    assert stats.z_value() == pytest.approx(1.959963984540054, abs=1e-12)
    assert stats.z_value(confidence=0.90) == pytest.approx(1.6448536269514722, abs=1e-12)
    for bad in (0.0, 1.0, 95.0, -0.5):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            stats.z_value(confidence=bad)


@pytest.mark.parametrize("x", [-8.5, -3.0, -1.0, 0.0, 0.5, 1.959963984540054, 4.0, 9.0])
def test_normal_cdf_and_sf_against_scipy(x: float) -> None:
    assert stats.normal_cdf(x) == pytest.approx(sst.norm.cdf(x), rel=1e-12, abs=1e-300)
    assert stats.normal_sf(x) == pytest.approx(sst.norm.sf(x), rel=1e-12, abs=1e-300)
    assert stats.normal_cdf(x) + stats.normal_sf(x) == pytest.approx(1.0, abs=1e-15)


def test_normal_sf_keeps_far_tails() -> None:
    # 1 - cdf(9) is 0 in floating point; the tail itself is 1.13e-19
    assert stats.normal_sf(9.0) == pytest.approx(1.1285884059538408e-19, rel=1e-12)


def test_ratio_is_none_on_zero_denominators() -> None:
    assert stats.ratio(3, 4) == 0.75
    assert stats.ratio(0, 0) is None and stats.ratio(5, 0.0) is None


# --------------------------------------------------------------------------------- Wilson


def _wilson_by_quadratic(x: int, n: int, z: float) -> tuple[float, float]:
    """Second formula: the roots of (n + z^2) pi^2 - (2x + z^2) pi + x^2/n = 0 (Wilson 1927)."""
    a = n + z * z
    b = -(2 * x + z * z)
    c = x * x / n
    disc = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - disc) / (2 * a), (-b + disc) / (2 * a)


def test_wilson_by_hand() -> None:
    # 30 of 120, z = 1.959964: z^2/n = 0.0320122, centre = (0.25 + 0.0160061) / 1.0320122
    # = 0.257755; half = 1.959964 sqrt(0.0015625 + 0.0000667) / 1.0320122
    # = 1.959964 * 0.0403632 / 1.0320122 = 0.0766565
    low, high = stats.wilson_interval(30, 120)  # type: ignore[misc]
    assert low == pytest.approx(0.257755 - 0.0766565, abs=2e-6)
    assert high == pytest.approx(0.257755 + 0.0766565, abs=2e-6)
    assert stats.wilson_interval(0, 0) is None and stats.wilson_interval(3, -1) is None


def test_wilson_ends_are_exact() -> None:
    for n in range(1, 400):
        low0, _ = stats.wilson_interval(0, n)  # type: ignore[misc]
        _, high_n = stats.wilson_interval(n, n)  # type: ignore[misc]
        assert low0 == 0.0 and high_n == 1.0


@pytest.mark.parametrize(
    ("x", "n", "confidence"),
    [(0, 3, 0.95), (1, 3, 0.95), (30, 120, 0.9), (999, 1000, 0.99), (17, 40, 0.8)],
)
def test_wilson_against_scipy(x: int, n: int, confidence: float) -> None:
    ci = sst.binomtest(x, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert stats.wilson_interval(x, n, confidence=confidence) == pytest.approx(
        (ci.low, ci.high), rel=1e-12, abs=1e-15
    )


@given(n=st.integers(1, 100_000), data=st.data(), confidence=st.floats(0.5, 0.999))
def test_wilson_contains_the_estimate_and_lies_in_0_1(
    n: int, data: st.DataObject, confidence: float
) -> None:
    x = data.draw(st.integers(0, n))
    low, high = stats.wilson_interval(x, n, confidence=confidence)  # type: ignore[misc]
    assert 0.0 <= low <= x / n <= high <= 1.0
    qlow, qhigh = _wilson_by_quadratic(x, n, stats.z_value(confidence=confidence))
    assert low == pytest.approx(qlow, abs=1e-9) and high == pytest.approx(qhigh, abs=1e-9)


# -------------------------------------------------------------------------------- Newcombe


def test_newcombe_reproduces_the_published_example() -> None:
    # Newcombe (1998), Table II, example (a): 56/70 - 48/80 = 0.2, method 10: 0.0524 to 0.3339
    low, high = stats.newcombe_difference(48, 80, 56, 70)  # type: ignore[misc]
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_newcombe_is_built_from_two_wilson_intervals() -> None:
    l1, u1 = stats.wilson_interval(300, 1000, confidence=0.9)  # type: ignore[misc]
    l2, u2 = stats.wilson_interval(400, 1000, confidence=0.9)  # type: ignore[misc]
    expected = (
        0.1 - math.sqrt((0.4 - l2) ** 2 + (u1 - 0.3) ** 2),
        0.1 + math.sqrt((u2 - 0.4) ** 2 + (0.3 - l1) ** 2),
    )
    assert stats.newcombe_difference(300, 1000, 400, 1000, confidence=0.9) == pytest.approx(
        expected, rel=1e-12
    )
    assert expected[0] == pytest.approx(0.0649728, abs=1e-6)
    assert stats.newcombe_difference(1, 0, 1, 5) is None


@given(n1=st.integers(1, 2000), n2=st.integers(1, 2000), data=st.data())
def test_newcombe_contains_the_difference(n1: int, n2: int, data: st.DataObject) -> None:
    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    low, high = stats.newcombe_difference(x1, n1, x2, n2)  # type: ignore[misc]
    d = x2 / n2 - x1 / n1
    assert -1.0 - 1e-12 <= low <= d + 1e-12 and d - 1e-12 <= high <= 1.0 + 1e-12


# --------------------------------------------------------------------------------- z test


def test_pooled_z_by_hand_and_chi_squared() -> None:
    # 30/100 -> 45/100: pbar = 0.375, se = sqrt(0.375 * 0.625 * 0.02) = 0.0684653, z = 2.19089
    z = stats.pooled_z(30, 100, 45, 100)
    assert z == pytest.approx(0.15 / math.sqrt(0.375 * 0.625 * 0.02), rel=1e-12)
    chi2 = sst.chi2_contingency([[30, 70], [45, 55]], correction=False)[0]
    assert z is not None and z * z == pytest.approx(chi2, rel=1e-12)
    assert stats.pooled_z(0, 50, 0, 50) is None and stats.pooled_z(1, 0, 1, 5) is None


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"), [(30, 100, 45, 100), (160, 200, 140, 200), (5, 40, 9, 35)]
)
def test_two_proportion_test_against_scipy(x1: int, n1: int, x2: int, n2: int) -> None:
    # scipy's chi-squared test without continuity correction is the two-sided pooled z test
    p_two = sst.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)[1]
    z = stats.pooled_z(x1, n1, x2, n2)
    assert z is not None
    assert stats.two_proportion_test(x1, n1, x2, n2, alternative="two-sided") == pytest.approx(
        p_two, rel=1e-9
    )
    assert stats.two_proportion_test(x1, n1, x2, n2, alternative="greater") == pytest.approx(
        sst.norm.sf(z), rel=1e-12
    )
    assert stats.two_proportion_test(x1, n1, x2, n2, alternative="less") == pytest.approx(
        sst.norm.cdf(z), rel=1e-12
    )


def test_two_proportion_test_without_variation_and_unknown_alternative() -> None:
    assert stats.two_proportion_test(50, 50, 50, 50, alternative="greater") == 1.0
    assert stats.two_proportion_test(0, 50, 0, 50, alternative="two-sided") == 1.0
    with pytest.raises(ValueError, match="'greater', 'less' or 'two-sided'"):
        stats.two_proportion_test(1, 5, 2, 5, alternative="bigger")  # type: ignore[arg-type]


# Worked examples of the regression gate (design 3.2-3.5), moved from tests/checks.


def test_pooled_z_by_hand() -> None:
    # 300/1000 -> 400/1000: pbar = 0.35, se = sqrt(0.35 * 0.65 * (2 / 1000)) = 0.0213307
    z = stats.pooled_z(300, 1000, 400, 1000)
    assert z == pytest.approx(0.1 / math.sqrt(0.35 * 0.65 * 0.002), rel=1e-12)
    assert z == pytest.approx(4.688072, abs=1e-6)
    p = stats.two_proportion_test(300, 1000, 400, 1000, alternative="greater")
    assert p == pytest.approx(1.37895e-6, rel=1e-4)
    assert p == pytest.approx(sst.norm.sf(z), rel=1e-12)


def test_z_squared_is_chi2_without_yates_correction() -> None:
    table = [[300, 700], [400, 600]]
    z = stats.pooled_z(300, 1000, 400, 1000)
    assert z is not None
    chi2, p_two, *_ = sst.chi2_contingency(table, correction=False)
    assert z * z == pytest.approx(chi2, rel=1e-12)
    assert 2 * stats.normal_sf(z) == pytest.approx(p_two, rel=1e-9)
    # the trap: scipy's default applies Yates' continuity correction to 2x2 tables
    chi2_yates, p_yates, *_ = sst.chi2_contingency(table)
    assert chi2_yates < chi2 and p_yates > p_two * 1.2


def test_two_proportion_one_sided_direction() -> None:
    # CSAT 160/200 -> 140/200: z = -0.1 / sqrt(0.75 * 0.25 * 0.01) = -2.3094
    p_less = stats.two_proportion_test(160, 200, 140, 200, alternative="less")
    assert p_less == pytest.approx(0.0104607, rel=1e-4)
    assert stats.two_proportion_test(160, 200, 140, 200, alternative="greater") == pytest.approx(
        1 - 0.0104607, rel=1e-5
    )


def test_no_variation_gives_p_one() -> None:
    assert stats.pooled_z(0, 50, 0, 50) is None
    assert stats.two_proportion_test(50, 50, 50, 50, alternative="greater") == 1.0


def test_benjamini_hochberg_matches_scipy() -> None:
    ps = [0.0021636, 0.0463581, 0.5, 0.01, 0.04, 0.2, 0.03]
    ours = stats.benjamini_hochberg(ps)
    theirs = sst.false_discovery_control(ps, method="bh")
    assert ours == pytest.approx(list(theirs), rel=1e-12)


def test_wilson_by_its_closed_form() -> None:
    low, high = stats.wilson_interval(20, 100)  # type: ignore[misc]
    # centre (0.2 + z^2/200) / (1 + z^2/100), half-width z sqrt(0.0016 + z^2/40000) / (1 + z^2/100)
    zz = 1.959963984540054**2
    centre = (0.2 + zz / 200) / (1 + zz / 100)
    half = math.sqrt(zz) * math.sqrt(0.2 * 0.8 / 100 + zz / 40000) / (1 + zz / 100)
    assert (low, high) == pytest.approx((centre - half, centre + half), rel=1e-12)
    assert (low, high) == pytest.approx((0.133367, 0.288829), abs=1e-6)


def test_nps_standard_error_and_test_on_the_gate_example() -> None:
    # baseline 100 promoters, 20 detractors of 200: NPS 40, SE = 100 sqrt((0.6 - 0.16) / 200)
    before = NpsCounts(promoters=100, detractors=20, responses=200)
    value, se = stats.nps_score(before), stats.nps_standard_error(before)
    assert value == pytest.approx(40.0)
    assert se is not None and se == pytest.approx(100 * math.sqrt(0.44 / 200))
    z, p = stats.nps_test(before, NpsCounts(60, 80, 200))  # type: ignore[misc]
    # now 60 / 80 of 200: NPS -10, SE = 100 sqrt((0.7 - 0.01) / 200); z = 50 / sqrt(SE1^2 + SE2^2)
    assert z == pytest.approx(50 / math.sqrt(se**2 + 100**2 * 0.69 / 200))
    assert z == pytest.approx(6.651901, abs=1e-6)
    assert p == pytest.approx(sst.norm.sf(z), rel=1e-9)


# ----------------------------------------------------------------------- Benjamini-Hochberg


def test_benjamini_hochberg_by_hand_and_against_scipy() -> None:
    # sorted 0.01, 0.03, 0.04, 0.20 (m = 4): 4p/rank = 0.04, 0.06, 0.0533, 0.20; step-up
    # minimum from the top: 0.2, 0.0533, 0.0533, 0.04
    ps = [0.01, 0.04, 0.03, 0.20]
    assert stats.benjamini_hochberg(ps) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2], rel=1e-12)
    many = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.9, 0.9]
    assert stats.benjamini_hochberg(many) == pytest.approx(
        list(sst.false_discovery_control(many, method="bh")), rel=1e-12
    )
    assert stats.benjamini_hochberg([]) == []


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50))
def test_benjamini_hochberg_properties(ps: list[float]) -> None:
    q = stats.benjamini_hochberg(ps)
    assert all(p <= v + 1e-15 and v <= 1.0 for p, v in zip(ps, q, strict=True))
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    assert all(q[a] <= q[b] + 1e-15 for a, b in itertools.pairwise(order))
    assert q == pytest.approx(
        list(sst.false_discovery_control(ps, method="bh")), rel=1e-12, abs=1e-300
    )


# ------------------------------------------------------------------------------------ NPS


RESPONSES = {10: 30, 9: 20, 8: 25, 7: 5, 6: 10, 3: 10}


def test_nps_counts_use_the_model_classes() -> None:
    c = nps_counts(RESPONSES)
    assert c == NpsCounts(promoters=50, detractors=20, responses=100) and c.passives == 30
    survey = NpsSurvey(responses=RESPONSES)
    assert survey.counts() == c and survey.on_nps_scale and NPS_SCALE == (0, 10)
    assert not NpsSurvey(scale=(1, 5), responses={5: 1}).on_nps_scale


def test_nps_score_and_standard_error_by_hand_and_by_codes() -> None:
    c = nps_counts(RESPONSES)
    assert stats.nps_score(c) == pytest.approx(30.0, rel=1e-12)
    # p + d - (p - d)^2 = 0.7 - 0.09 = 0.61; SE = 100 sqrt(0.61 / 100) = 7.8102497
    assert stats.nps_standard_error(c) == pytest.approx(100 * math.sqrt(0.0061), rel=1e-12)
    # second formula: the answers coded +1/0/-1 have population sd sqrt(0.61)
    codes = [1] * 50 + [0] * 30 + [-1] * 20
    sd = math.sqrt(sum(v * v for v in codes) / 100 - (sum(codes) / 100) ** 2)
    assert stats.nps_standard_error(c) == pytest.approx(100 * sd / 10, rel=1e-12)
    empty = NpsCounts(0, 0, 0)
    assert stats.nps_score(empty) is None and stats.nps_standard_error(empty) is None
    assert stats.nps_interval(empty) is None


def test_nps_adjusted_wald_interval_by_hand() -> None:
    # n + 3 = 103, p = 50.75/103 = 0.492718, d = 20.75/103 = 0.201456, centre 29.1262;
    # se = sqrt((0.694175 - 0.084833) / 103) = 0.0769155; half = 1.959964 * 7.69155 = 15.0752
    low, high = stats.nps_interval(nps_counts(RESPONSES))  # type: ignore[misc]
    assert low == pytest.approx(29.1262 - 15.0752, abs=1e-3)
    assert high == pytest.approx(29.1262 + 15.0752, abs=1e-3)
    p, d = 50.75 / 103, 20.75 / 103
    half = sst.norm.ppf(0.975) * math.sqrt((p + d - (p - d) ** 2) / 103)
    assert (low, high) == pytest.approx((100 * (p - d - half), 100 * (p - d + half)), rel=1e-12)
    assert stats.nps_interval(NpsCounts(5, 0, 5))[1] == 100.0  # type: ignore[index]
    assert stats.nps_interval(NpsCounts(0, 5, 5))[0] == -100.0  # type: ignore[index]


def test_nps_test_by_hand() -> None:
    # NPS 20 (SE^2 = 18) -> NPS 5 (SE^2 = 17.375): z = 15 / sqrt(35.375) = 2.52199
    z, p = stats.nps_test(NpsCounts(60, 20, 200), NpsCounts(40, 30, 200))  # type: ignore[misc]
    assert z == pytest.approx(15 / math.sqrt(35.375), rel=1e-12)
    assert p == pytest.approx(sst.norm.sf(z), rel=1e-12)
    assert stats.nps_test(NpsCounts(0, 0, 0), NpsCounts(1, 0, 1)) is None
    assert stats.nps_test(NpsCounts(5, 0, 5), NpsCounts(3, 0, 3)) is None  # both SE 0


# ---------------------------------------------------------------------------- CSAT, means


def test_csat_top_box_is_defined_on_the_model() -> None:
    assert CSAT_TOP_BOX == (4, 5)
    survey = CsatSurvey(responses={5: 50, 4: 24, 3: 15, 2: 10, 1: 8})
    assert survey.top_box_answers() == (4, 5) and survey.satisfied == 74
    seven = CsatSurvey(scale=(1, 7), top_box=[7, 6], responses={7: 3, 6: 3, 5: 4})
    assert seven.top_box_answers() == (6, 7) and seven.satisfied == 6
    assert Scores.model_validate({"csat": {"responses": {4: 1}}}).csat == CsatSurvey(
        responses={4: 1}
    )


def test_mean_interval_by_hand_and_against_scipy() -> None:
    counts = {3: 10, 5: 20, 7: 10}
    m = stats.mean_interval(counts)
    assert m is not None and m.interval is not None and m.standard_error is not None
    # mean 5; s^2 = (10*4 + 10*4) / 39 = 2.051282; SE = sqrt(2.051282 / 40) = 0.226455
    assert m.mean == 5.0
    assert m.standard_error == pytest.approx(math.sqrt(80 / 39 / 40), rel=1e-12)
    values = [a for a, c in counts.items() for _ in range(c)]
    assert m.standard_error == pytest.approx(sst.sem(values), rel=1e-12)
    low, high = sst.norm.interval(0.9, loc=5.0, scale=sst.sem(values))
    assert stats.mean_interval(counts, confidence=0.9).interval == pytest.approx(  # type: ignore[union-attr]
        (low, high), rel=1e-12
    )
    assert stats.mean_interval({}) is None
    assert stats.mean_interval({4: 1}) == stats.MeanEstimate(4.0, None, None)


@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 0.95, 1.0])
@pytest.mark.parametrize(
    "sample", [[3.0], [4.0, 1.0, 10.0, 5.0], [2.5, 2.5, 7.0, 1.0, 9.0, 3.0, 11.0]]
)
def test_quantile_is_numpy_default_linear(sample: list[float], q: float) -> None:
    import numpy as np

    assert stats.quantile(sample, q) == pytest.approx(float(np.quantile(sample, q)), abs=1e-12)


def test_quantile_of_nothing_is_none_and_q_outside_0_1_is_refused() -> None:
    assert stats.quantile([], 0.9) is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.quantile([1.0], 1.5)
