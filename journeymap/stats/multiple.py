"""Multiple comparisons: Benjamini-Hochberg (false discovery rate, the trend's consecutive
periods, the touchpoints of a readout) and Holm (family-wise error, the arms of one experiment)."""

from __future__ import annotations

from collections.abc import Sequence


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in input order.

    For the ``m`` p-values sorted ascending, ``q_(i) = min over j >= i of m p_(j) / j``,
    capped at 1 (step-up, monotone). Rejecting where ``q < alpha`` controls the false
    discovery rate at ``alpha`` for independent (or positively dependent) tests.

    Source: Y. Benjamini & Y. Hochberg (1995), "Controlling the false discovery rate: a
    practical and powerful approach to multiple testing", JRSS B 57(1), 289-300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.2]
    >>> benjamini_hochberg([])
    []
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(running, 1.0)
    return adjusted


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values, in input order.

    For the ``m`` p-values sorted ascending, ``adj_(i) = max over j <= i of
    min(1, (m - j + 1) p_(j))``. Rejecting where ``adj < alpha`` controls the family-wise
    error rate at ``alpha`` under any dependence (the arms of one experiment share a control).

    Source: S. Holm (1979), "A simple sequentially rejective multiple test procedure",
    Scandinavian Journal of Statistics 6(2), 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    >>> holm([])
    []
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
