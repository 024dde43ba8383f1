"""The experiment statistics of journeymap.stats against scipy and statsmodels (tests only).

Every function is checked on the same counts against an independent implementation to 1e-9,
and on a value worked by hand where one is short enough to work.
"""

from __future__ import annotations

import math

import pytest
from scipy import integrate
from scipy import stats as sst
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from journeymap import stats

TABLES = [
    (100, 1000, 130, 1000),
    (56, 70, 48, 80),
    (12, 400, 25, 380),
    (3, 40, 9, 45),
    (1480, 12_000, 1390, 11_800),
]


@pytest.mark.parametrize("x1,n1,x2,n2", TABLES)
def test_pooled_z_and_newcombe_agree_with_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    _, p = proportions_ztest([x2, x1], [n2, n1])
    assert stats.two_proportion_test(x1, n1, x2, n2, alternative="two-sided") == pytest.approx(
        p, abs=1e-9
    )
    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff")
    got = stats.newcombe_difference(x1, n1, x2, n2)
    assert got is not None
    assert got == pytest.approx((low, high), abs=1e-9)


@pytest.mark.parametrize("x1,n1,x2,n2", TABLES)
def test_katz_interval_agrees_with_statsmodels_log_ratio(
    x1: int, n1: int, x2: int, n2: int
) -> None:
    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="log", compare="ratio")
    got = stats.katz_ratio_interval(x1, n1, x2, n2)
    assert got is not None
    assert got == pytest.approx((low - 1, high - 1), abs=1e-9)


def test_katz_by_hand() -> None:
    # r = 0.13 / 0.10 = 1.3; se = sqrt(1/130 - 1/1000 + 1/100 - 1/1000) = 0.126126
    # exp(ln 1.3 -/+ 1.959964 * 0.126126) - 1 = (0.01698, 0.66178)
    got = stats.katz_ratio_interval(100, 1000, 130, 1000)
    assert got is not None
    assert got == pytest.approx((0.01698, 0.66178), abs=1e-5)


