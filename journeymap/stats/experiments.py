"""The readout and plan of A/B and multi-arm experiments (``journeymap.analysis.experiment``,
issue 10): sample ratio mismatch, the mixture SPRT, the sample size per arm and the Bayesian
chance to beat the control."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from journeymap.stats.distributions import _log_beta, upper_gamma_regularized
from journeymap.stats.normal import z_value


def chi_square_goodness_of_fit(
    observed: Sequence[int], expected_shares: Sequence[float]
) -> tuple[float, float]:
    """Pearson's chi-square goodness of fit: ``(statistic, p_value)``.

    ``E_i = N s_i / sum s`` with ``N = sum O_i``; ``X^2 = sum (O_i - E_i)^2 / E_i`` and
    ``p = Q((k - 1)/2, X^2/2)`` (chi-square with ``k - 1`` degrees of freedom, through
    :func:`upper_gamma_regularized`). Used for sample ratio mismatch: the customers per arm
    against the planned split.

    Source: K. Pearson (1900), Philosophical Magazine 50(302), 157-175; Fabijan et al. (2019),
    "Diagnosing sample ratio mismatch in online controlled experiments", KDD '19.

    Examples
    --------
    >>> x2, p = chi_square_goodness_of_fit([5100, 4900], [0.5, 0.5])
    >>> x2, round(p, 6)
    (4.0, 0.0455)
    """
    if len(observed) != len(expected_shares) or len(observed) < 2:
        raise ValueError("two or more categories, one share each")
    total, share = sum(observed), sum(expected_shares)
    if total <= 0 or share <= 0:
        return 0.0, 1.0
    stat = sum(
        (o - total * s / share) ** 2 / (total * s / share)
        for o, s in zip(observed, expected_shares, strict=True)
    )
    return stat, upper_gamma_regularized((len(observed) - 1) / 2, stat / 2)


@dataclass(frozen=True, slots=True)
class Sequential:
    """An always-valid p-value and confidence sequence of ``p2 - p1`` (mixture SPRT)."""

    p_value: float
    interval: tuple[float, float]


def msprt_two_proportions(
    x1: int, n1: int, x2: int, n2: int, *, tau: float, alpha: float = 0.05
) -> Sequential | None:
    """Mixture SPRT of ``p2 - p1 = 0`` with a normal ``N(0, tau^2)`` mixing distribution.

    With ``d = p2 - p1`` and its variance ``s^2 = p1 q1 / n1 + p2 q2 / n2`` (normal
    approximation of each arm), the mixture likelihood ratio of ``theta`` is::

        L(theta) = sqrt(s^2 / (s^2 + tau^2)) exp(tau^2 (d - theta)^2 / (2 s^2 (s^2 + tau^2)))

    The always-valid p-value is ``min(1, 1 / L(0))`` and the confidence sequence is every
    ``theta`` with ``L(theta) < 1 / alpha``::

        d -/+ sqrt(s^2 (s^2 + tau^2) / tau^2 (2 log(1/alpha) + log((s^2 + tau^2) / s^2)))

    By Ville's inequality ``P(L_n(theta) >= 1/alpha for some n) <= alpha`` under ``theta``, so
    the readout can be looked at after every customer without inflating false positives.
    ``p < alpha`` exactly when 0 is outside the sequence. None when ``s^2`` is 0 (no variation).
    With one look per arm size ``n`` per arm this is the statistic of Johari et al. for
    ``s^2 = (p1 q1 + p2 q2) / n``.

    Source: R. Johari, P. Koomen, L. Pekelis & D. Walsh (2017), "Peeking at A/B tests: why it
    matters, and what to do about it", KDD '17, 1517-1525 (and Johari, Pekelis & Walsh,
    "Always valid inference", Operations Research 70(3), 2022); H. Robbins (1970).

    Examples
    --------
    >>> s = msprt_two_proportions(100, 1000, 150, 1000, tau=0.02)
    >>> round(s.p_value, 5), [round(v, 4) for v in s.interval]
    (0.04072, [0.0014, 0.0986])
    """
    if n1 <= 0 or n2 <= 0 or tau <= 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    s2 = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if s2 <= 0:
        return None
    t2 = tau * tau
    d = p2 - p1
    log_l = 0.5 * math.log(s2 / (s2 + t2)) + t2 * d * d / (2 * s2 * (s2 + t2))
    p = 1.0 if log_l <= 0 else math.exp(-log_l)
    half = math.sqrt(s2 * (s2 + t2) / t2 * (2 * math.log(1 / alpha) + math.log((s2 + t2) / s2)))
    return Sequential(p, (d - half, d + half))


def two_proportion_sample_size(
    p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Customers per arm for a two-sided test of ``p1`` against ``p2`` (equal arms).

    ``n = (z_(1-alpha/2) sqrt(2 pbar qbar) + z_(power) sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2``
    with ``pbar = (p1 + p2) / 2``, rounded up; None when ``p1 == p2``. The normal
    approximation without continuity correction (the pooled variance under the null, the
    separate variances under the alternative).

    Source: J. L. Fleiss, B. Levin & M. C. Paik (2003), *Statistical Methods for Rates and
    Proportions*, 3rd ed., equation 4.14; statsmodels ``samplesize_proportions_2indep_onetail``.

    Examples
    --------
    >>> two_proportion_sample_size(0.10, 0.11)
    14751
    """
    if p1 == p2:
        return None
    pbar = (p1 + p2) / 2
    za = z_value(confidence=1 - alpha)
    zb = NormalDist().inv_cdf(power)
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return math.ceil(n / (p1 - p2) ** 2 - 1e-9)