@pytest.mark.parametrize(
    "table",
    [(1, 10, 6, 10), (0, 5, 5, 5), (3, 40, 9, 45), (2, 7, 0, 9), (10, 30, 10, 30), (0, 3, 0, 4)],
)
def test_fisher_agrees_with_scipy(table: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = table
    expected = sst.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    assert stats.fisher_exact(x1, n1, x2, n2) == pytest.approx(expected, abs=1e-9)


def test_fisher_by_hand() -> None:
    # margins 10 / 10 with 7 successes: P(k) = C(10,k) C(10,7-k) / C(20,7), C(20,7) = 77520;
    # weights k=0..7: 120, 2100, 11340, 25200, 25200, 11340, 2100, 120. The observed k = 1
    # (2100) and the tables no more likely: k = 0, 1, 6, 7 -> 4440 / 77520.
    assert stats.fisher_exact(1, 10, 6, 10) == pytest.approx(4440 / 77520, abs=1e-12)


@pytest.mark.parametrize(
    "observed,shares",
    [
        ([5100, 4900], [0.5, 0.5]),
        ([3300, 3350, 3210], [1, 1, 1]),
        ([900, 2150], [0.3, 0.7]),
        ([4000, 5000, 1000], [0.45, 0.45, 0.1]),
        ([50_500, 49_100], [0.5, 0.5]),
    ],
)
def test_chi_square_agrees_with_scipy(observed: list[int], shares: list[float]) -> None:
    total = sum(observed)
    expected = [total * s / sum(shares) for s in shares]
    ref = sst.chisquare(observed, expected)
    stat, p = stats.chi_square_goodness_of_fit(observed, shares)
    assert stat == pytest.approx(ref.statistic, abs=1e-9)
    assert p == pytest.approx(ref.pvalue, abs=1e-12)


def test_chi_square_by_hand() -> None:
    # 5100 / 4900 against 50:50: (100^2 + 100^2) / 5000 = 4; one degree of freedom:
    # p = P(Z^2 > 4) = 2 P(Z > 2) = erfc(2 / sqrt 2) = 0.0455003
    stat, p = stats.chi_square_goodness_of_fit([5100, 4900], [1, 1])
    assert stat == 4.0
    assert p == pytest.approx(math.erfc(math.sqrt(2.0)), abs=1e-14)


@pytest.mark.parametrize("a", [0.5, 1.0, 1.5, 4.0, 17.5, 200.0])
@pytest.mark.parametrize("x", [0.01, 0.7, 3.0, 12.0, 60.0, 250.0])
def test_upper_gamma_agrees_with_scipy(a: float, x: float) -> None:
    from scipy.special import gammaincc

    assert stats.upper_gamma_regularized(a, x) == pytest.approx(
        gammaincc(a, x), rel=1e-10, abs=1e-300
    )


def test_holm_by_hand_and_against_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    # sorted 0.01, 0.03, 0.04: 3 * 0.01, max(0.03, 2 * 0.03), max(0.06, 1 * 0.04)
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    ps = [0.2, 0.001, 0.04, 0.012, 0.5, 0.03]
    assert stats.holm(ps) == pytest.approx(list(multipletests(ps, method="holm")[1]), abs=1e-12)


@pytest.mark.parametrize(
    "p1,p2,alpha,power",
    [
        (0.10, 0.11, 0.05, 0.8),
        (0.3, 0.25, 0.05, 0.9),
        (0.02, 0.025, 0.01, 0.8),
        (0.5, 0.55, 0.1, 0.8),
    ],
)
def test_sample_size_agrees_with_statsmodels(
    p1: float, p2: float, alpha: float, power: float
) -> None:
    ref = samplesize_proportions_2indep_onetail(
        p2 - p1, p1, power, alpha=alpha, alternative="two-sided"
    )
    assert stats.two_proportion_sample_size(p1, p2, alpha=alpha, power=power) == math.ceil(ref)


def test_sample_size_by_hand() -> None:
    # p 0.10 -> 0.11: pbar = 0.105, sqrt(2 * 0.105 * 0.895) = 0.433532, times 1.959964 = 0.849707;
    # sqrt(0.09 + 0.0979) = 0.433474, times 0.841621 = 0.364821;
    # (0.849707 + 0.364821)^2 / 0.01^2 = 14750.8 -> 14751 customers per arm
    n = stats.two_proportion_sample_size(0.10, 0.11)
    assert n == 14751
    assert stats.two_proportion_sample_size(0.1, 0.1) is None


@pytest.mark.parametrize(
    "x1,n1,x2,n2",
    [
        (100, 1000, 130, 1000),
        (5, 10, 5, 10),
        (0, 20, 3, 25),
        (40, 60, 35, 70),
        (480, 5000, 530, 5100),
    ],
)
def test_chance_to_beat_against_quadrature(x1: int, n1: int, x2: int, n2: int) -> None:
    # P(p2 > p1) = integral of f2(p) F1(p) dp, computed by scipy's adaptive quadrature
    ref, _ = integrate.quad(
        lambda p: sst.beta.pdf(p, 1 + x2, 1 + n2 - x2) * sst.beta.cdf(p, 1 + x1, 1 + n1 - x1),
        0,
        1,
        epsabs=1e-13,
        epsrel=1e-12,
        limit=500,
        points=[x1 / n1, x2 / n2],
    )
    assert stats.chance_to_beat(x1, n1, x2, n2) == pytest.approx(ref, abs=1e-9)


def _chance_by_lgamma(x1: int, n1: int, x2: int, n2: int) -> float:
    """The sum of chance_to_beat's docstring, every term by lgamma (Miller 2015 as written)."""
    a1, b1, a2, b2 = 1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2
    if a2 > a1:
        return 1.0 - _chance_by_lgamma(x2, n2, x1, n1)

    def lb(a: float, b: float) -> float:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)

    return math.fsum(
        math.exp(lb(a1 + i, b1 + b2) - math.log(b2 + i) - lb(1 + i, b2) - lb(a1, b1))
        for i in range(a2)
    )


@pytest.mark.parametrize(
    "x1,n1,x2,n2",
    [
        (130_659, 482_801, 170_457, 482_707),  # the 10M benchmark's arms
        (48_000, 500_000, 48_600, 500_000),  # close arms: the sum is far from 0 and 1
        (3, 100_000, 1, 100_000),
        (9_999, 10_000, 9_990, 10_000),
    ],
)
def test_chance_to_beat_by_recurrence_is_the_lgamma_sum(x1: int, n1: int, x2: int, n2: int) -> None:
    # lgamma near 5e5 is about 6e6, so either way a term's log carries ~1e-9 of rounding
    assert stats.chance_to_beat(x1, n1, x2, n2) == pytest.approx(
        _chance_by_lgamma(x1, n1, x2, n2), abs=1e-9
    )


def test_chance_to_beat_symmetry() -> None:
    assert stats.chance_to_beat(5, 10, 5, 10) == pytest.approx(0.5, abs=1e-12)
    a = stats.chance_to_beat(30, 200, 45, 210)
    assert a + stats.chance_to_beat(45, 210, 30, 200) == pytest.approx(1.0, abs=1e-12)


def test_msprt_by_hand() -> None:
    # p1 = 0.10, p2 = 0.15, n = 1000 each, tau = 0.02:
    # s^2 = 0.09/1000 + 0.1275/1000 = 2.175e-4; tau^2 = 4e-4; s^2 + tau^2 = 6.175e-4
    # log L = 0.5 ln(2.175/6.175) + 4e-4 * 0.05^2 / (2 * 2.175e-4 * 6.175e-4)
    #       = -0.521733 + 3.722944 = 3.201211 -> p = exp(-3.201211) = 0.040717
    # half width = sqrt(2.175e-4 * 6.175e-4 / 4e-4 * (2 ln 20 + ln(6.175/2.175)))
    #           = sqrt(3.357656e-4 * (5.991465 + 1.043470)) = 0.048601
    s = stats.msprt_two_proportions(100, 1000, 150, 1000, tau=0.02)
    assert s is not None
    assert s.p_value == pytest.approx(0.040717, abs=2e-6)
    assert s.interval == pytest.approx((0.05 - 0.048601, 0.05 + 0.048601), abs=2e-6)


@pytest.mark.parametrize("x2", [100, 115, 130, 150, 170])
def test_msprt_p_below_alpha_exactly_when_zero_is_outside(x2: int) -> None:
    s = stats.msprt_two_proportions(100, 1000, x2, 1000, tau=0.02, alpha=0.05)
    assert s is not None
    outside = not (s.interval[0] <= 0.0 <= s.interval[1])
    assert (s.p_value < 0.05) == outside
    # always wider than the fixed-horizon Newcombe interval at the same level
    fixed = stats.newcombe_difference(100, 1000, x2, 1000)
    assert fixed is not None
    assert s.interval[0] < fixed[0] and s.interval[1] > fixed[1]


def test_msprt_undefined_without_variation() -> None:
    assert stats.msprt_two_proportions(0, 100, 0, 100, tau=0.01) is None


# ------------------------------------------------------------------------- Welch's interval

ANSWER_SETS = [
    ({3: 10, 5: 20, 7: 10}, {4: 10, 6: 20, 7: 10}),
    ({1: 3, 2: 5, 3: 7, 4: 10, 5: 25, 6: 30, 7: 20}, {1: 9, 4: 40, 7: 11}),
    ({1: 1, 5: 1}, {2: 2, 3: 1, 5: 30}),
]


@pytest.mark.parametrize(("a", "b"), ANSWER_SETS)
def test_welch_difference_matches_scipy(a: dict[int, int], b: dict[int, int]) -> None:
    import numpy as np

    xa = np.repeat(list(a), list(a.values())).astype(float)
    xb = np.repeat(list(b), list(b.values())).astype(float)
    ref = sst.ttest_ind(xb, xa, equal_var=False)
    ci = ref.confidence_interval(0.95)
    w = stats.welch_difference(a, b)
    assert w is not None
    assert w.difference == pytest.approx(xb.mean() - xa.mean(), abs=1e-12)
    assert w.df == pytest.approx(ref.df, abs=1e-9)
    assert w.interval == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_welch_hand_worked() -> None:
    # {3: 10, 5: 20, 7: 10}: mean 5, s^2 = 160/39; {4: 10, 6: 20, 7: 10}: mean 5.75,
    # s^2 = 47.5/39; v = s^2/40; df = (v1+v2)^2 / (v1^2/39 + v2^2/39) = 73.241...
    v1, v2 = 80 / 39 / 40, 47.5 / 39 / 40
    w = stats.welch_difference(*ANSWER_SETS[0])
    assert w is not None
    assert w.standard_error == pytest.approx(math.sqrt(v1 + v2), abs=1e-12)
    assert w.df == pytest.approx((v1 + v2) ** 2 / (v1**2 / 39 + v2**2 / 39), abs=1e-9)
    assert stats.welch_difference({4: 1}, {5: 3}) is None
    assert stats.welch_difference({4: 3}, {5: 3}) is None


@pytest.mark.parametrize("df", [1.0, 2.5, 7.0, 30.0, 412.3])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.3, 0.5, 0.9, 0.975])
def test_student_t_matches_scipy(df: float, p: float) -> None:
    assert stats.student_t_quantile(p, df) == pytest.approx(sst.t.ppf(p, df), abs=1e-9)
    assert stats.student_t_sf(1.7, df) == pytest.approx(sst.t.sf(1.7, df), abs=1e-12)
    assert stats.student_t_sf(-0.2, df) == pytest.approx(sst.t.sf(-0.2, df), abs=1e-12)