def chance_to_beat(x1: int, n1: int, x2: int, n2: int) -> float:
    """``P(p2 > p1)`` for independent ``Beta(1 + x, 1 + n - x)`` posteriors (uniform priors).

    With ``a_k = 1 + x_k`` and ``b_k = 1 + n_k - x_k``, exactly::

        P(p2 > p1) = sum_(i=0)^(a2-1) B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1))

    summed in log space; no random draws, so the figure is deterministic. The sum runs over the
    arm with the fewer successes (``P(p2 > p1) = 1 - P(p1 > p2)``). Term ``i`` is
    ``C G(a1 + i) G(b2 + i) / (G(a1 + b1 + b2 + i) G(1 + i))`` (``G`` the gamma function,
    ``(b2 + i) B(1 + i, b2) = G(1 + i) G(b2) / G(b2 + i)``), so the log of each term is the
    last one's plus ``log((a1 + i)(b2 + i) / ((a1 + b1 + b2 + i)(1 + i)))``, with the exact
    ``lgamma`` form every :data:`_EXACT_EVERY` terms so that rounding cannot build up (one
    ``log`` a term instead of four ``lgamma``: 130,000 terms at 10M events).

    Source: E. Miller (2015), "Formulas for Bayesian A/B testing"
    (evanmiller.org/bayesian-ab-testing.html); J. Cook (2005), "Exact calculation of beta
    inequalities", UT MD Anderson technical report.

    Examples
    --------
    >>> round(chance_to_beat(5, 10, 5, 10), 12)
    0.5
    >>> round(chance_to_beat(100, 1000, 130, 1000), 4)
    0.9822
    """
    a1, b1, a2, b2 = 1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2
    if a2 > a1:
        return 1.0 - chance_to_beat(x2, n2, x1, n1)
    base = _log_beta(a1, b1)

    def exact(i: int) -> float:
        return _log_beta(a1 + i, b1 + b2) - math.log(b2 + i) - _log_beta(1 + i, b2) - base

    logs, c, log = [], a1 + b1 + b2, math.log
    term = 0.0
    for i in range(a2):
        if i % _EXACT_EVERY == 0:
            term = exact(i)
        else:
            j = i - 1
            term += log((a1 + j) * (b2 + j) / ((c + j) * (1 + j)))
        logs.append(term)
    total = math.fsum(map(math.exp, logs))
    return min(1.0, max(0.0, total))


_EXACT_EVERY = 512
"""How often :func:`chance_to_beat` takes a term's log exactly (``lgamma``) rather than from
the one before: 511 steps of a relative rounding error of about 1e-16 each at most."""
